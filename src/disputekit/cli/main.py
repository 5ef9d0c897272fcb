"""The ``disputekit`` command: a thin Click shell over the library."""

from __future__ import annotations

import logging

import click

from disputekit import __version__
from disputekit.cli.runtime import CliContext
from disputekit.i18n import current_lang, set_lang


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


def _register() -> None:
    from disputekit.cli import build_cmds, case_cmds, review_cmds, rules_cmds

    for module in (case_cmds, rules_cmds, build_cmds, review_cmds):
        module.register(cli)


_register()


def main() -> None:
    cli(prog_name="disputekit")
