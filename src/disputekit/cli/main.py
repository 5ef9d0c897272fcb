"""The ``disputekit`` command: a thin Click shell over the library."""

from __future__ import annotations

import importlib
import logging

import click

from disputekit import __version__
from disputekit.cli.runtime import CliContext
from disputekit.i18n import current_lang, set_lang

# command name → module in disputekit.cli (one per pipeline stage): imported only when that command runs, so `list`,
# `queue` (run from cron each morning) and `inspect` do not pay for the PDF stack's imports.
COMMANDS = {
    "init": "collect_cmds", "add": "collect_cmds", "list": "collect_cmds",
    "mark": "collect_cmds", "inspect": "collect_cmds",
    "check": "validate_cmds", "grounds": "validate_cmds", "queue": "validate_cmds",
    "draft": "assemble_cmds", "build": "assemble_cmds",
    "review": "review_cmds", "approve": "review_cmds", "return": "review_cmds",
    "archive": "archive_cmds", "verify": "archive_cmds", "search": "archive_cmds",
    "reindex": "archive_cmds", "stats": "archive_cmds",
}


class LazyGroup(click.Group):
    """A group whose commands live in modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"disputekit.cli.{module_name}")
        return module.COMMANDS[cmd_name]  # type: ignore[no-any-return]


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None,
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
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)
    ctx.obj = CliContext(lang=current_lang(), verbose=verbose)


def main() -> None:
    cli(prog_name="disputekit")
