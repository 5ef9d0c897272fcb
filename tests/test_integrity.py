"""A case is its audit log (issue 15): facts derived, never trusted; evidence.json equals the
replay of audit.jsonl; the review gate accepts a decision only from a chain that verifies.

Each reproduction of the red-team pass on 3803c83 is one test here (they all verified as
完好 there)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from disputekit.archive.verify import verify_path
from disputekit.case import CasePaths, open_case
from disputekit.cli.main import cli
from disputekit.collect.evidence_ops import mark_messages
from disputekit.collect.replay import REDUCERS, differences, replay
from disputekit.errors import InputFileError, VerificationFailed
from disputekit.manifest import state_hash
from disputekit.review.decisions import approve, assert_fresh_approval, return_case
from disputekit.store.audit import AuditLog, entry_hash
from test_archive_support import NOW, copy_case, make_sample_case

T0 = NOW["signed-not-received"]
REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "1"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("tpl") / "case")


@pytest.fixture
def case(template: Path, tmp_path: Path) -> Path:
    return copy_case(template, tmp_path / "case")


def problems(case: Path) -> list[str]:
    return [str(p) for p in verify_path(case).problems]


def warnings(case: Path) -> list[str]:
    return [str(p) for p in verify_path(case).warnings]


def edit_evidence(case: Path, change: Any) -> None:
    path = CasePaths(case).evidence
    data = json.loads(path.read_text("utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def audit_lines(case: Path) -> list[dict[str, Any]]:
    return AuditLog(CasePaths(case).audit).entries()


def write_chain(case: Path, entries: list[dict[str, Any]], *, head: bool = True) -> None:
    """Rewrite audit.jsonl with a consistent chain (what someone with write access can do)."""
    prev = "0" * 64
    lines = []
    for seq, entry in enumerate(entries, start=1):
        entry = {**entry, "seq": seq, "prev": prev}
        entry["hash"] = prev = entry_hash(entry)
        lines.append(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
    paths = CasePaths(case)
    paths.audit.write_text("".join(lines), "utf-8")
    if head:
        (paths.meta / "head").write_text(json.dumps({"seq": len(entries), "hash": prev}))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


# --------------------------------------------------------------------------- clean


def test_a_fresh_case_verifies_without_warnings(case: Path) -> None:
    assert problems(case) == [] and warnings(case) == []
    details = audit_lines(case)[0]["details"]
    assert details == {"case_id": open_case(case).case_id, "log": 2}
    add = audit_lines(case)[1]["details"]["exhibits"][0]
    assert sorted(add) == ["caption", "facts_sha256", "id", "kind", "name", "sha256", "size",
                           "tag"]


def test_every_existing_action_has_a_reducer() -> None:
    assert {"init", "mark", "unmark", "approve", "return", "archive"} <= set(REDUCERS)


# --------------------------------------------------------------------------- facts


def test_an_edited_chat_message_is_caught_by_verify_and_build(case: Path, tmp_path: Path) -> None:
    before = state_hash(open_case(case))

    def forge(data: dict[str, Any]) -> None:
        data["items"][0]["facts"]["messages"][5]["text"] = "我已经收到货了"

    edit_evidence(case, forge)
    assert problems(case) == [
        ".disputekit/evidence.json: E1.facts.messages: differs from what add parsed (edited "
        "after adding)"]
    assert state_hash(open_case(case)) != before  # an approval of the true facts goes stale
    result = run("build", str(case), "--now", T0.isoformat(), "--draft")
    assert result.exit_code == 4
    assert "E1.facts.messages: differs from what add parsed" in result.output
    assert not (case / "out" / "dossier.pdf").exists()


@pytest.mark.parametrize(("exhibit", "field", "value"), [
    ("E5", "events", []),  # the tracking record's events (signer included)
    ("E2", "taken_at", "2025-04-01T08:00:00+08:00"),  # a photo's capture time
])
def test_any_edited_fact_names_its_exhibit_and_field(case: Path, exhibit: str, field: str,
                                                    value: Any) -> None:
    def forge(data: dict[str, Any]) -> None:
        item = next(i for i in data["items"] if i["id"] == exhibit)
        item["facts"][field] = value

    edit_evidence(case, forge)
    assert problems(case) == [f".disputekit/evidence.json: {exhibit}.facts.{field}: differs "
                              "from what add parsed (edited after adding)"]


def test_an_added_or_removed_fact_field_is_named(case: Path) -> None:
    def forge(data: dict[str, Any]) -> None:
        data["items"][0]["facts"]["forged"] = 1
        del data["items"][4]["facts"]["events"]

    edit_evidence(case, forge)
    assert problems(case) == [
        ".disputekit/evidence.json: E1.facts.forged: not in what add parsed",
        ".disputekit/evidence.json: E5.facts.events: missing from evidence.json"]


def test_an_edited_caption_or_mark_is_caught(case: Path) -> None:
    def forge(data: dict[str, Any]) -> None:
        data["items"][2]["caption"] = "forged"
        data["items"][0]["marks"] = [3]

    edit_evidence(case, forge)
    assert problems(case) == [
        '.disputekit/evidence.json: E1.marks: evidence.json has [3], the audit log gives []',
        '.disputekit/evidence.json: E3.caption: evidence.json has "forged", the audit log '
        'gives null']


# --------------------------------------------------------------------------- the log


def test_removing_the_last_decision_is_caught_and_the_gate_refuses(case: Path) -> None:
    approve(case, "王组长", "ok", T0)
    return_case(case, "王组长", "缺少开箱视频", T0)
    audit = CasePaths(case).audit
    audit.write_bytes(b"".join(audit.read_bytes().splitlines(keepends=True)[:-1]))  # sed '$d'
    assert problems(case) == [".disputekit/head: the log ends at entry 7 but the head "
                              "records entry 8: lines were removed from the end"]
    with pytest.raises(VerificationFailed) as err:
        assert_fresh_approval(open_case(case), REQUIRED)
    assert err.value.en.startswith("The case does not match its audit log; cannot accept its "
                                   "approval:\n  - .disputekit/head: the log ends at entry 7")
    result = run("approve", str(case), "--by", "王组长", "--now", T0.isoformat())
    assert result.exit_code == 4
    assert len(audit_lines(case)) == 7  # nothing appended to a damaged log
    review = run("review", str(case), "--now", T0.isoformat())
    assert review.exit_code == 4 and "cannot show the review" in review.output


def test_emptied_or_deleted_log_and_deleted_evidence_list(case: Path) -> None:
    paths = CasePaths(case)
    paths.audit.write_bytes(b"")
    assert ".disputekit/audit.jsonl: empty (every write is in the log)" in problems(case)
    paths.audit.unlink()
    assert problems(case) == [".disputekit/audit.jsonl: missing (every write is in the log)"]


def test_deleted_evidence_list(case: Path) -> None:
    CasePaths(case).evidence.unlink()
    found = problems(case)
    assert found[0] == ".disputekit/evidence.json: missing"
    assert ".disputekit/evidence.json: E1: in the audit log but not in evidence.json" in found


def test_reordered_log(case: Path) -> None:
    audit = CasePaths(case).audit
    lines = audit.read_bytes().splitlines(keepends=True)
    audit.write_bytes(b"".join([lines[0], lines[2], lines[1], *lines[3:]]))
    assert ".disputekit/audit.jsonl: line 2: chain broken (prev hash differs)" in problems(case)


def test_replaced_object_with_its_hash_fixed_in_evidence_json(case: Path) -> None:
    paths = CasePaths(case)
    photo = open_case(case).evidence.by_id("E4")
    assert photo is not None
    forged = b"a better photo"
    import hashlib

    digest = hashlib.sha256(forged).hexdigest()
    (paths.objects / digest[:2]).mkdir(exist_ok=True)
    (paths.objects / digest[:2] / digest[2:]).write_bytes(forged)
    os.chmod(paths.objects / photo.sha256[:2] / photo.sha256[2:], 0o644)
    (paths.objects / photo.sha256[:2] / photo.sha256[2:]).unlink()

    def forge(data: dict[str, Any]) -> None:
        data["items"][3].update(sha256=digest, size=len(forged))

    edit_evidence(case, forge)
    found = problems(case)
    assert f'.disputekit/evidence.json: E4.sha256: evidence.json has "{digest}", the audit ' \
           f'log gives "{photo.sha256}"' in found
    assert f".disputekit/evidence.json: E4.size: evidence.json has {len(forged)}, the audit " \
           f"log gives {photo.size}" in found


def test_orphan_object_is_reported(case: Path) -> None:
    orphan = CasePaths(case).objects / "ab" / ("c" * 62)
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"planted")
    found = problems(case)
    assert (f".disputekit/objects/ab/{'c' * 62}: no exhibit references this object (left by an "
            "interrupted add, or planted)") in found


def test_unknown_action_is_an_error_not_skipped(case: Path) -> None:
    entries = audit_lines(case)
    write_chain(case, [*entries, {"at": T0.isoformat(), "actor": "x", "action": "teleport",
                                  "details": {}}])
    assert problems(case) == [
        ".disputekit/audit.jsonl: entry 7: unknown action 'teleport' (made by a newer "
        "disputekit, or forged)"]


def test_exhibit_in_evidence_json_without_an_add(case: Path) -> None:
    entries = audit_lines(case)
    e5 = entries[-1]["details"]["exhibits"][0]["sha256"]
    write_chain(case, entries[:-1])  # drop the last add consistently, head included
    assert problems(case) == [
        ".disputekit/evidence.json: E5: in evidence.json but no audit entry added it",
        ".disputekit/evidence.json: next_number is 6, the audit log gives 5",
        f".disputekit/objects/{e5[:2]}/{e5[2:]}: no exhibit references this object (left by an "
        "interrupted add, or planted)"]


# --------------------------------------------------------------------------- older cases


def test_a_case_made_before_anchoring_verifies_with_warnings(case: Path) -> None:
    entries = audit_lines(case)
    entries[0]["details"].pop("log")
    for entry in entries[1:]:
        for exhibit in entry["details"].get("exhibits", []):
            for key in ("facts_sha256", "caption", "tag", "size"):
                exhibit.pop(key)
    write_chain(case, entries, head=False)
    (CasePaths(case).meta / "head").unlink(missing_ok=True)
    assert problems(case) == []
    assert warnings(case) == [
        ".disputekit/evidence.json: E1, E2, E3, E4, E5: caption, facts, size, tag not anchored "
        "in the audit log (case made before disputekit 0.1.0+anchors)"
        .replace(".disputekit/evidence.json: ", ""),
        ".disputekit/head: not recorded (case made before disputekit 0.1.0+anchors); lines "
        "removed from the end of the log cannot be detected"]
    result = run("verify", str(case))
    assert result.exit_code == 0 and "  ! E1, E2, E3, E4, E5: caption, facts" in result.output


# --------------------------------------------------------------------------- crash windows


def test_marks_written_before_their_audit_entry_are_recovered(case: Path) -> None:
    paths = CasePaths(case)

    def forge(data: dict[str, Any]) -> None:
        data["items"][0]["marks"] = [2, 3]  # what a mark killed before its append leaves

    edit_evidence(case, forge)
    assert len(problems(case)) == 1
    mark_messages(case, "E1", [5], at=T0, actor="tester")
    assert problems(case) == []
    last = AuditLog(paths.audit).entries()[-2]
    assert (last["action"], last["details"]) == (
        "mark", {"exhibit": "E1", "messages": [2, 3], "recovered": True})


def test_replay_is_pure_over_the_log(case: Path) -> None:
    recorded = open_case(case).record if hasattr(open_case(case), "record") \
        else open_case(case).evidence
    replayed = replay(audit_lines(case), recorded)
    assert replayed.problems == [] and differences(replayed.evidence, recorded) == []


# --------------------------------------------------------------------------- links


def test_audit_append_refuses_a_symlinked_log(case: Path, tmp_path: Path) -> None:
    paths = CasePaths(case)
    elsewhere = tmp_path / "elsewhere.jsonl"
    elsewhere.write_bytes(paths.audit.read_bytes())
    paths.audit.unlink()
    paths.audit.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    with pytest.raises(InputFileError) as err:
        mark_messages(case, "E1", [2], at=T0, actor="tester")
    assert err.value.en == f"{paths.audit} is a symbolic link; disputekit never writes through one."
    assert elsewhere.read_bytes() == before


def test_audit_append_refuses_a_hard_linked_log(case: Path, tmp_path: Path) -> None:
    paths = CasePaths(case)
    backup = tmp_path / "backup.jsonl"
    os.link(paths.audit, backup)  # what `cp -al` makes
    before = backup.read_bytes()
    result = run("approve", str(case), "--by", "王组长", "--now", T0.isoformat())
    assert result.exit_code in (4, 5)
    assert backup.read_bytes() == before
    with pytest.raises(InputFileError) as err:
        AuditLog(paths.audit).append(T0, "x", "init", {})
    assert err.value.en == f"{paths.audit} is a file with 2 hard links; disputekit never " \
                           "writes through one."


def test_a_hand_written_case_without_init_keeps_its_head_required(case: Path,
                                                                  tmp_path: Path) -> None:
    entries = audit_lines(case)[1:]  # case.toml written by hand: the log starts with add
    write_chain(case, entries)
    assert problems(case) == []
    (CasePaths(case).meta / "head").unlink()
    assert problems(case) == [".disputekit/head: missing or unreadable (the log's last lines "
                              "cannot be checked)"]
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "case.toml").write_bytes((case / "case.toml").read_bytes())
    assert problems(bare) == []  # nothing written yet: no log needed


def test_writes_refuse_symlinked_folders(case: Path, tmp_path: Path) -> None:
    """objects/xx, reviews and out as links to somewhere else: nothing is written there."""
    from disputekit.collect.evidence_ops import add_files

    paths = CasePaths(case)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    reviews = paths.meta / "reviews"
    reviews.symlink_to(elsewhere)
    with pytest.raises(VerificationFailed) as verr:
        approve(case, "王组长", "ok", T0)
    assert ".disputekit/reviews: a symbolic link (never followed)" in verr.value.en
    from disputekit.review.snapshots import save_snapshot

    with pytest.raises(InputFileError) as err:
        save_snapshot(paths, {"x": 1})
    assert err.value.en == f"{reviews} is a symbolic link; disputekit never writes through one."
    reviews.unlink()
    photo = tmp_path / "new.jpg"
    from PIL import Image

    Image.new("RGB", (64, 48), (200, 10, 10)).save(photo)
    import hashlib

    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    (paths.objects / digest[:2]).symlink_to(elsewhere)
    with pytest.raises(InputFileError):
        add_files(case, [photo], at=T0, actor="tester")
    assert list(elsewhere.iterdir()) == []
