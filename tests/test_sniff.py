"""Content sniffing: magic bytes decide, file names never do."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from disputekit.collect.sniff import (
    KINDS,
    Sniffed,
    classify_text,
    decode_text_head,
    sniff,
    sniff_bytes,
)
from disputekit.errors import InputFileError


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 10, 10)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("JPEG", "jpeg"),
        ("PNG", "png"),
        ("GIF", "gif"),
        ("WEBP", "webp"),
        ("BMP", "bmp"),
        ("TIFF", "tiff"),
    ],
)
def test_images_by_magic_whatever_the_name(tmp_path: Path, fmt: str, expected: str) -> None:
    path = tmp_path / "evidence.txt"  # the extension lies
    path.write_bytes(_image_bytes(fmt))
    assert sniff(path) == Sniffed("image", expected)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", Sniffed("image", "heif")),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", Sniffed("image", "heif")),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", Sniffed("image", "avif")),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif", Sniffed("image", "avif")),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", Sniffed("video", "mp4")),
        (b"II+\x00\x08\x00\x00\x00", Sniffed("image", "tiff")),
        (b"MM\x00*\x00\x00\x00\x08", Sniffed("image", "tiff")),
        (b"junk before\n%PDF-1.7\n", Sniffed("pdf", "pdf")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, Sniffed("unknown", "ole2")),
        (bytes(range(256)) * 4, Sniffed("unknown", "binary")),
    ],
)
def test_sniff_bytes(head: bytes, expected: Sniffed) -> None:
    assert sniff_bytes(head) == expected


def test_pdf_marker_only_in_first_kilobyte() -> None:
    assert sniff_bytes(b"x" * 2000 + b"%PDF-1.4").kind != "pdf"


def test_bmp_needs_binary_header() -> None:
    assert sniff_bytes(b"BMW owners club chat log\n").kind == "chat"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"nu": "YT1", "com": "yuantong", "data": []}, Sniffed("tracking", "json")),
        ({"format": "disputekit-tracking/1", "events": []}, Sniffed("tracking", "json")),
        ({"format": "disputekit-chat/1", "messages": []}, Sniffed("chat", "json")),
        ({"messages": [{"text": "你好"}]}, Sniffed("chat", "json")),
    ],
)
def test_json_by_keys(payload: dict[str, object], expected: Sniffed) -> None:
    text = json.dumps(payload, ensure_ascii=False)
    assert classify_text(text) == expected


def test_kuaidi100_with_comments_is_tracking() -> None:
    text = '// 快递100\n{\n "nu": "1", //单号\n "com": "jd",\n "data": [\n'
    assert classify_text(text) == Sniffed("tracking", "json")


def test_garbled_kuaidi100_is_still_tracking() -> None:
    assert classify_text('{"nu": "1", "com": "jd", "data": [{"context": "配\ufffd').kind == (
        "tracking"
    )


def test_csv_and_plain_text_are_chat() -> None:
    assert classify_text("时间,发送人,内容\n2024-05-01,买家,你好\n2024-05-01,卖家,在的\n") == (
        Sniffed("chat", "csv")
    )
    assert classify_text("买家小王 2024-05-01 10:00:00\n你好\n") == Sniffed("chat", "text")


def test_xlsx_by_zip_content(tmp_path: Path) -> None:
    path = tmp_path / "chat.bin"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(path) == Sniffed("chat", "xlsx")


def test_other_zip_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "x")
    assert sniff(path) == Sniffed("unknown", "zip")


def test_xlsx_found_in_central_directory(tmp_path: Path) -> None:
    path = tmp_path / "chat.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "x" * 20_000)  # pushes xl/ past the head
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert sniff(path) == Sniffed("chat", "xlsx")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("你好，在吗".encode("utf-8-sig"), "你好，在吗"),
        ("你好，在吗".encode("utf-16"), "你好，在吗"),
        ("hello 你好".encode("utf-16-le"), "hello 你好"),
        ("hello 你好".encode("utf-16-be"), "hello 你好"),
        ("亲，已发货".encode("gb18030"), "亲，已发货"),
        ("已发货".encode()[:-1], "已发"),  # cut by the read limit
    ],
)
def test_decode_text_head(raw: bytes, expected: str) -> None:
    assert decode_text_head(raw) == expected


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(InputFileError) as caught:
        sniff(path)
    assert caught.value.zh == "文件为空：empty.jpg 是 0 字节。"
    assert caught.value.en == "The file is empty: empty.jpg has 0 bytes."
    assert caught.value.fix_en == "Export or download it again, then add the new copy."


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        sniff(tmp_path)
    assert caught.value.en.startswith(f"Cannot read {tmp_path.name}:")


def test_kinds_constant() -> None:
    assert set(KINDS) == {"photo", "screenshot", "image", "pdf", "chat", "tracking", "video", "unknown"}


@given(st.binary(min_size=1, max_size=2048))
def test_sniff_bytes_never_raises(head: bytes) -> None:
    found = sniff_bytes(head)
    assert found.kind in KINDS
    assert found.format
