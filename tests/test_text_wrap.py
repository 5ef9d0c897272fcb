"""Line breaking for chat messages (``text_wrap.wrap_fast``) and the proof card (``wrap``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from disputekit.assemble.pdf.text_wrap import wrap, wrap_fast


def cw(ch: str) -> float:
    """A monospace-ish measure: CJK 2 units, everything else 1."""
    return 2.0 if ord(ch) > 0x2E80 else 1.0


def measure(text: str) -> float:
    return sum(cw(c) for c in text)


def test_cjk_breaks_anywhere_within_the_width() -> None:
    lines = wrap_fast("我收到的商品有破损要退款图片见下面", cw, 10)
    assert lines == ["我收到的商", "品有破损要", "退款图片见", "下面"]


def test_closing_punctuation_never_starts_a_line() -> None:
    assert wrap_fast("我收到的商，品", cw, 10) == ["我收到的商，", "品"]  # "，" hangs past the width
    assert wrap_fast("我收到的（商品）", cw, 8) == ["我收到的", "（商品）"]  # "（" never ends a line


def test_latin_words_stay_whole_and_a_long_url_is_broken() -> None:
    assert wrap_fast("hello world again", cw, 12) == ["hello world", "again"]
    url = "https://item.taobao.com/item.htm?id=123456789"
    lines = wrap_fast(f"看 {url}", cw, 20)
    assert "".join(lines).replace(" ", "") == f"看{url}"
    assert all(measure(line) <= 20 for line in lines)


def test_joiners_and_selectors_stay_with_their_character() -> None:
    lines = wrap_fast("好的好的❤\ufe0f", cw, 8)  # ❤ ends the first line, its selector with it
    assert all(not line.startswith("\ufe0f") for line in lines)


CLOSING = "，。."  # the alphabet's characters that never start a line


@given(st.text(alphabet="我收到商品abc xyz，。1234-./", max_size=80), st.integers(4, 40))
def test_nothing_lost_and_lines_fit(text: str, width: int) -> None:
    lines = wrap_fast(text, cw, width)
    assert "".join(lines).replace(" ", "") == "".join(text.split())
    for n, line in enumerate(lines):
        assert line == line.strip() and line
        assert n == 0 or line[0] not in CLOSING
        body = line.rstrip(CLOSING + " ")  # closing punctuation (and a space before it) may hang
        assert measure(body) <= width or len(body) == 1


def test_agrees_with_the_proof_card_wrapper_when_no_widow_rule_applies() -> None:
    text = "亲，今天下午五点前发出哦 please check order 3712345678901234567 thanks"
    assert wrap_fast(text, cw, 16) == wrap(text, measure, 16, max_lines=100)
