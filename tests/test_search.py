"""Index and search: every filter, latest vs all versions, reindex from the folders, missing
and damaged index, and the CLI (search, reindex)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from disputekit.archive import Query, reindex, search
from disputekit.archive.index import record_version
from disputekit.archive.paths import INDEX_FILE
from disputekit.cli.main import cli
from disputekit.clock import parse_time
from disputekit.errors import InputFileError
from test_archive_support import (
    add_synthetic_cases,
    synthetic_facts,
    write_synthetic_version,
)

COUNT = 30


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("search") / "archive"
    add_synthetic_cases(root, COUNT)
    assert reindex(root).indexed == COUNT
    return root


def ids(hits: list[dict[str, object]]) -> list[str]:
    return sorted(str(h["case_id"]) for h in hits)


def expected(predicate) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(synthetic_facts(n).case_id for n in range(COUNT) if predicate(n))


# --------------------------------------------------------------------------- filters


def test_order_and_refund_are_exact(archive: Path) -> None:
    facts = synthetic_facts(7)
    assert ids(search(archive, Query(order=facts.order_id))) == [facts.case_id]
    assert ids(search(archive, Query(refund=facts.refund_id))) == [facts.case_id]
    assert search(archive, Query(order=facts.order_id[:-1])) == []


def test_buyer_seller_ground_outcome(archive: Path) -> None:
    assert ids(search(archive, Query(buyer="buyer_3", limit=0))) == expected(lambda n: n % 7 == 3)
    assert ids(search(archive, Query(seller="悦家旗舰店", limit=0))) == expected(
        lambda n: n % 2 == 1)
    assert ids(search(archive, Query(ground="resale_affected", limit=0))) == expected(
        lambda n: n % 3 == 2)
    assert ids(search(archive, Query(outcome="lost", limit=0))) == expected(lambda n: n % 6 == 1)
    assert ids(search(archive, Query(outcome="pending", limit=0))) == expected(
        lambda n: n % 6 == 5)
    both = Query(ground="goods_signed", outcome="won", limit=0)
    assert ids(search(archive, both)) == expected(lambda n: n % 3 == 0 and n % 6 == 0)


def test_dates_since_and_until(archive: Path) -> None:
    since = parse_time("2025-02-01")
    until = parse_time("2025-03-01")
    hits = search(archive, Query(since=since, until=until, limit=0))
    assert ids(hits) == expected(
        lambda n: since <= synthetic_facts(n).requested_at < until)
    assert hits == sorted(hits, key=lambda h: -int(h["requested_ts"]))  # newest first


def test_hits_carry_the_indexed_fields(archive: Path) -> None:
    hit = search(archive, Query(refund=synthetic_facts(4).refund_id))[0]
    assert {k: hit[k] for k in ("platform", "buyer", "amount", "ground", "outcome", "reviewer",
                                "version", "latest")} == {
        "platform": "taobao", "buyer": "buyer_4", "amount": "104.50",
        "ground": "returned_item_not_ours", "outcome": "partial", "reviewer": "王组长",
        "version": 1, "latest": 1}
    assert hit["path"] == f"2025/01/{synthetic_facts(4).case_id}/v1"


def test_limit(archive: Path) -> None:
    assert len(search(archive, Query(limit=5))) == 5
    assert len(search(archive, Query(limit=0))) == COUNT


# --------------------------------------------------------------------------- versions, reindex


def test_latest_version_and_incremental_record(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    facts = synthetic_facts(1)
    write_synthetic_version(root, facts, None, facts.requested_at)
    reindex(root)
    later = write_synthetic_version(root, facts, "won", facts.requested_at + timedelta(days=3),
                                    version=2)
    record_version(root, later)
    assert [(h["version"], h["outcome"]) for h in search(root, Query())] == [(2, "won")]
    assert [h["version"] for h in search(root, Query(all_versions=True))] == [2, 1]


def test_reindex_skips_damaged_manifests(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    add_synthetic_cases(root, 3)
    damaged = next(root.glob("2025/*/*/v1/manifest.json"))
    damaged.write_text(damaged.read_text("utf-8").replace("buyer_", "buyer-"), "utf-8")
    result = reindex(root)
    assert result.indexed == 2
    assert result.skipped == [(damaged.parent.relative_to(root).as_posix(),
                               "content changed (seal does not match)")]


def test_missing_and_damaged_index(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    add_synthetic_cases(root, 2)
    with pytest.raises(InputFileError) as err:
        search(root, Query())
    assert err.value.exit_code == 5
    assert err.value.message("en") == (
        "The archive index cannot be used (index.sqlite is missing). "
        f"Run `disputekit reindex {root}` to rebuild it from the sealed folders.")
    (root / INDEX_FILE).write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    with pytest.raises(InputFileError) as err:
        search(root, Query())
    assert err.value.message("en").startswith(
        "The archive index cannot be used (index.sqlite is damaged: ")
    assert reindex(root).indexed == 2
    assert len(search(root, Query())) == 2


def test_search_outside_an_archive(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as err:
        search(tmp_path, Query())
    assert err.value.message("en").startswith(f"{tmp_path} is not a disputekit archive")


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def test_cli_search_lines_and_json(archive: Path) -> None:
    facts = synthetic_facts(4)
    result = run("search", str(archive), "--order", facts.order_id)
    assert result.exit_code == 0
    assert result.stdout == (
        f"2025-01-17  {facts.case_id}  order {facts.order_id}  buyer_4  ¥104.50  "
        f"returned_item_not_ours  partial  v1  2025/01/{facts.case_id}/v1\n")
    assert result.stderr == "1 hit(s)\n"
    data = json.loads(run("search", str(archive), "--buyer", "buyer_4", "--json").stdout)
    assert sorted(h["case_id"] for h in data) == expected(lambda n: n % 7 == 4)


def test_cli_until_includes_the_whole_day(archive: Path) -> None:
    result = run("search", str(archive), "--since", "2025-01-17", "--until", "2025-01-17",
                 "--json")
    assert [h["case_id"] for h in json.loads(result.stdout)] == [synthetic_facts(4).case_id]


def test_cli_search_errors(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    add_synthetic_cases(root, 1)
    result = run("search", str(root), "--buyer", "x")
    assert result.exit_code == 5
    assert result.output == (
        "Error: The archive index cannot be used (index.sqlite is missing). "
        f"Run `disputekit reindex {root}` to rebuild it from the sealed folders.\n")
    result = run("search", str(root), "--since", "last tuesday")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --since: cannot read the date 'last tuesday' (expected YYYY-MM-DD).\n")
    result = run("reindex", str(root))
    assert (result.exit_code, result.output) == (0, "Indexed 1 version(s)\n")
    assert run("search", str(root), "--buyer", "buyer_0").exit_code == 0
    result = run("reindex", str(tmp_path))
    assert result.exit_code == 5
    assert result.output.startswith(f"Error: {tmp_path} is not a disputekit archive")
