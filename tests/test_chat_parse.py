"""parse_chat: format detection, refusals with exact messages, limits, the facts contract."""

from __future__ import annotations

import gc
import io
import signal
import zipfile
from pathlib import Path

import pytest

from disputekit.collect.parse import chat, limits
from disputekit.collect.parse.chat import parse_chat
from disputekit.errors import ExitCode, InputFileError
from disputekit.models.facts import ChatFacts

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
QIANNIU = "买家小王 2025-4-20 10:02:03\n在吗\n旗舰店:客服A 2025-4-20 10:03:00\n在的，亲\n"

NO_MESSAGES_FIX_EN = (
    "In a Qianniu/Aliwangwang text export each message starts with a header line such as "
    "“nickname 2025-4-20 10:02:03” followed by the message text; a table (CSV/XLSX) needs a "
    "header row with time, sender, content; for JSON see docs/formats-chat.md. If it is a "
    "tracking record, add it with --as tracking."
)
NO_MESSAGES_FIX_ZH = (
    "千牛/旺旺文本记录的每条消息应以“昵称 2025-4-20 10:02:03”这样的标题行开头，下一行起是消息内容；"
    "表格（CSV/XLSX）需要“时间、发送人、内容”表头；JSON 格式见 docs/formats-chat.md。"
    "若这是物流记录，请用 --as tracking 添加。"
)


def test_empty_file_names_the_file() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(b"", name="chat.txt")
    assert err.value.zh == "chat.txt：文件为空。"
    assert err.value.en == "chat.txt: The file is empty."
    assert err.value.exit_code == ExitCode.INPUT
    assert err.value.message("en") == (
        "chat.txt: The file is empty. Export the chat again and check the file was saved "
        "completely before adding it."
    )


@pytest.mark.corpus
def test_corpus_empty_export() -> None:
    path = CORPUS / "chat" / "edge" / "empty.txt"
    if not path.exists():
        pytest.skip("../shared/corpus is not available")
    with pytest.raises(InputFileError, match="empty"):
        parse_chat(path.read_bytes(), name=path.name)


@pytest.mark.parametrize(
    "text",
    ["hello world\n", "   \n\n", "在吗\n好的\n", "a,b,c\n1,2,3\n", "[图片]\n"],
)
def test_no_recognisable_message(text: str) -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(text.encode("utf-8"))
    assert err.value.zh == "没有找到可识别的聊天消息。"
    assert err.value.en == "No recognisable chat message found."
    assert err.value.fix_zh == NO_MESSAGES_FIX_ZH
    assert err.value.fix_en == NO_MESSAGES_FIX_EN


def test_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat, "MAX_BYTES", 3 * 2**20)
    with pytest.raises(InputFileError) as err:
        parse_chat(b" " * (4 * 2**20), name="big.txt")
    assert err.value.en == "big.txt: The file is 4 MB, over the 3 MB limit for chat exports."
    assert err.value.zh == "big.txt：文件有 4 MB，超过聊天记录上限 3 MB。"


def _zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "en"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
            "This is an old Excel (.xls) or Word file, not a chat export.",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF file, not a chat export."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "This is a PNG image, not a chat export."),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "This is a JPEG image, not a chat export."),
        (
            _zip("word/document.xml"),
            "This is a ZIP archive that is not an Excel workbook, not a chat export.",
        ),
    ],
)
def test_known_binary_formats_are_refused_with_a_hint(data: bytes, en: str) -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(data)
    assert err.value.en == en
    assert err.value.fix_en


def test_detection_is_by_content_not_name() -> None:
    facts = parse_chat(QIANNIU.encode(), name="chat.csv")
    assert facts.format == "qianniu-text"


def test_text_with_commas_is_not_csv() -> None:
    facts = parse_chat(("买家小王 2025-4-20 10:02:03\n时间,发送人,内容\n").encode())
    assert facts.format == "qianniu-text"
    assert facts.messages[0].text == "时间,发送人,内容"


def test_text_starting_with_bracket_is_not_json() -> None:
    facts = parse_chat(("[聊天记录]\n" + QIANNIU).encode())
    assert facts.format == "qianniu-text"


def test_facts_survive_a_json_round_trip() -> None:
    facts = parse_chat(
        (QIANNIU + "已读\n买家小王 撤回了一条消息\n以上是历史消息\n").encode("gb18030"),
        buyer="买家小王",
        seller="旗舰店",
    )
    assert ChatFacts.model_validate_json(facts.model_dump_json()) == facts
    dumped = facts.model_dump(mode="json")
    assert dumped["messages"][0]["time"] == "2025-04-20T10:02:03+08:00"
    assert dumped["messages"][2]["recalled"] is True


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        parse_chat(QIANNIU.encode())
        assert gc.isenabled() is enabled
        with pytest.raises(InputFileError):
            parse_chat(b"")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


@pytest.mark.parametrize(
    "line",
    [
        "-->" * 200_000 + " 2025-4-20 10:00:0",
        "由" + "转" * 200_000,
        "a" * 400_000 + " 2025-4-20 10:00:00x",
        "1:" * 200_000 + "00",
    ],
)
def test_pathological_lines_are_linear(line: str) -> None:
    """Regex backtracking on hostile lines must not hang: each must parse in seconds."""
    if not hasattr(signal, "SIGALRM"):
        pytest.skip("needs SIGALRM")

    def too_slow(signum: int, frame: object) -> None:
        raise TimeoutError("parse_chat took more than 5 s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(5)
    try:
        facts = parse_chat(f"买家 2025-4-20 10:00:00\n{line}\n".encode())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    kept = facts.messages[0]  # a hostile line is also over the message limit: cut, marked
    assert kept.truncated and kept.text.startswith(line[: limits.MAX_MESSAGE_CHARS].rstrip())
