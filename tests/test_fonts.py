"""Embedded CJK/emoji fonts: run splitting, subset building, and PDFs checked with pypdf.

The PDFs are built in memory with reportlab (``invariant=1``, ``useA85=0``) from the fonts
the package ships or depends on; nothing is read from ../shared.
"""

from __future__ import annotations

import io
import itertools
import logging
import shutil
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
from reportlab.platypus.tables import CellStyle

from disputekit.assemble.pdf import fontbuild
from disputekit.assemble.pdf.fonts import (
    BASE_TEXT,
    FontSet,
    FontsNotPreparedError,
    make_to_unicode_cmap,
)
from disputekit.assemble.pdf.text_runs import (
    PLACEHOLDER,
    FontCoverage,
    paragraph_markup,
    split_runs,
)

CHINESE = "买家申请退款：商品与描述不符，请卖家尽快处理。"
ASCII = "Order 2024-0001 refunded (CNY 59.90)"
EMOJI = "收到了😀好评👍"
EXT_B = "𠮷野家"
FULL_WIDTH = "全角标点：，。！？（）【】《》“引号”"
SAMPLES = [CHINESE, ASCII, EMOJI, EXT_B, FULL_WIDTH]

STANDARD_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
    "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
    "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip

CJK = FontCoverage("cjk", frozenset(map(ord, "中文a b1#️" + PLACEHOLDER)))
EMOJI_FONT = FontCoverage("emo", frozenset(map(ord, "😀👍#1\ufe0f\u200d\u20e3 ")), emoji=True)
CHAIN = (CJK, EMOJI_FONT)


@pytest.fixture(autouse=True)
def _no_a85(monkeypatch):
    monkeypatch.setattr(rl_config, "useA85", 0)


# ---------------------------------------------------------------- run splitting (pure)


def test_split_runs_prefers_main_font_then_emoji():
    assert split_runs("中文😀a👍", CHAIN) == [
        ("cjk", "中文"),
        ("emo", "😀"),
        ("cjk", "a"),
        ("emo", "👍"),
    ]


def test_variation_selector_16_prefers_the_emoji_font():
    assert split_runs("#\ufe0f1", CHAIN) == [("emo", "#\ufe0f"), ("cjk", "1")]
    assert split_runs("1\ufe0f\u20e3", CHAIN) == [("emo", "1\ufe0f\u20e3")]


def test_joiners_stay_with_the_previous_run():
    assert split_runs("😀\u200d😀", CHAIN) == [("emo", "😀\u200d😀")]


def test_uncovered_character_becomes_placeholder_and_is_reported():
    missing: set[int] = set()
    assert split_runs("中\ue000文", CHAIN, missing=missing) == [("cjk", "中" + PLACEHOLDER + "文")]
    assert missing == {0xE000}


def test_uncovered_character_is_logged_without_a_missing_set(caplog):
    with caplog.at_level(logging.WARNING, logger="disputekit.assemble.pdf.text_runs"):
        split_runs("中\ue000", CHAIN)
    assert "U+E000" in caplog.text


def test_uncovered_whitespace_becomes_space_and_invisible_format_chars_are_dropped():
    missing: set[int] = set()
    runs = split_runs("中\t文\u200b\ufeffa", (CJK,), missing=missing)
    assert runs == [("cjk", "中 文a")]
    assert missing == set()


def test_empty_chain_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        split_runs("a", ())


@given(st.text(alphabet="中文ab1 😀👍#\ufe0f\u200d", max_size=40))
def test_runs_reassemble_covered_text(text):
    runs = split_runs(text, CHAIN)
    assert "".join(run for _, run in runs) == text
    assert all(a[0] != b[0] for a, b in itertools.pairwise(runs))
    for name, run in runs:
        font = CJK if name == "cjk" else EMOJI_FONT
        assert all(ord(ch) in font.codepoints for ch in run)


def test_paragraph_markup_escapes_and_breaks_lines():
    markup = paragraph_markup("a<b&\n😀", (FontCoverage("x", frozenset(map(ord, "a<b&😀"))),))
    assert markup == '<font name="x">a&lt;b&amp;</font><br/><font name="x">😀</font>'


# ---------------------------------------------------------------- ToUnicode CMap


def test_to_unicode_cmap_uses_surrogate_pairs_beyond_the_bmp():
    cmap = make_to_unicode_cmap("X", [0, 0x41, 0x20BB7, 0x1F600])
    assert "<01> <0041>" in cmap
    assert "<02> <D842DFB7>" in cmap
    assert "<03> <D83DDE00>" in cmap
    assert "<00> <03>" in cmap


def test_to_unicode_cmap_blocks_hold_at_most_100_entries():
    cmap = make_to_unicode_cmap("X", list(range(0x4E00, 0x4E00 + 256)))
    counts = [int(line.split()[0]) for line in cmap.splitlines() if line.endswith("beginbfchar")]
    assert counts == [100, 100, 56]


# ---------------------------------------------------------------- subset building


def test_same_characters_same_name_and_bytes_different_characters_different_name():
    source = fontbuild.cjk_source()
    chars = [ord(c) for c in CHINESE]
    name = fontbuild.subset_name(source, chars)
    assert name == fontbuild.subset_name(source, reversed(chars))
    assert name != fontbuild.subset_name(source, [ord(c) for c in FULL_WIDTH])
    built = fontbuild.build_subset(source, chars, name)
    assert built == fontbuild.build_subset(source, chars, name)


def test_built_subset_is_truetype_with_1000_upem_and_the_unique_name():
    source = fontbuild.emoji_source()
    name = fontbuild.subset_name(source, [0x1F600])
    font = TTFont(io.BytesIO(fontbuild.build_subset(source, [0x1F600, 0xE000], name)))
    assert "glyf" in font and "CFF " not in font
    assert font["head"].unitsPerEm == 1000
    assert font["name"].getDebugName(6) == name
    assert font["name"].getDebugName(13).startswith("This Font Software is licensed under the SIL")
    assert set(font.getBestCmap()) == {0x1F600}


def test_shipped_emoji_font_and_license():
    path = fontbuild.emoji_font_path()
    font = TTFont(str(path))
    assert font["head"].unitsPerEm == 1000
    assert {0x1F600, 0x1F44D, 0xFE0F, 0x200D} <= set(font.getBestCmap())
    folder = path.parent
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text()
    assert sum(f.stat().st_size for f in folder.iterdir()) < 2_000_000


def test_fontset_names_depend_on_the_character_set():
    first, again, other = FontSet(), FontSet(), FontSet()
    first.prepare([CHINESE, EMOJI])
    again.prepare([EMOJI, CHINESE])
    other.prepare([FULL_WIDTH])
    assert first.font_names == again.font_names
    assert first.base_font_name != other.base_font_name
    assert other.emoji_font_name is None
    assert first.emoji_font_name is not None


def test_fontset_must_be_prepared():
    with pytest.raises(FontsNotPreparedError):
        _ = FontSet().base_font_name


def test_as_default_sets_and_restores_reportlab_defaults():
    fonts = FontSet()
    fonts.prepare(["中"])
    before = rl_config.canvas_basefontname, ParagraphStyle("p").fontName, CellStyle("c").fontname
    with fonts.as_default():
        assert rl_config.canvas_basefontname == fonts.base_font_name
        assert ParagraphStyle("p").fontName == fonts.base_font_name
        assert CellStyle("c").fontname == fonts.base_font_name
    assert (
        rl_config.canvas_basefontname,
        ParagraphStyle("p").fontName,
        CellStyle("c").fontname,
    ) == before


def test_unprepared_character_is_a_placeholder_and_logged(caplog):
    fonts = FontSet()
    fonts.prepare([CHINESE])
    with caplog.at_level(logging.WARNING, logger="disputekit.assemble.pdf.fonts"):
        runs = fonts.runs("请龘\ue000")
    assert runs == [(fonts.base_font_name, "请" + PLACEHOLDER * 2)]
    assert fonts.missing == {ord("龘"), 0xE000}
    assert "not passed to FontSet.prepare()" in caplog.text
    assert "no font has a glyph for U+E000" in caplog.text


# ---------------------------------------------------------------- PDFs


def _canvas_pdf(lines: list[str], fontsets: list[FontSet]) -> bytes:
    out = io.BytesIO()
    with fontsets[0].as_default():
        canvas = Canvas(out, invariant=1)
        y = 800.0
        for fonts in fontsets:
            for line in lines:
                fonts.draw_string(canvas, 40, y, line, 12)
                y -= 24
        canvas.showPage()
        canvas.save()
    return out.getvalue()


def _paragraph_pdf(lines: list[str], fonts: FontSet) -> bytes:
    out = io.BytesIO()
    with fonts.as_default():
        doc = SimpleDocTemplate(out, invariant=1)
        style = fonts.paragraph_style("body", fontSize=11, leading=16)
        doc.build([Paragraph(fonts.markup(line), style) for line in lines])
    return out.getvalue()


def _prepared(lines: list[str]) -> FontSet:
    fonts = FontSet()
    fonts.prepare(lines)
    return fonts


def _page_fonts(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    fonts = []
    for page in reader.pages:
        fonts += [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    return fonts


@pytest.mark.parametrize("builder", ["canvas", "paragraph"])
def test_pdf_text_round_trips_and_every_font_is_embedded(builder):
    fonts = _prepared(SAMPLES)
    pdf = _canvas_pdf(SAMPLES, [fonts]) if builder == "canvas" else _paragraph_pdf(SAMPLES, fonts)
    text_lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert text_lines == SAMPLES
    page_fonts = _page_fonts(pdf)
    assert len(page_fonts) == 2
    for font in page_fonts:
        assert font["/BaseFont"].split("+", 1)[1] not in STANDARD_14
        descriptor = font["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
    assert b"Helvetica" not in pdf
    assert b"Times-Roman" not in pdf


def _width_mismatches(pdf: bytes) -> list[tuple[str, float, float]]:
    """(glyph, /Widths entry, embedded advance scaled to 1000) wherever the two differ."""
    mismatches = []
    for font in _page_fonts(pdf):
        embedded = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
        scale = 1000 / embedded["head"].unitsPerEm
        code_to_glyph = embedded["cmap"].getcmap(1, 0).cmap
        for offset, width in enumerate(font["/Widths"]):
            glyph = code_to_glyph.get(font["/FirstChar"] + offset, ".notdef")
            advance = embedded["hmtx"][glyph][0] * scale
            if abs(advance - width) > 0.01:
                mismatches.append((glyph, float(width), advance))
    return mismatches


def test_plain_string_table_cells_use_the_embedded_font():
    fonts = _prepared(["表格单元 cell"])
    out = io.BytesIO()
    with fonts.as_default():
        SimpleDocTemplate(out, invariant=1).build([Table([["表格单元 cell"]])])
    pdf = out.getvalue()
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().strip() == "表格单元 cell"
    assert b"Helvetica" not in pdf


def test_pdf_widths_match_the_embedded_hmtx():
    pdf = _canvas_pdf(SAMPLES, [_prepared(SAMPLES)])
    for font in _page_fonts(pdf):
        embedded = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
        assert embedded["head"].unitsPerEm == 1000
    assert _width_mismatches(pdf) == []


def test_width_check_detects_reportlabs_hmtx_trap_at_2048_upem():
    """Trap 2 as reportlab 5.1 has it: why every font we build is scaled to 1000 upem."""
    font = TTFont(str(fontbuild.emoji_font_path()))
    scale_upem(font, 2048)
    data = io.BytesIO()
    font.save(data)
    data.seek(0)
    data.name = "emoji-2048"
    pdfmetrics.registerFont(RLTTFont("DKTestEmoji2048", data, asciiReadable=0))
    late = next(  # a character whose glyph lies past numberOfHMetrics
        cp
        for cp, glyph in sorted(font.getBestCmap().items())
        if font.getGlyphID(glyph) >= font["hhea"].numberOfHMetrics
    )
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, initialFontName="DKTestEmoji2048")
    canvas.setFont("DKTestEmoji2048", 12)
    canvas.drawString(40, 700, chr(late))
    canvas.save()
    if not _width_mismatches(out.getvalue()):
        pytest.skip("reportlab no longer writes wrong widths at 2048 upem (trap 2 fixed upstream)")


def test_same_text_gives_identical_pdf_bytes():
    assert _canvas_pdf(SAMPLES, [_prepared(SAMPLES)]) == _canvas_pdf(SAMPLES, [_prepared(SAMPLES)])


def _fresh_pdf(lines: list[str]) -> bytes:
    """A PDF whose subsets are built now (not reused from reportlab's per-process registry)."""
    prefixes = tuple(f"{s.ps_name}-DK" for s in (fontbuild.cjk_source(), fontbuild.emoji_source()))
    for name in [n for n in pdfmetrics.getRegisteredFontNames() if n.startswith(prefixes)]:
        del pdfmetrics._fonts[name]
    fonts = FontSet()
    fonts.prepare(lines)
    return _canvas_pdf(lines, [fonts])


def test_glyph_cache_off_cold_and_warm_give_identical_pdf_bytes(tmp_path, monkeypatch):
    lines = [*SAMPLES, "缓存测试：鑫淼焱垚"]
    monkeypatch.setenv("DISPUTEKIT_CACHE_DIR", "")  # off
    uncached = _fresh_pdf(lines)
    monkeypatch.setenv("DISPUTEKIT_CACHE_DIR", str(tmp_path))
    cold = _fresh_pdf(lines)
    assert list(tmp_path.glob("glyphs/*/*.pack")), "the cold build filled the cache"
    warm = _fresh_pdf(lines)
    assert cold == uncached
    assert warm == uncached


def test_two_subsets_in_one_document_stay_distinct():
    lines = [CHINESE, EXT_B]
    small, large = _prepared(lines), _prepared([*lines, FULL_WIDTH])
    pdf = _canvas_pdf(lines, [small, large])
    assert PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines() == lines * 2
    base_fonts = {font["/BaseFont"] for font in _page_fonts(pdf)}
    assert len(base_fonts) == 2


def _dark_pixels(pdf: bytes, tmp_path: Path) -> int:
    from PIL import Image

    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "36", "-gray", "-singlefile", "page.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    with Image.open(tmp_path / "page.pgm") as image:
        return sum(image.histogram()[:128])


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
@pytest.mark.parametrize("text", ["😀", "𠮷", "中"])
def test_glyphs_are_not_blank_when_rendered(text, tmp_path):
    fonts = _prepared([text])
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, initialFontName=fonts.base_font_name)
    fonts.draw_string(canvas, 100, 600, text, 120)
    canvas.save()
    assert _dark_pixels(out.getvalue(), tmp_path) > 50


def test_base_text_is_drawable_without_prepare_listing_it():
    fonts = _prepared([])
    assert fonts.runs(BASE_TEXT) == [(fonts.base_font_name, BASE_TEXT)]
    assert fonts.missing == set()
