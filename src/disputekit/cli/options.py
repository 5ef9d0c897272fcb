"""Shared Click options."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from disputekit.kinds import KINDS
from disputekit.models.evidence import TAGS

case_arg = click.argument(
    "case_dir", metavar="CASE", type=click.Path(file_okay=False, path_type=Path)
)
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
