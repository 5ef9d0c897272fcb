"""Edits that destroy nothing (issue 13): withdraw, tag, typed facts, marked video frames —
each one audit entry whose details replay to exactly what evidence.json holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from casekit import sample_case
from disputekit.case import load_evidence
from disputekit.cli.main import cli
from disputekit.collect.edits import REDUCERS
from disputekit.models.evidence import EvidenceList
from test_video import APPLE, CAMERA, make_video

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FOREIGN = SAMPLES / "returned-not-ours" / "photos" / "return_unboxing.jpg"  # taken 2025-05-12
NOW = "2025-04-21T09:00:00+08:00"
LATER = "2025-04-21T09:05:00+08:00"
TRACKING_CSV = "时间,描述,地点\n2025-05-09 15:05,已揽收,广州\n2025-05-12 15:40,已签收，签收人：仓库,杭州\n"


def run(*args: str, lang: str = "en") -> Any:
    return CliRunner().invoke(cli, ["--lang", lang, *args], catch_exceptions=False)


def audit(case: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (case / ".disputekit/audit.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each sample case built once (screenshots are read by OCR), copied for every test."""
    root = tmp_path_factory.mktemp("samples")
    return {name: sample_case(name, root / name)
            for name in ("signed-not-received", "returned-not-ours")}


@pytest.fixture
def signed(tmp_path: Path, templates: dict[str, Path]) -> Path:
    return Path(shutil.copytree(templates["signed-not-received"], tmp_path / "CASE"))


@pytest.fixture
def returned(tmp_path: Path, templates: dict[str, Path]) -> Path:
    return Path(shutil.copytree(templates["returned-not-ours"], tmp_path / "CASE"))


def test_a_wrong_exhibit_is_escapable_with_commands(signed: Path) -> None:
    """The trap of the issue: a photo of another order tagged before_shipment blocks check."""
    assert run("add", str(signed), str(FOREIGN), "--tag", "before_shipment", "--now", NOW).exit_code == 0
    blocked = run("check", str(signed), "--now", NOW)
    assert blocked.exit_code == 3 and "[E6]" in blocked.output
    result = run("withdraw", str(signed), "e6", "--reason", "其他订单的照片", "--now", LATER)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "E6 withdrawn."
    checked = run("check", str(signed), "--now", NOW)
    assert checked.exit_code == 0 and "E6" not in checked.output
    listed = run("list", str(signed))
    assert "withdrawn (2025-04-21 09:05, " in listed.output and "其他订单的照片" in listed.output
    assert [i["id"] for i in json.loads(run("list", str(signed), "--json").output)][-1] == "E6"
    again = run("add", str(signed), str(FOREIGN), "--tag", "other", "--now", LATER)
    assert again.output.startswith("E7  added photo")  # ids are never reused
    entry = audit(signed)[-2]
    assert (entry["action"], entry["details"]) == (
        "withdraw", {"exhibit": "E6", "reason": "其他订单的照片"})


def test_withdrawn_exhibit_leaves_the_dossier(signed: Path) -> None:
    run("withdraw", str(signed), "E4", "--reason", "wrong order", "--now", LATER)
    result = run("build", str(signed), "--now", NOW, "--draft", "--json")
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(json.loads(result.output)["dossier"]).pages)
    assert "packing_1.jpg" not in text and "packing_2.jpg" in text  # E4 and E5


@pytest.mark.parametrize(("args", "code", "message"), [
    (["withdraw", "CASE", "E9", "--reason", "x"], 2,
     "Error: E9 is not an exhibit of this case. See `disputekit list` for ids.\n"),
    (["withdraw", "CASE", "E2", "--reason", "  "], 2,
     "Error: Withdrawing an exhibit needs a reason (--reason). e.g. --reason \"photo of another order\"\n"),
    (["tag", "CASE", "E2"], 2,
     "Error: Give --tag and/or --caption. e.g. disputekit tag CASE E4 --tag returned_item\n"),
    (["facts", "CASE", "E1", "--waybill", "1"], 2,
     "Error: E1 is not a tracking record; only tracking records (or screenshots read as a "
     "tracking page) take a courier and waybill. See kinds with `disputekit list`.\n"),
    (["facts", "CASE", "E2", "--waybill", " "], 2,
     "Error: Give --courier and/or --waybill. e.g. disputekit facts CASE E3 --courier zhongtong "
     "--waybill 73512345678901\n"),
    (["mark", "CASE", "E1"], 2,
     "Error: Give either --message (chat message numbers) or --at (video times). "
     "e.g. disputekit mark CASE E2 --message 14, or disputekit mark CASE E7 --at 00:41\n"),
    (["mark", "CASE", "E1", "--at", "00:03"], 2,
     "Error: E1 is not a video exhibit; --at is for videos. "
     "For a chat, mark message numbers with --message.\n"),
])
def test_edit_errors(signed: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int,
                     message: str) -> None:
    monkeypatch.chdir(signed.parent)
    before = (signed / ".disputekit/evidence.json").read_bytes()
    result = run(*args)
    assert (result.exit_code, result.output) == (code, message)
    assert (signed / ".disputekit/evidence.json").read_bytes() == before


def test_withdrawn_exhibit_cannot_be_edited(signed: Path) -> None:
    run("withdraw", str(signed), "E4", "--reason", "wrong order", "--now", LATER)
    result = run("tag", str(signed), "E4", "--caption", "x", lang="zh")
    assert result.exit_code == 2
    assert result.output == ("错误：E4 已撤回（wrong order），不能再修改。"
                             "如需使用该文件，请用 disputekit add 重新添加（会得到新的编号）。\n")


def test_tag_and_caption(signed: Path) -> None:
    result = run("tag", str(signed), "E4", "--tag", "returned_item", "--caption", "退货 开箱", "--json",
                 "--now", LATER)
    item = json.loads(result.output)
    assert (item["tag"], item["caption"]) == ("returned_item", "退货 开箱")
    run("tag", str(signed), "E4", "--caption", "", "--now", LATER)
    assert load_evidence(signed / ".disputekit/evidence.json").by_id("E4").caption is None
    assert [e["details"] for e in audit(signed)[-2:]] == [
        {"exhibit": "E4", "tag": "returned_item", "caption": "退货 开箱"},
        {"exhibit": "E4", "tag": None, "caption": ""},
    ]


def test_typed_facts_link_a_tracking_record_to_the_return(returned: Path, tmp_path: Path) -> None:
    csv = tmp_path / "return.csv"
    csv.write_text(TRACKING_CSV, "utf-8")
    added = run("add", str(returned), str(csv), "--now", NOW)
    assert added.output.startswith("E7  added tracking")  # detected by content, not as a chat
    result = run("facts", str(returned), "E7", "--courier", "顺丰", "--waybill", "sf 1427-3950 68213",
                 "--json", "--now", LATER)
    item = json.loads(result.output)
    assert item["typed"] == {"courier": "shunfeng", "waybill": "SF1427395068213"}
    assert (item["facts"]["courier_name"], item["facts"]["waybill"]) == ("顺丰速运", "SF1427395068213")
    assert item["tag"] == "return"
    assert [(e["action"], e["details"]) for e in audit(returned)[-2:]] == [
        ("facts", {"exhibit": "E7", "fields": {"courier": "shunfeng", "waybill": "SF1427395068213"},
                   "typed": True}),
        ("tag", {"exhibit": "E7", "tag": "return", "caption": None}),
    ]
    listed = run("list", str(returned)).output
    assert "typed by the agent: courier=shunfeng, waybill=SF1427395068213" in listed


def test_add_as_tracking_takes_courier_and_waybill(returned: Path, tmp_path: Path) -> None:
    csv = tmp_path / "t.txt"
    csv.write_text(TRACKING_CSV, "utf-8")
    result = run("add", str(returned), str(csv), "--as", "tracking", "--courier", "shunfeng",
                 "--waybill", "SF1427395068213", "--now", NOW)
    assert result.exit_code == 0, result.output
    item = load_evidence(returned / ".disputekit/evidence.json").by_id("E7")
    assert (item.tag, item.facts["courier"], item.facts["waybill"]) == (
        "return", "shunfeng", "SF1427395068213")
    assert item.typed == {"courier": None, "waybill": "SF1427395068213"} or item.typed == {
        "waybill": "SF1427395068213"}


def test_video_frames_marked(returned: Path, tmp_path: Path) -> None:
    video = make_video(tmp_path / "unboxing.mov", seconds=4, meta=APPLE, options=CAMERA,
                       handler="Core Media Video")
    assert run("add", str(returned), str(video), "--tag", "returned_item", "--now", NOW).exit_code == 0
    marked = run("mark", str(returned), "E7", "--at", "00:02", "--at", "3.5", "--now", LATER)
    assert marked.output == "E7 marked frames: 00:02, 00:03\n"
    late = run("mark", str(returned), "E7", "--at", "1:00")
    assert (late.exit_code, late.output) == (
        2, "Error: 01:00 is past the end of the video (00:04). "
        "See the duration with `disputekit inspect`.\n")
    bad = run("mark", str(returned), "E7", "--at", "soon")
    assert (bad.exit_code, bad.output) == (
        2, "Error: Unrecognised video time 'soon'; write it as 00:41, 1:02:03 or 41.5.\n")
    run("mark", str(returned), "E7", "--at", "2", "--unmark", "--now", LATER)
    assert load_evidence(returned / ".disputekit/evidence.json").by_id("E7").frames == [3.5]
    assert audit(returned)[-2]["details"] == {"exhibit": "E7", "frames": [2.0, 3.5]}


def test_edits_replay_to_evidence_json(returned: Path) -> None:
    """Every edit's reducer, applied to the list before it, gives the list after it."""
    meta = returned / ".disputekit/evidence.json"
    state = load_evidence(meta)
    steps = [
        ("withdraw", "E5", "--reason", "x"), ("tag", "E4", "--tag", "other", "--caption", "c"),
        ("facts", "E3", "--waybill", "SF1"), ("mark", "E1", "--message", "3"),
        ("mark", "E1", "--message", "3", "--unmark"),
    ]
    for step in steps:
        assert run(step[0], str(returned), *step[1:], "--now", LATER).exit_code == 0
        entry = audit(returned)[-1]
        state = REDUCERS[entry["action"]](state, entry)
        assert state == load_evidence(meta), step
    assert isinstance(state, EvidenceList)


def test_verify_catches_a_hand_edit_after_a_withdrawal(signed: Path) -> None:
    """The issue's trap, the other way out: evidence.json edited by hand no longer passes."""
    run("withdraw", str(signed), "E4", "--reason", "wrong order", "--now", LATER)
    assert run("verify", str(signed)).exit_code == 0
    meta = signed / ".disputekit" / "evidence.json"
    data = json.loads(meta.read_text("utf-8"))
    data["items"][3]["withdrawn"] = None  # "un-withdraw" E4 by hand
    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    result = run("verify", str(signed), "--json")
    assert result.exit_code != 0
    assert any("E4" in p["problem"] and "withdrawn" in p["problem"]
               for p in json.loads(result.output)["problems"])


def test_a_withdrawn_chat_is_not_marked(signed: Path) -> None:
    run("withdraw", str(signed), "E1", "--reason", "another buyer's chat", "--now", LATER)
    result = run("mark", str(signed), "E1", "--message", "3")
    assert (result.exit_code, result.output) == (
        2, "Error: E1 was withdrawn (another buyer's chat) and cannot be changed. "
        "To use the file again, add it anew with `disputekit add` (it gets a new id).\n")


# --- crash safety: the audit entry is written first; the next command completes the edit ------


class Killed(BaseException):
    """A process killed mid-command (nothing catches it)."""


def _interrupted(case: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """Run an edit that dies right after its audit entry, before evidence.json is written."""
    import disputekit.collect.edits as edits

    def killed(*_: object) -> None:
        raise Killed("killed before evidence.json")

    with monkeypatch.context() as patched:
        patched.setattr(edits, "write_evidence", killed)
        with pytest.raises(Killed):
            run(*args)


def problems(case: Path) -> list[str]:
    return [p["problem"] for p in json.loads(run("verify", str(case), "--json").output)["problems"]]


def test_an_interrupted_withdrawal_is_completed_and_can_be_rerun(
        signed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (signed / ".disputekit/evidence.json").read_bytes()
    _interrupted(signed, monkeypatch, "withdraw", str(signed), "E4", "--reason", "wrong order",
                 "--now", LATER)
    assert (signed / ".disputekit/evidence.json").read_bytes() == before
    found = problems(signed)
    assert any(p.startswith("E4.withdrawn: evidence.json has null") for p in found), found
    assert found[-1] == ("the audit log's last edit(s) (withdraw E4) "
                         "are not in evidence.json: a command was interrupted (or the file was "
                         "edited by hand); the next add, mark or edit of this case applies them "
                         "from the log")
    again = run("withdraw", str(signed), "E4", "--reason", "wrong order", "--now", NOW)
    assert (again.exit_code, again.output.splitlines()[0]) == (0, "E4 withdrawn.")
    assert problems(signed) == []
    withdrawn = load_evidence(signed / ".disputekit/evidence.json").by_id("E4").withdrawn
    assert withdrawn is not None and withdrawn.at.isoformat() == LATER  # as the log says
    assert [e["action"] for e in audit(signed)].count("withdraw") == 1


def test_any_writing_command_completes_an_interrupted_edit(
        returned: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """typed facts + the tag linking the record: both entries written, evidence.json not."""
    _interrupted(returned, monkeypatch, "facts", str(returned), "E3", "--waybill", "SF1",
                 "--now", LATER)
    assert problems(returned)
    assert run("mark", str(returned), "E1", "--message", "2", "--now", LATER).exit_code == 0
    assert problems(returned) == []
    assert load_evidence(returned / ".disputekit/evidence.json").by_id("E3").typed == {
        "waybill": "SF1"}


def test_withdrawing_again_for_another_reason_is_refused(signed: Path) -> None:
    assert run("withdraw", str(signed), "E4", "--reason", "wrong order").exit_code == 0
    assert run("withdraw", str(signed), "E4", "--reason", "wrong order").exit_code == 0
    assert run("withdraw", str(signed), "E4", "--reason", "blurred").exit_code == 2
    assert [e["action"] for e in audit(signed)].count("withdraw") == 1


def test_a_hand_edit_is_never_taken_for_an_interrupted_edit(signed: Path) -> None:
    """Only evidence.json lacking the log's *last* edits is completed; a retag by hand stays
    a verification problem after the next command."""
    meta = signed / ".disputekit" / "evidence.json"
    data = json.loads(meta.read_text("utf-8"))
    data["items"][3]["tag"] = "returned_item"
    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert run("tag", str(signed), "E5", "--caption", "x", "--now", LATER).exit_code == 0
    assert any("E4.tag" in p for p in problems(signed))
    assert load_evidence(meta).by_id("E4").tag == "returned_item"
