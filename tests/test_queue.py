"""`queue`: every case below a folder, most urgent first; exit 3 when one is within 24 h."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from disputekit.cli.main import cli
from disputekit.validate.queue import build_queue, find_cases
from rulekit import case, make_case_dir, signed_evidence, t

NOW = "2025-04-21T10:00:00+08:00"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args], catch_exceptions=False)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Four cases at different depths and urgencies, plus copies that must be skipped."""
    root = tmp_path / "cases"
    make_case_dir(root / "shop1" / "later", case(refund_id="R3", deadline=t("2025-04-25 10:00")),
                  signed_evidence())
    make_case_dir(root / "shop2" / "april" / "urgent",
                  case(refund_id="R2", deadline=t("2025-04-21 20:00")), signed_evidence())
    make_case_dir(root / "passed", case(refund_id="R1", deadline=t("2025-04-21 08:00")))
    make_case_dir(root / "unknown", case(refund_id="R4", state="waiting_seller_confirm",
                                         deadline=None, state_since=None))
    # a dossier output folder and the managed folder are never cases
    for skipped in (root / "passed" / "out" / "copy", root / "passed" / ".disputekit" / "x"):
        skipped.mkdir(parents=True)
        (skipped / "case.toml").write_text((root / "passed" / "case.toml").read_text("utf-8"))
    return root


def test_finds_nested_cases_and_skips_managed_folders(tree: Path) -> None:
    found = sorted(p.relative_to(tree).as_posix() for p in find_cases(tree))
    assert found == ["passed", "shop1/later", "shop2/april/urgent", "unknown"]


def test_most_urgent_first(tree: Path) -> None:
    rows = build_queue(tree, t("2025-04-21 10:00"))
    assert [(r.case, r.hours_left) for r in rows] == [
        ("taobao-R1", -2.0), ("taobao-R2", 10.0), ("taobao-R3", 96.0), ("taobao-R4", None)]
    assert [r.ready for r in rows] == [False, True, True, False]
    assert rows[0].blocking >= 2  # passed deadline, no evidence
    assert rows[2].state == "waiting_seller_agree"


def test_json_rows(tree: Path) -> None:
    result = invoke("queue", str(tree), "--now", NOW, "--json")
    assert result.exit_code == 3
    rows = json.loads(result.stdout)
    assert [r["case"] for r in rows] == ["taobao-R1", "taobao-R2", "taobao-R3", "taobao-R4"]
    for row in rows:
        assert {"case", "deadline", "hours_left", "ready"} <= set(row)
    assert rows[1]["deadline"] == "2025-04-21T20:00:00+08:00"
    assert rows[1]["hours_left"] == 10.0
    assert rows[1]["ready"] is True
    assert rows[3]["deadline"] is None


def test_exit_0_when_nothing_is_within_24_hours(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(deadline=t("2025-04-25 10:00")), signed_evidence())
    result = invoke("queue", str(tmp_path), "--now", NOW)
    assert result.exit_code == 0, result.output
    assert "taobao-20250420001" in result.stdout


def test_exit_3_when_a_case_is_within_24_hours(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(deadline=t("2025-04-22 09:59")), signed_evidence())
    assert invoke("queue", str(tmp_path), "--now", NOW).exit_code == 3


def test_a_broken_case_is_a_row_not_a_crash(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "good", case(deadline=t("2025-04-25 10:00")), signed_evidence())
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "case.toml").write_text('order_id = "1"\n', "utf-8")
    rows = build_queue(tmp_path, t("2025-04-21 10:00"))
    assert [(r.case, r.error is not None) for r in rows] == [("taobao-20250420001", False),
                                                             ("broken", True)]
    assert "case.toml is invalid" in (rows[1].error or "")


def test_empty_folder(tmp_path: Path) -> None:
    result = invoke("queue", str(tmp_path), "--now", NOW, "--json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_closed_finished_and_archived_cases_leave_the_queue(tmp_path: Path) -> None:
    """Issue 11: a refused-and-archived case alarmed every morning."""
    from disputekit.case import open_case
    from disputekit.manifest import state_hash

    root = tmp_path / "cases"
    make_case_dir(root / "open", case(refund_id="R1", deadline=t("2025-04-21 20:00")), signed_evidence())
    make_case_dir(root / "closed", case(refund_id="R2", state="closed", deadline=t("2025-04-21 20:00")))
    make_case_dir(root / "finished", case(refund_id="R3", order_status="finished",
                                          deadline=t("2025-04-21 20:00")))
    archived = make_case_dir(root / "archived", case(refund_id="R4", state="seller_refused",
                                                     deadline=t("2025-04-21 20:00")))
    archived.audit.append(t("2025-04-21 09:00"), "test", "archive", {"state_hash": state_hash(archived)})
    assert [r.case for r in build_queue(root, t(NOW.replace("T", " ")[:16]))] == ["taobao-R1"]
    # a later change to the archived case brings it back
    text = (root / "archived" / "case.toml").read_text("utf-8")
    (root / "archived" / "case.toml").write_text(text.replace('state = "seller_refused"',
                                                              'state = "cs_intervening"'), "utf-8")
    assert open_case(root / "archived").facts.state == "cs_intervening"
    assert sorted(r.case for r in build_queue(root, t("2025-04-21 10:00"))) == ["taobao-R1", "taobao-R4"]


def test_a_buyer_deadline_never_alarms(tmp_path: Path) -> None:
    """seller_refused: the buyer's 7 days run out, which is not the seller's emergency."""
    root = tmp_path / "cases"
    make_case_dir(root / "refused", case(refund_id="R5", state="seller_refused", deadline=None,
                                         state_since=t("2025-04-10 10:00")))
    rows = build_queue(root, t("2025-04-21 10:00"))
    assert [(r.case, r.hours_left is not None and r.hours_left < 0, r.urgent) for r in rows] == [
        ("taobao-R5", True, False)]
    assert invoke("queue", str(root), "--now", NOW).exit_code == 0
