"""End-to-end: init, add, list, mark, inspect through the CLI, and their error paths."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import tree_snapshot
from disputekit.cli.main import cli

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
A = SAMPLES / "signed-not-received"
INIT = [
    "init", "CASE", "--order-id", "3712345678901234567", "--refund-id", "20250420001",
    "--buyer", "tb_小明2021", "--seller", "悦家旗舰店", "--amount", "128.50",
    "--refund-type", "refund_only", "--state", "waiting_seller_agree",
    "--requested-at", "2025-04-20 10:02", "--now", "2025-04-21T09:00+08:00",
]


def run(*args: str, lang: str = "en") -> object:
    return CliRunner().invoke(cli, ["--lang", lang, *args], catch_exceptions=False)


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    result = run(*INIT)
    assert result.exit_code == 0, result.output
    return tmp_path / "CASE"


def test_init_writes_case_toml_and_audit(case: Path) -> None:
    text = (case / "case.toml").read_text("utf-8")
    assert 'order_id = "3712345678901234567"' in text
    assert 'buyer = "tb_小明2021"' in text
    audit = [json.loads(x) for x in (case / ".disputekit/audit.jsonl").read_text().splitlines()]
    assert [e["action"] for e in audit] == ["init"]


def test_init_refuses_existing_case(case: Path) -> None:
    result = run(*INIT)
    assert result.exit_code == 2
    assert result.output == (
        "Error: CASE is already a case (case.toml exists). "
        "Use another folder, or edit case.toml directly.\n"
    )


def test_init_rejects_bad_time_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = [a if a != "2025-04-20 10:02" else "yesterday" for a in INIT]
    result = run(*args, lang="zh")
    assert result.exit_code == 2
    assert result.output == "错误：--requested-at 的值“yesterday”无法识别：应为日期和时间（北京时间）。示例：2025-04-20 10:02\n"
    assert not (tmp_path / "CASE").exists()


def test_add_list_and_duplicate(case: Path) -> None:
    result = run("add", "CASE", str(A / "chat.txt"), str(A / "tracking.json"), "--now", "2025-04-21T09:00+08:00")
    assert result.exit_code == 0, result.output
    assert "E1  added chat" in result.output and "E2  added tracking" in result.output
    again = run("add", "CASE", str(A / "chat.txt"))
    assert again.exit_code == 0
    assert "E1  already in the case (same bytes), nothing added" in again.output
    listing = json.loads(run("list", "CASE", "--json").output)
    assert [(x["id"], x["kind"], x["name"]) for x in listing] == [("E1", "chat", "chat.txt"), ("E2", "tracking", "tracking.json")]
    assert listing[0]["sha256"] == __import__("hashlib").sha256((A / "chat.txt").read_bytes()).hexdigest()
    assert listing[0]["size"] == (A / "chat.txt").stat().st_size
    assert listing[0]["facts"]["encoding"] == "gb18030"
    human = run("list", "CASE").output
    assert "E2   tracking   tracking.json" in human and "zhongtong 73518294603127" in human


def test_exhibit_ids_are_never_reused(case: Path, tmp_path: Path) -> None:
    run("add", "CASE", str(A / "chat.txt"))
    run("add", "CASE", str(A / "tracking.json"))
    listing = json.loads(run("list", "CASE", "--json").output)
    assert [x["id"] for x in listing] == ["E1", "E2"]
    evidence = json.loads((case / ".disputekit/evidence.json").read_text())
    assert evidence["next_number"] == 3


def test_originals_are_stored_byte_for_byte(case: Path) -> None:
    run("add", "CASE", str(A / "photos/packing_1.jpg"))
    item = json.loads(run("list", "CASE", "--json").output)[0]
    stored = case / ".disputekit/objects" / item["sha256"][:2] / item["sha256"][2:]
    assert stored.read_bytes() == (A / "photos/packing_1.jpg").read_bytes()


@pytest.mark.parametrize(("make", "code", "message"), [
    (lambda d: d / "empty.txt", 5, "Error: {p} is empty (0 bytes). Export or capture the evidence again.\n"),
    (lambda d: d / "folder", 5, "Error: {p} is a folder, not an evidence file. List the files inside it instead.\n"),
    (lambda d: d / "missing.jpg", 5, "Error: No such file: {p} Check the path.\n"),
])
def test_add_rejects_bad_paths_and_changes_nothing(case: Path, tmp_path: Path, make, code: int, message: str) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "folder").mkdir()
    run("add", "CASE", str(A / "chat.txt"))
    before = tree_snapshot(case)
    bad = make(tmp_path)
    result = run("add", "CASE", str(A / "tracking.json"), str(bad))
    assert result.exit_code == code
    assert result.output == message.format(p=bad)
    assert tree_snapshot(case) == before


def test_add_rejects_symlink_outside(case: Path, tmp_path: Path) -> None:
    inside = tmp_path / "inbox"
    inside.mkdir()
    link = inside / "chat.txt"
    link.symlink_to(A / "chat.txt")
    before = tree_snapshot(case)
    result = run("add", "CASE", str(link))
    assert result.exit_code == 5
    assert result.output.startswith(f"Error: {link} is a symbolic link pointing outside its folder")
    assert tree_snapshot(case) == before


def test_add_rejects_unrecognisable_file(case: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    before = tree_snapshot(case)
    result = run("add", "CASE", str(junk))
    assert result.exit_code == 5
    assert result.output == (
        "Error: Cannot tell what junk.bin is: it looks like binary data of an unknown format, "
        "not a chat export, tracking record, image, video or PDF. "
        "If it is evidence, name its kind with --as (chat/tracking/photo/screenshot/document/video).\n"
    )
    assert tree_snapshot(case) == before


def test_misnamed_file_is_detected_by_content(case: Path, tmp_path: Path) -> None:
    fake = tmp_path / "IMG_0001.jpg"
    shutil.copyfile(A / "tracking.json", fake)
    result = run("add", "CASE", str(fake))
    assert result.exit_code == 0
    assert "E1  added tracking" in result.output


def test_mark_and_out_of_range(case: Path) -> None:
    run("add", "CASE", str(A / "chat.txt"))
    ok = run("mark", "CASE", "E1", "--message", "24")
    assert ok.exit_code == 0 and ok.output == "E1 key messages: [24]\n"
    bad = run("mark", "CASE", "E1", "--message", "999")
    assert bad.exit_code == 2
    assert bad.output == "Error: Message number out of range: [999] (26 messages). See message numbers with `disputekit inspect`.\n"
    audit = (case / ".disputekit/audit.jsonl").read_text().splitlines()
    assert json.loads(audit[-1])["action"] == "mark"


def test_inspect_json_contract_chat_and_tracking() -> None:
    chat = json.loads(run("inspect", str(A / "chat.txt"), "--json", "--buyer", "tb_小明2021", "--seller", "悦家旗舰店").output)
    assert chat["kind"] == "chat" and chat["encoding"] == "gb18030"
    assert chat["participants"][0] == "tb_小明2021"
    first = chat["messages"][0]
    assert set(first) >= {"time", "sender", "text", "recalled"}
    assert first["time"].endswith("+08:00")
    track = json.loads(run("inspect", str(A / "tracking.json"), "--json").output)
    assert (track["courier"], track["waybill"], track["signer"]) == ("zhongtong", "73518294603127", "本人")
    assert track["signed_at"] == "2025-04-18T14:05:37+08:00"
    assert {e["status"] for e in track["events"]} <= {
        "collected", "in_transit", "out_for_delivery", "signed", "signed_proxy", "locker", "refused", "returned", "exception"}


def test_inspect_json_contract_photo() -> None:
    photo = json.loads(run("inspect", str(A / "photos/packing_1.jpg"), "--json").output)
    assert photo["kind"] == "photo"
    assert (photo["width"], photo["height"], photo["orientation"]) == (1440, 1080, 1)
    assert photo["taken_at"] == "2025-04-16T14:40:12+08:00"
    assert (photo["make"], photo["model"]) == ("Apple", "iPhone 13")
    assert isinstance(photo["sharpness"], float) and len(photo["phash"]) == 16


def test_case_toml_hand_written_errors_name_the_field(tmp_path: Path) -> None:
    case = tmp_path / "hand"
    case.mkdir()
    (case / "case.toml").write_text('order_id = "1"\nrefund_id = "2"\nbuyer = "b"\nseller = "s"\namount = -1\nrequested_at = "2025-04-20 10:00"\ncolour = "red"\n', "utf-8")
    result = run("list", str(case))
    assert result.exit_code == 5
    assert f"{case / 'case.toml'}: amount: cannot read '-1' (must not be negative); e.g. 128.50" in result.output
    assert f"{case / 'case.toml'}: colour → Extra inputs are not permitted" in result.output


def test_python_dash_m_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "disputekit", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("disputekit, version ")
    assert os.path.exists(A)
