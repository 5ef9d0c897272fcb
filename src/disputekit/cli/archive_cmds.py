"""Commands of the archive: archive, verify, search, reindex, stats."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import click

from disputekit.archive.index import Query, count, reindex, search
from disputekit.archive.record import OUTCOMES
from disputekit.cli.options import by_opt, case_arg, json_opt, now_opt, resolve_actor
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.cli.validate_cmds import profile_opt
from disputekit.clock import now as clock_now
from disputekit.clock import parse_time
from disputekit.errors import ExitCode, UsageError
from disputekit.i18n import current_lang, pick
from disputekit.models.case import GROUND_IDS
from disputekit.text.archive import archive_lines, hit_line, stats_lines, verify_lines

# The review, sealing, verifying and charting machinery is imported inside the commands that
# use it, so `search` starts quickly.

archive_arg = click.argument("archive_root", metavar="ARCHIVE",
                             type=click.Path(file_okay=False, path_type=Path))
def _bound(value: str | None, option: str, end: bool = False) -> datetime | None:
    """A --since/--until value; a bare date in --until includes that whole day."""
    if value is None:
        return None
    bare = re.fullmatch(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}", value.strip()) is not None
    try:  # 9999-12-31 plus its day overflows
        moment = parse_time(value)
        return moment + timedelta(days=1) if end and bare else moment
    except (ValueError, OverflowError):
        raise UsageError(f"{option} 的日期无法识别：{value!r}（应为 YYYY-MM-DD）。",
                         f"{option}: cannot read the date {value!r} (expected YYYY-MM-DD).",
                         ) from None


@click.command("archive")
@case_arg
@click.option("--to", "archive_root", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The archive folder (created when new or empty).")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None,
              help="How the dispute ended; a new outcome for a sealed state adds a version.")
@by_opt("Who archives (default: DISPUTEKIT_USER or the login name).")
@profile_opt
@now_opt
@json_opt
@handle_errors
def archive_cmd(case_dir: Path, archive_root: Path, outcome: str | None, actor: str | None,
                profile_path: Path | None, now: str | None, as_json: bool) -> None:
    """Seal the case into ARCHIVE/YYYY/MM/CASE-ID/vN: PDF/A-3b dossier with the originals
    attached, manifest of hashes, audit log, upload bundle, outcome. Read-only; idempotent.

    Refused (exit 3) with blocking findings, or without a fresh approval when the shop
    requires one.

    Example:

    \b
        disputekit archive CASE --to ~/dispute-archive --outcome won
    """
    from disputekit.archive.seal import archive_case

    result = archive_case(case_dir, archive_root, outcome, clock_now(now),
                          actor=resolve_actor(actor), profile_path=profile_path)
    if as_json:
        emit_json(result.to_json())
        return
    for line in archive_lines(result):
        click.echo(line)


@click.command("verify")
@click.argument("path", metavar="PATH", type=click.Path(exists=True, path_type=Path))
@click.option("--deep", is_flag=True, help="Also validate sealed dossiers as PDF/A-3b (slower).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Files hashed at once (default: the number of cores, up to 8).")
@click.option("--against", "against", default=None, metavar="ARCHIVE",
              type=click.Path(file_okay=False, path_type=Path),
              help="For a case folder: also check it against every version of it sealed in "
                   "ARCHIVE (a case rolled back or rewritten before an archived state fails).")
@json_opt
@handle_errors
def verify_cmd(path: Path, deep: bool, jobs: int | None, against: Path | None,
               as_json: bool) -> None:
    """Re-hash everything and check manifests, audit chains and dossier attachments.

    PATH is an archive, an archived case (ARCHIVE/YYYY/MM/CASE-ID or a vN in it), a case
    folder, or a dossier.pdf. Exits 0 only when intact, 4 otherwise.

    Example:

    \b
        disputekit verify ~/dispute-archive/2025/04/taobao-20250420001
        disputekit verify out/dossier.pdf --json
        disputekit verify CASE --against ~/dispute-archive
    """
    from disputekit.archive.verify import VerifyOptions, verify_path

    options = VerifyOptions(deep=deep, jobs=jobs or VerifyOptions().jobs, against=against)
    report = verify_path(path, options)
    if as_json:
        emit_json(report.to_json())
    else:
        for line in verify_lines(report):
            click.echo(line)
    if not report.ok:
        sys.exit(int(ExitCode.VERIFY_FAILED))


@click.command("search")
@archive_arg
@click.option("--order", default=None, help="Order number (exact).")
@click.option("--refund", default=None, help="Refund number (exact).")
@click.option("--buyer", default=None, help="Buyer nickname (exact).")
@click.option("--seller", default=None, help="Shop/seller nickname (exact).")
@click.option("--ground", type=click.Choice(GROUND_IDS), default=None, help="Refusal ground.")
@click.option("--outcome", type=click.Choice([*OUTCOMES, "pending"]), default=None,
              help="Outcome; pending = none recorded yet.")
@click.option("--since", default=None, metavar="DATE", help="Refund requested on or after DATE.")
@click.option("--until", default=None, metavar="DATE", help="Refund requested up to DATE (inclusive).")
@click.option("--all-versions", is_flag=True, help="List every sealed version, not only the latest.")
@click.option("--limit", type=click.IntRange(0), default=100, show_default=True,
              help="Most hits to show (0: all).")
@json_opt
@handle_errors
def search_cmd(archive_root: Path, since: str | None, until: str | None, all_versions: bool,
               limit: int, as_json: bool, **filters: str | None) -> None:
    """Find archived cases; one line per hit, newest request first.

    Example:

    \b
        disputekit search ~/dispute-archive --buyer tb_小明2021
        disputekit search ~/dispute-archive --ground goods_signed --outcome lost --since 2025-04-01
    """
    query = Query(since=_bound(since, "--since"), until=_bound(until, "--until", end=True),
                  all_versions=all_versions, limit=limit, **filters)
    hits = search(archive_root, query)
    if as_json:
        emit_json(hits)
        return
    for row in hits:
        click.echo(hit_line(row))
    total = count(archive_root, query) if limit and len(hits) == limit else len(hits)
    click.echo(pick(f"共 {total} 条", f"{total} hit(s)")
               + (pick(f"，显示前 {len(hits)} 条（--limit）", f", showing {len(hits)} (--limit)")
                  if total > len(hits) else ""), err=True)


@click.command("reindex")
@archive_arg
@json_opt
@handle_errors
def reindex_cmd(archive_root: Path, as_json: bool) -> None:
    """Rebuild ARCHIVE/index.sqlite from the sealed folders (they are the truth).

    Example:

    \b
        disputekit reindex ~/dispute-archive
    """
    result = reindex(archive_root)
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(pick(f"已索引 {result.indexed} 个版本", f"Indexed {result.indexed} version(s)"))
    for path, why in result.skipped:
        click.echo(pick(f"已跳过（已损坏）{path}：{why}", f"Skipped (damaged) {path}: {why}"),
                   err=True)


@click.command("stats")
@archive_arg
@click.option("--since", default=None, metavar="DATE", help="Only refunds requested on or after DATE.")
@click.option("--until", default=None, metavar="DATE", help="Only refunds requested up to DATE.")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Where to write the PNG chart (default: ARCHIVE/stats.png).")
@click.option("--no-chart", is_flag=True, help="Do not write a chart.")
@json_opt
@handle_errors
def stats_cmd(archive_root: Path, since: str | None, until: str | None, chart_path: Path | None,
              no_chart: bool, as_json: bool) -> None:
    """Cases, outcomes by ground, win rate, time to refusal, money kept and refunded.

    Example:

    \b
        disputekit stats ~/dispute-archive --since 2025-01-01
    """
    from disputekit.archive.chart import write_chart
    from disputekit.archive.stats import archive_stats

    stats = archive_stats(archive_root, _bound(since, "--since"), _bound(until, "--until", True))
    chart = None if no_chart else write_chart(stats, chart_path or archive_root / "stats.png",
                                              current_lang())
    if as_json:
        emit_json({**stats.to_json(), "chart": str(chart) if chart else None})
        return
    for line in stats_lines(stats):
        click.echo(line)
    if chart:
        click.echo(pick(f"图表：{chart}", f"Chart: {chart}"))


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    archive_cmd, verify_cmd, search_cmd, reindex_cmd, stats_cmd,
)}
