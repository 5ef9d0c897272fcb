"""Stats on a generated archive: counts, outcomes by ground, win rate, medians, amounts, the
PNG chart, and the CLI."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image

from disputekit.archive import reindex
from disputekit.archive.chart import render_chart
from disputekit.archive.stats import archive_stats, summarize
from disputekit.cli.main import cli
from disputekit.clock import parse_time
from test_archive_support import add_synthetic_cases, synthetic_facts

COUNT = 12  # outcomes cycle won, lost, withdrawn, agreed, partial, pending


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stats") / "archive"
    add_synthetic_cases(root, COUNT)
    reindex(root)
    return root


def amount(*numbers: int) -> Decimal:
    return sum((synthetic_facts(n).amount for n in numbers), Decimal(0))


def test_summarize_is_pure_and_handles_nothing() -> None:
    empty = summarize([])
    assert (empty.cases, empty.win_rate, empty.median_days_to_refusal) == (0, None, None)
    one = summarize([{"outcome": "won", "ground": "goods_signed", "amount": "10.00",
                      "requested_ts": 0, "refused_ts": 86400 * 2, "archived_ts": 86400 * 5}])
    assert (one.win_rate, one.median_days_to_refusal, one.median_days_to_archive) == (1.0, 2.0,
                                                                                       5.0)


def test_archive_stats(archive: Path) -> None:
    stats = archive_stats(archive)
    assert stats.cases == COUNT
    assert stats.by_outcome == {"won": 2, "lost": 2, "withdrawn": 2, "agreed": 2, "partial": 2,
                                "pending": 2}
    # ground = n % 3, outcome = n % 6
    assert stats.by_ground == {"goods_signed": {"won": 2, "agreed": 2},
                               "resale_affected": {"withdrawn": 2, "pending": 2},
                               "returned_item_not_ours": {"lost": 2, "partial": 2}}
    assert stats.win_rate == round(4 / 10, 4)
    # refusal after 20 + n hours (synthetic_facts), so the median of n = 0..11 is 25.5 h
    assert stats.median_days_to_refusal == round(25.5 / 24, 2)
    assert stats.refusals_timed == COUNT
    assert stats.median_days_to_archive == 10.0
    assert stats.amount_kept == amount(0, 2, 6, 8)
    assert stats.amount_refunded == amount(1, 7)
    assert stats.amount_settled == amount(3, 4, 9, 10)
    assert stats.amount_pending == amount(5, 11)


def test_since_and_until(archive: Path) -> None:
    stats = archive_stats(archive, since=parse_time("2025-01-10"), until=parse_time("2025-01-20"))
    assert stats.cases == 3  # requests on 01-11, 01-14, 01-17


def test_chart_is_a_png_with_a_bar_per_ground(archive: Path) -> None:
    data = render_chart(archive_stats(archive))
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.mode, image.width) == ("PNG", "RGB", 1000)
    assert image.height == 70 + 3 * 38 + 60
    assert image.getpixel((305, 80)) == (46, 160, 67)  # the first bar starts with "won" green
    assert render_chart(archive_stats(archive)) == data  # deterministic


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def test_cli_stats(archive: Path, tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    result = run("stats", str(archive), "--chart", str(chart))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Cases: 12  win rate (won+withdrawn / with an outcome): 40%"
    assert lines[1] == "Median request → refusal: 1.06 days (12 timed)"
    assert lines[-1] == f"Chart: {chart}"
    assert chart.read_bytes().startswith(b"\x89PNG")
    data = json.loads(run("stats", str(archive), "--json", "--no-chart").output)
    assert (data["cases"], data["chart"], data["amount_refunded"]) == (
        12, None, f"{amount(1, 7):.2f}")
    assert not (archive / "stats.png").exists()


def test_cli_stats_errors(tmp_path: Path) -> None:
    result = run("stats", str(tmp_path))
    assert result.exit_code == 5
    assert result.output.startswith(f"Error: {tmp_path} is not a disputekit archive")
    root = tmp_path / "a"
    add_synthetic_cases(root, 1)
    result = run("stats", str(root))
    assert result.exit_code == 5
    assert result.output == (
        "Error: The archive index cannot be used (index.sqlite is missing). "
        f"Run `disputekit reindex {root}` to rebuild it from the sealed folders.\n")
