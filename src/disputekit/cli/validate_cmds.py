"""Commands that judge a case: check, grounds, queue."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from disputekit.case import open_case
from disputekit.cli.options import case_arg, json_opt, now_opt
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.clock import now as clock_now
from disputekit.errors import ExitCode
from disputekit.i18n import current_lang
from disputekit.models.case import GROUND_IDS
from disputekit.text.check import check_lines, ground_lines, queue_lines
from disputekit.validate.check import check_case, open_case_lenient
from disputekit.validate.grounds import fit_grounds
from disputekit.validate.queue import build_queue

profile_opt = click.option(
    "--profile", "profile_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None, help="A shop's TOML file overriding values of the platform profile.",
)


@click.command("check")
@case_arg
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None,
              help="Evaluate this ground without saving it.")
@profile_opt
@now_opt
@json_opt
@handle_errors
def check_cmd(case_dir: Path, ground: str | None, profile_path: Path | None, now: str | None,
              as_json: bool) -> None:
    """Check the evidence against the platform's rules, the timeline and the deadline.

    Exits 0 when nothing blocks, 3 when something does.

    Example:

    \b
        disputekit check CASE
        disputekit check CASE --ground goods_signed --now 2025-04-21T09:00+08:00 --json
    """
    case, problems = open_case_lenient(case_dir)
    report = check_case(case, now=clock_now(now), ground=ground, profile_path=profile_path,
                        unreadable_times=problems)
    if as_json:
        emit_json(report.to_json(current_lang()))
    else:
        for line in check_lines(report):
            click.echo(line)
    if not report.ready:
        sys.exit(int(ExitCode.BLOCKING))


@click.command("grounds")
@case_arg
@profile_opt
@now_opt
@json_opt
@handle_errors
def grounds_cmd(case_dir: Path, profile_path: Path | None, now: str | None, as_json: bool) -> None:
    """List the refusal grounds that fit this case, and what each still needs.

    ✔ fits (every needed fact established), ? unverified (evidence or facts missing: not
    to be used yet), ✘ blocked (a rule contradicts it).

    Example:

    \b
        disputekit grounds CASE
    """
    fits = fit_grounds(open_case(case_dir), now=clock_now(now), profile_path=profile_path)
    lang = current_lang()
    if as_json:
        emit_json([g.to_json(lang) for g in fits])
        return
    for line in ground_lines(fits):
        click.echo(line)


@click.command("queue")
@click.argument("cases_dir", metavar="CASES_DIR",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@now_opt
@json_opt
@handle_errors
def queue_cmd(cases_dir: Path, now: str | None, as_json: bool) -> None:
    """Every case below a folder, most urgent first. Run it each morning (shop rule 9).

    Exits 3 when any case is within 24 h of a seller deadline (or past it), so cron can alert.
    Closed, paid, finished and archived cases are left out.

    Example:

    \b
        disputekit queue ~/disputes --json
    """
    moment = clock_now(now)
    rows = build_queue(cases_dir, moment)
    if as_json:
        emit_json([r.to_json() for r in rows])
    else:
        for line in queue_lines(rows):
            click.echo(line)
    if any(r.urgent for r in rows):
        sys.exit(int(ExitCode.BLOCKING))


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    check_cmd, grounds_cmd, queue_cmd,
)}
