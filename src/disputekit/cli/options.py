"""Shared Click options."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from disputekit.i18n import pick
from disputekit.kinds import KINDS
from disputekit.models.evidence import TAGS

CASE_FILE = "case.toml"  # disputekit.case.CASE_FILE (not imported: its models cost start-up time)


def _case_or_here(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """CASE may be left out inside a case folder (the current folder holds case.toml)."""
    if value is not None:
        return value
    if Path(CASE_FILE).is_file():
        return Path(".")
    raise click.UsageError(pick("缺少参数 CASE（当前文件夹不是案件：没有 case.toml）。",
                                "Missing argument CASE (the current folder is not a case: no "
                                "case.toml)."), ctx=ctx)


case_arg = click.argument(
    "case_dir", metavar="[CASE]", required=False, default=None, callback=_case_or_here,
    type=click.Path(file_okay=False, path_type=Path),
)
"""A command's only positional: the case folder, or the current folder when it is a case."""
case_first_arg = click.argument(
    "case_dir", metavar="CASE", type=click.Path(file_okay=False, path_type=Path)
)
"""The case folder before other positionals (``add CASE FILES``, ``mark CASE E2``): required."""
json_opt = click.option("--json", "as_json", is_flag=True, help="Print JSON (for scripts).")
now_opt = click.option(
    "--now", default=None, metavar="ISO",
    help="Reason as of this moment (ISO 8601; default: SOURCE_DATE_EPOCH or the clock).",
)
as_opt = click.option(
    "--as", "as_kind", type=click.Choice(list(KINDS)), default=None,
    help="Treat the file(s) as this kind instead of detecting it from the content.",
)
profile_opt = click.option(
    "--profile", "profile_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="A shop's TOML file overriding values of the platform profile.",
)
tag_opt = click.option(
    "--tag", type=click.Choice(list(TAGS)), default=None,
    help="What the evidence shows (e.g. before_shipment, returned_item, return).",
)


class AliasedOption(click.Option):
    """An option whose old names still work but are not shown in --help (a CLI is a promise:
    ``draft --case-lang`` became ``--lang``, ``approve --message`` became ``--comment``)."""

    def __init__(self, *args: Any, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        shown = self.opts
        self.opts = [*shown, *self.aliases]
        try:
            super().add_to_parser(parser, ctx)
        finally:
            self.opts = shown


def output_lang_opt(help_text: str) -> Callable[..., Any]:
    """``--lang zh|en``: the language of what a command writes (old name ``--case-lang``)."""
    return click.option("--lang", "lang", cls=AliasedOption, aliases=("--case-lang",),
                        type=click.Choice(["zh", "en"]), default=None, help=help_text)


def comment_opt(help_text: str) -> Callable[..., Any]:
    """``-m/--comment TEXT``: a free-text comment (old name ``--message``, which elsewhere
    means a chat message number: ``mark --message 14``)."""
    return click.option("-m", "--comment", "comment", cls=AliasedOption, aliases=("--message",),
                        default=None, metavar="TEXT", help=help_text)


def by_opt(help_text: str = "Who does this (default: DISPUTEKIT_USER or the login name).") -> Callable[..., Any]:
    return click.option("--by", "actor", default=None, metavar="NAME", help=help_text)


MAX_ACTOR = 64
"""A name goes into the audit log and on the cover: a nickname's length (10k characters once
crashed the layout)."""


def resolve_actor(actor: str | None) -> str:
    if actor:
        return _checked_actor(actor, "--by")
    env = os.environ.get("DISPUTEKIT_USER")
    if env:
        return _checked_actor(env, "DISPUTEKIT_USER")
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _checked_actor(name: str, source: str) -> str:
    from disputekit.errors import UsageError
    from disputekit.text.printable import printable

    name = " ".join(name.split())
    if not name or len(name) > MAX_ACTOR or printable(name) != name:
        raise UsageError(
            f"{source} 的姓名无效：须为 1–{MAX_ACTOR} 个可打印字符（现为 {len(name)} 个）。",
            f"{source}: a name must be 1–{MAX_ACTOR} printable characters ({len(name)} given).",
            fix_zh="写组长或经办人的姓名或工号。", fix_en="Give the person's name or staff id.")
    return name
