"""The ``disputekit`` command: a thin Click shell over the library."""

from __future__ import annotations

import copy
import importlib
import logging

import click

from disputekit import __version__
from disputekit.cli.runtime import CliContext, install_click_translations
from disputekit.i18n import current_lang, set_lang
from disputekit.text.cli_zh import COMMANDS as ZH_COMMANDS
from disputekit.text.cli_zh import ROOT as ZH_ROOT
from disputekit.text.cli_zh import option_help

# command name → module in disputekit.cli (one per pipeline stage): imported only when that command runs, so `list`,
# `queue` (run from cron each morning) and `inspect` do not pay for the PDF stack's imports.
COMMANDS = {
    "init": "collect_cmds", "add": "collect_cmds", "list": "collect_cmds",
    "mark": "collect_cmds", "inspect": "collect_cmds", "withdraw": "collect_cmds",
    "tag": "collect_cmds", "facts": "collect_cmds",
    "check": "validate_cmds", "grounds": "validate_cmds", "queue": "validate_cmds",
    "draft": "assemble_cmds", "build": "assemble_cmds",
    "review": "review_cmds", "approve": "review_cmds", "return": "review_cmds",
    "archive": "archive_cmds", "verify": "archive_cmds", "search": "archive_cmds",
    "reindex": "archive_cmds", "stats": "archive_cmds",
}


# First paragraph of each command's docstring: `disputekit --help` lists the commands from here,
# without importing their modules. tests/test_startup.py fails when one is stale.
SUMMARIES = {
    "init": "Start a case folder (writes CASE/case.toml, the same file you may write by hand).",
    "add": "Add evidence files to a case. Originals are kept byte-for-byte and hashed.",
    "list": "List a case's evidence: exhibit id, kind, name, size, sha256, key facts (withdrawn exhibits are listed, marked as withdrawn).",
    "mark": "Mark key chat messages (--message) or video moments (--at); the dossier highlights the messages and shows the video frames large.",
    "inspect": "Show what disputekit reads from one file, without a case.",
    "withdraw": "Withdraw a wrong exhibit: it leaves every check, dossier and upload bundle.",
    "tag": "Change an exhibit's tag or caption (recorded in the audit log).",
    "facts": "Type facts a tracking record lacks (courier, waybill); shown as typed by the agent.",
    "check": "Check the evidence against the platform's rules, the timeline and the deadline.",
    "grounds": "List the refusal grounds that fit this case, and what each still needs.",
    "queue": "Every case below a folder, most urgent first. Run it each morning (shop rule 9).",
    "draft": "Print the refusal reason, ready to paste (within the platform's length limit).",
    "build": "Build out/dossier.pdf (review edition), out/submission.pdf (for the platform) and the upload bundle out/upload/ (out/draft/ with --draft).",
    "review": "The lead's view: facts, review state, what changed since the last decision, findings.",
    "approve": "Approve the case as it is now. Any later change makes the approval stale.",
    "return": "Return the case to the agent with what is missing.",
    "archive": "Seal the case into ARCHIVE/YYYY/MM/CASE-ID/vN: PDF/A-3b dossier with the originals attached, manifest of hashes, audit log, upload bundle, outcome. Read-only; idempotent.",
    "verify": "Re-hash everything and check manifests, audit chains and dossier attachments.",
    "search": "Find archived cases; one line per hit, newest request first.",
    "reindex": "Rebuild ARCHIVE/index.sqlite from the sealed folders (they are the truth).",
    "stats": "Cases, outcomes by ground, win rate, time to refusal, money kept and refunded.",
}


def flag_of(param: click.Parameter) -> str:
    """The key of an option in the help catalog: its longest spelling (``--message``, not ``-m``)."""
    return max([*param.opts, *param.secondary_opts], key=len)


def localized_param(param: click.Parameter, command: str) -> click.Parameter:
    """``param`` with its Chinese help (a copy), or as it is when no Chinese help is known."""
    if not isinstance(param, click.Option):
        return param
    zh = option_help(command, flag_of(param))
    if zh is None:
        return param
    clone = copy.copy(param)
    clone.help = zh
    return clone


def localized(command: click.Command, name: str) -> click.Command:
    """Under a Chinese locale, a copy of ``command`` whose description and option help are
    Chinese (``text/cli_zh.py``); the command itself is left untouched."""
    text = ZH_COMMANDS.get(name)
    if current_lang() != "zh" or text is None:
        return command
    clone = copy.copy(command)
    clone.help, clone.short_help = text.doc, None
    clone.params = [localized_param(p, name) for p in command.params]

    def help_option(ctx: click.Context) -> click.Option | None:  # Click caches it in English
        found = command.get_help_option(ctx)
        return localized_param(found, name) if found is not None else None  # type: ignore[return-value]

    clone.get_help_option = help_option  # type: ignore[method-assign]
    return clone


def summary(name: str) -> str:
    """What ``--help`` says of a command, in the user's language."""
    text = ZH_COMMANDS.get(name) if current_lang() == "zh" else None
    return text.doc if text is not None else SUMMARIES[name]


class LazyGroup(click.Group):
    """A group whose commands live in modules imported on first use; help in the user's language."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"disputekit.cli.{module_name}")
        return localized(module.COMMANDS[cmd_name], cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list as Click would print it, from SUMMARIES (or the Chinese catalog)
        instead of the commands themselves, so that ``--help`` imports none of them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, click.Command(name, help=summary(name)).get_short_help_str(limit)) for name in names]
        with formatter.section(click.core._("Commands")):  # Click's gettext, translated by us
            formatter.write_dl(rows)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        return [localized_param(p, "") for p in params] if current_lang() == "zh" else params

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if current_lang() != "zh":
            super().format_help_text(ctx, formatter)
            return
        english, self.help = self.help, ZH_ROOT.doc
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = english


def _early_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--lang is eager: it takes effect before --help and Click's own usage errors."""
    if value:
        set_lang(value)  # type: ignore[arg-type]
    return value


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, is_eager=True, callback=_early_lang,
    help="Language of messages and output (default: from the locale; zh for a Chinese locale).",
)
@click.option("--verbose", "-v", is_flag=True, help="Show details (tracebacks) on errors.")
@click.version_option(__version__, prog_name="disputekit")
@click.pass_context
def cli(ctx: click.Context, lang: str | None, verbose: bool) -> None:
    """disputekit — 退款纠纷证据包 / evidence dossiers for Taobao & Tmall refund disputes.

    Example:

    \b
        disputekit init CASE --order-id 3712345678901234567 --refund-id 20250420001 ...
        disputekit add CASE chat.txt tracking.json photo.jpg
        disputekit check CASE
    """
    if lang:
        set_lang(lang)  # type: ignore[arg-type]
    handler = logging.StreamHandler()
    handler.setFormatter(TerminalFormatter(verbose))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler],
                        force=True)
    ctx.obj = CliContext(lang=current_lang(), verbose=verbose)


class TerminalFormatter(logging.Formatter):
    """A library warning as a user reads it: "警告：…" in the user's language (a record may
    carry ``zh``/``en`` through ``extra=``), made printable; logger names only with -v."""

    def __init__(self, verbose: bool) -> None:
        super().__init__()
        self.verbose = verbose

    def format(self, record: logging.LogRecord) -> str:
        from disputekit.i18n import pick
        from disputekit.text.printable import printable

        zh, en = getattr(record, "zh", None), getattr(record, "en", None)
        text = pick(zh, en) if isinstance(zh, str) and isinstance(en, str) else record.getMessage()
        if record.levelno >= logging.ERROR:
            text = pick("错误：", "Error: ") + text
        elif record.levelno >= logging.WARNING:
            text = pick("警告：", "Warning: ") + text
        if self.verbose:
            text = f"[{record.name}] {text}"
        if record.exc_info and self.verbose:
            text += "\n" + self.formatException(record.exc_info)
        return printable(text, multiline=True)


install_click_translations()


def main() -> None:
    cli(prog_name="disputekit")
