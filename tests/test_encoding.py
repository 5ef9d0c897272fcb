"""The chat-encoding cascade: BOM → strict UTF-8 → BOM-less UTF-16 → strict GB18030 → guess."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputekit.collect.parse.encoding import decode_text
from disputekit.errors import InputFileError

SHORT_GBK = ["你好", "在吗", "亲", "退款", "已发货", "好的", "谢谢", "小", "图片", "什么时候发货"]
"""Includes 谢谢/小/图片, whose GBK bytes are also valid UTF-8 (the tie-break cases)."""

LONG = (
    "买家小王 2025-4-20 10:02:03\n在吗？这个什么时候发货\n已读\n"
    "旗舰店:客服A 2025-4-20 10:03:00\n亲，今天下午五点前发出哦 ￥129.00\n"
) * 50
SHORT_MIXED = "张三 2025-4-20 10:02:03\n你好"


@pytest.mark.parametrize("text", SHORT_GBK)
def test_short_gbk_is_gb18030(text: str) -> None:
    assert decode_text(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize("text", SHORT_GBK)
def test_short_utf8_stays_utf8(text: str) -> None:
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.parametrize("text", ["𠮷野家 😀", "买家 2025-4-20 10:02:03\n𠮷 😀 ¥9.9"])
def test_gb18030_four_byte_characters(text: str) -> None:
    data = text.encode("gb18030")
    assert decode_text(data) == (text, "gb18030")


@pytest.mark.parametrize("text", [SHORT_MIXED, LONG, "hi 😀 𠮷", "café déjà vu"])
@pytest.mark.parametrize(
    ("codec", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"),
    ],
)
def test_unicode_encodings(text: str, codec: str, prefix: bytes, expected: str) -> None:
    assert decode_text(prefix + text.encode(codec)) == (text, expected)


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
@pytest.mark.parametrize("text", [SHORT_MIXED, LONG])
def test_gbk_family(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec)) == (text, "gb18030")


def test_crlf_is_kept_by_the_decoder() -> None:
    assert decode_text("a\r\nb".encode("gbk")) == ("a\r\nb", "utf-8")


def test_last_step_guesses_other_encodings() -> None:
    text = "Привет, как дела? Посылка отправлена сегодня утром. " * 5
    decoded, encoding = decode_text(text.encode("cp1251"))
    assert decoded == text
    assert encoding not in ("utf-8", "gb18030")


def test_empty_file() -> None:
    with pytest.raises(InputFileError) as err:
        decode_text(b"")
    assert err.value.zh == "文件为空。"
    assert err.value.en == "The file is empty."
    assert err.value.fix_en == (
        "Export the chat again and check the file was saved completely before adding it."
    )


def test_bom_only_is_empty() -> None:
    with pytest.raises(InputFileError) as err:
        decode_text(codecs.BOM_UTF8)
    assert err.value.en == "The file is empty."


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\x03" * 10,
        b"\x00" * 64,
        bytes(range(256)) * 4,
        b"\x01\x02\x03\x04\x05\x06abc",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    ],
)
def test_binary_junk_is_refused(data: bytes) -> None:
    with pytest.raises(InputFileError) as err:
        decode_text(data)
    assert err.value.en == (
        "Cannot read the file as text: it looks binary (many control characters or "
        "undecodable bytes)."
    )
    assert err.value.zh == "无法识别文件编码：文件内容看起来不是文本（含有大量控制字符或乱码）。"


@given(st.text(min_size=1).filter(lambda t: "\x00" not in t and t.isprintable()))
def test_any_printable_utf8_round_trips(text: str) -> None:
    decoded, encoding = decode_text(text.encode("utf-8"))
    if encoding == "utf-8":
        assert decoded == text
    else:  # the documented GBK tie-break: Cyrillic/Greek-looking bytes that are all-CJK GBK
        assert encoding == "gb18030"


@given(st.binary())
def test_never_raises_anything_else(data: bytes) -> None:
    try:
        text, encoding = decode_text(data)
    except InputFileError:
        return
    assert isinstance(text, str) and text
    assert encoding


def test_documented_limits_of_the_tie_break() -> None:
    """Accented Latin stays UTF-8; so does the one-character GBK 哦 (C5 B6 = "Ŷ")."""
    assert decode_text("café".encode()) == ("café", "utf-8")
    assert decode_text("Ñandú".encode()) == ("Ñandú", "utf-8")
    assert decode_text("哦".encode("gbk")) == ("Ŷ", "utf-8")
