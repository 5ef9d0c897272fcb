"""Review gate: approve/return bound to the state hash, stale approvals, what changed, the shop
setting, and the CLI (review, approve, return)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from disputekit.case import open_case, write_case_file
from disputekit.cli.main import cli
from disputekit.collect.evidence_ops import add_files
from disputekit.errors import BlockingFindings, InputFileError, UsageError
from disputekit.manifest import state_document, state_hash
from disputekit.models.case import CaseFile
from disputekit.review.decisions import (
    ApprovalMissing,
    ReviewState,
    approval_required,
    approve,
    assert_fresh_approval,
    decisions,
    lifecycle_only,
    return_case,
    review_state,
    review_summary,
    sign_off,
)
from disputekit.review.snapshots import diff_states, snapshot_path
from disputekit.validate.queue import build_queue
from test_archive_support import NOW, copy_case, fake_dossier, make_sample_case, sample_files

T0 = NOW["signed-not-received"]
REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "1"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("tpl") / "case")


@pytest.fixture
def case_dir(template: Path, tmp_path: Path) -> Path:
    return copy_case(template, tmp_path / "shop" / "case")


def edit_facts(case_dir: Path, **update: object) -> None:
    case = open_case(case_dir)
    data = {**case.facts.model_dump(mode="json"), **update}
    write_case_file(case.paths, CaseFile.model_validate(data))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


# --------------------------------------------------------------------------- tier 1: pure


def doc(exhibits: list[dict[str, object]], **case: object) -> dict[str, object]:
    return {"case": {"buyer": "a", "shipment": {"waybill": "1"}, **case}, "exhibits": exhibits}


def ex(exhibit: str, **fields: object) -> dict[str, object]:
    return {"id": exhibit, "sha256": "0" * 64, "caption": None, "marks": [], **fields}


def test_diff_names_added_removed_changed_exhibits_and_nested_fields() -> None:
    old = doc([ex("E1"), ex("E2", caption="a")])
    new = doc([ex("E2", caption="b"), ex("E10")], buyer="b", shipment={"waybill": "2"})
    diff = diff_states(old, new)
    assert diff.exhibits_added == ["E10"]
    assert diff.exhibits_removed == ["E1"]
    assert [(c.field, c.old, c.new) for c in diff.exhibits_changed] == [("E2.caption", "a", "b")]
    assert [(c.field, c.old, c.new) for c in diff.case_changed] == [
        ("buyer", "a", "b"), ("shipment.waybill", "1", "2")]
    assert not lifecycle_only(diff)


def test_lifecycle_only_accepts_state_changes() -> None:
    diff = diff_states(doc([ex("E1")], state="waiting_seller_agree"),
                       doc([ex("E1")], state="seller_refused", state_since="x"))
    assert lifecycle_only(diff)


ids = st.lists(st.integers(1, 30), unique=True).map(lambda ns: [ex(f"E{n}") for n in ns])


@given(ids, ids)
def test_diff_is_symmetric_and_empty_on_itself(a: list[dict[str, object]],
                                               b: list[dict[str, object]]) -> None:
    assert diff_states(doc(a), doc(a)).empty
    forward, back = diff_states(doc(a), doc(b)), diff_states(doc(b), doc(a))
    assert forward.exhibits_added == back.exhibits_removed
    assert forward.exhibits_removed == back.exhibits_added


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("yes", True), ("0", False),
                                                 ("false", False)])
def test_env_setting(tmp_path: Path, value: str, expected: bool) -> None:
    assert approval_required(tmp_path / "c", {"DISPUTEKIT_REQUIRE_APPROVAL": value}) is expected


def test_env_setting_not_understood(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        approval_required(tmp_path / "c", {"DISPUTEKIT_REQUIRE_APPROVAL": "maybe"})
    assert err.value.exit_code == 2
    assert err.value.message("en") == (
        "DISPUTEKIT_REQUIRE_APPROVAL='maybe' is not understood (use 1 or 0).")


def test_shop_file_above_the_case(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text("[review]\nrequire_approval = true\n")
    case = tmp_path / "cases" / "c1"
    case.mkdir(parents=True)
    assert approval_required(case, {}) is True
    assert approval_required(case, {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}) is False  # env wins
    assert approval_required(tmp_path.parent / "elsewhere", {}) is False


def test_shop_file_with_a_typo_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "shop.toml").write_text("[review]\nrequire_aproval = true\n")
    with pytest.raises(InputFileError) as err:
        approval_required(tmp_path / "c", {})
    assert err.value.exit_code == 5
    assert err.value.message("en") == (
        f"{tmp_path / 'shop.toml'}: [review] may only hold require_approval = true/false.")


# --------------------------------------------------------------------------- tier 2: states


def test_states_approved_stale_returned(case_dir: Path) -> None:
    assert review_state(case_dir) is None
    decision = approve(case_dir, "王组长", "证据充分,可以拒绝", T0)
    assert review_state(case_dir) == "approved"
    assert decision.state_hash == state_hash(open_case(case_dir))
    edit_facts(case_dir, reason="买家已本人签收,物流记录为证。")
    assert review_state(case_dir) == "stale"
    return_case(case_dir, "王组长", "缺少开箱视频截图", T0)
    assert review_state(case_dir) == "returned"
    approve(case_dir, "王组长", None, T0)
    assert review_state(case_dir) == "approved"
    assert [d.action for d in decisions(open_case(case_dir))] == [
        "approve", "return", "approve"]


def test_added_evidence_makes_the_approval_stale(case_dir: Path, tmp_path: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    extra = fake_dossier(case_dir, tmp_path / "extra", T0)
    add_files(case_dir, [extra], at=T0, actor="客服小林")
    assert review_state(case_dir) == "stale"
    summary = review_summary(open_case(case_dir), T0)
    assert summary.state == ReviewState.STALE
    assert summary.changes is not None
    assert summary.changes.exhibits_added == ["E6"]


def test_audit_entry_and_snapshot(case_dir: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    case = open_case(case_dir)
    entry = case.audit.entries()[-1]
    digest = state_hash(case)
    assert (entry["action"], entry["actor"]) == ("approve", "王组长")
    assert entry["details"] == {"reviewer": "王组长", "comment": "ok", "state_hash": digest}
    snap = snapshot_path(case.paths, digest)
    assert json.loads(snap.read_bytes()) == json.loads(json.dumps(state_document(case)))
    assert not snap.stat().st_mode & stat.S_IWUSR
    assert case.audit.verify() == []


def test_changed_fields_listed_since_the_last_decision(case_dir: Path) -> None:
    return_case(case_dir, "王组长", "金额不对", T0)
    edit_facts(case_dir, amount="99.00")
    changes = review_summary(open_case(case_dir), T0).changes
    assert changes is not None
    assert [(c.field, c.old, c.new) for c in changes.case_changed] == [
        ("amount", "128.50", "99.00")]


def test_tampered_snapshot_is_ignored(case_dir: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    case = open_case(case_dir)
    snap = snapshot_path(case.paths, state_hash(case))
    snap.chmod(0o644)
    snap.write_text("{}")
    assert review_summary(open_case(case_dir), T0).changes is None


def test_approve_refused_with_blocking_findings(case_dir: Path) -> None:
    edit_facts(case_dir, ground=None)
    with pytest.raises(BlockingFindings) as err:
        approve(case_dir, "王组长", "ok", T0)
    assert err.value.exit_code == 3
    assert err.value.message("en").startswith(
        "Case taobao-20250420001 has 1 blocking finding(s) and cannot be approved:\n  - ")
    assert err.value.message("en").endswith(
        "Return the case (`disputekit return`) so the agent can fix it.")
    assert review_state(case_dir) is None


def test_return_needs_a_message_and_a_reviewer(case_dir: Path) -> None:
    with pytest.raises(UsageError) as err:
        return_case(case_dir, "王组长", "  ", T0)
    assert err.value.message("en") == (
        "Returning a case needs a message (-m) saying what is missing or must change.")
    with pytest.raises(UsageError) as err:
        approve(case_dir, " ", "ok", T0)
    assert err.value.message("en") == "Name the reviewer with --by."


def test_fresh_approval_gate(case_dir: Path) -> None:
    case = open_case(case_dir)
    assert_fresh_approval(case, {})  # not required: nothing to check
    with pytest.raises(ApprovalMissing) as err:
        assert_fresh_approval(case, REQUIRED)
    assert err.value.exit_code == 3
    assert err.value.message("en") == (
        "The shop requires a lead's approval first; this case has not been approved. "
        "Ask the lead to review and approve: disputekit approve CASE --by NAME")
    return_case(case_dir, "王组长", "缺少开箱视频截图", T0)
    with pytest.raises(ApprovalMissing) as err:
        assert_fresh_approval(open_case(case_dir), REQUIRED)
    assert err.value.message("en").startswith(
        "This case was returned by 王组长 (2025-04-21T09:00:00+08:00): 缺少开箱视频截图")
    approve(case_dir, "王组长", "ok", T0)
    assert_fresh_approval(open_case(case_dir), REQUIRED)


def test_stale_approval_and_the_lifecycle_allowance(case_dir: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    edit_facts(case_dir, state="seller_refused", state_since=T0)
    case = open_case(case_dir)
    with pytest.raises(ApprovalMissing) as err:
        assert_fresh_approval(case, REQUIRED)
    assert err.value.message("en").startswith(
        "The case changed after 王组长 approved it (2025-04-21T09:00:00+08:00); "
        "the approval is stale.")
    assert_fresh_approval(case, REQUIRED, allow_lifecycle=True)
    edit_facts(case_dir, buyer="someone_else")
    with pytest.raises(ApprovalMissing):
        assert_fresh_approval(open_case(case_dir), REQUIRED, allow_lifecycle=True)


def test_sign_off_for_the_dossier(case_dir: Path) -> None:
    assert sign_off(open_case(case_dir)) is None
    approve(case_dir, "王组长", "ok", T0)
    first = sign_off(open_case(case_dir))
    assert first is not None
    assert (first.decision, first.reviewer, first.fresh) == ("approve", "王组长", True)
    edit_facts(case_dir, reason="新的理由")
    second = sign_off(open_case(case_dir))
    assert second is not None
    assert second.fresh is False


def test_queue_shows_the_review_state(case_dir: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    edit_facts(case_dir, reason="改了")
    rows = build_queue(case_dir.parent, T0)
    assert [r.review for r in rows] == ["stale"]


# --------------------------------------------------------------------------- tier 3: CLI


NOW_ARG = ("--now", "2025-04-21T09:00+08:00")


def test_cli_approve_then_review(case_dir: Path) -> None:
    result = run("approve", str(case_dir), "--by", "王组长", "-m", "证据充分,可以拒绝", *NOW_ARG)
    assert result.exit_code == 0, result.output
    digest = state_hash(open_case(case_dir))
    assert result.output == f"Approved by 王组长 (state hash {digest[:16]}…)\n"
    edit_facts(case_dir, reason="改了理由")
    result = run("review", str(case_dir), *NOW_ARG)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Review: stale (changed after approval)" in lines
    assert "Last: approved by 王组长 at 2025-04-21T09:00:00+08:00 — 证据充分,可以拒绝" in lines
    assert "  ~ reason: — → 改了理由" in lines


def test_cli_review_json(case_dir: Path) -> None:
    run("return", str(case_dir), "--by", "王组长", "-m", "缺照片", *NOW_ARG)
    result = run("review", str(case_dir), "--json", *NOW_ARG)
    data = json.loads(result.output)
    assert data["state"] == "returned"
    assert data["last_decision"]["comment"] == "缺照片"
    assert data["changes"] == {"exhibits_added": [], "exhibits_removed": [],
                               "exhibits_changed": [], "case_changed": []}
    assert data["check"]["ready"] is True


def test_cli_return_without_message(case_dir: Path) -> None:
    result = run("return", str(case_dir), "--by", "王组长", *NOW_ARG)
    assert result.exit_code == 2
    assert result.output == ("Error: Returning a case needs a message (-m) saying what is "
                             "missing or must change.\n")


def test_cli_approve_without_reviewer(case_dir: Path) -> None:
    result = run("approve", str(case_dir), *NOW_ARG)
    assert result.exit_code == 2
    assert "Missing option '--by'" in result.output


def test_cli_approve_blocked(case_dir: Path) -> None:
    edit_facts(case_dir, ground=None)
    result = run("approve", str(case_dir), "--by", "王组长", *NOW_ARG)
    assert result.exit_code == 3
    assert result.output.startswith(
        "Error: Case taobao-20250420001 has 1 blocking finding(s) and cannot be approved:")


def test_cli_on_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    result = run("approve", str(tmp_path), "--by", "王组长", *NOW_ARG)
    assert result.exit_code == 5
    assert result.output == (f"Error: {tmp_path} is not a case folder (no case.toml). "
                             "Run `disputekit init` first.\n")


def test_sample_files_exist() -> None:
    assert len(sample_files("signed-not-received")) >= 4
