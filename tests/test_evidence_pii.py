"""Personal data on evidence-PDF pages is painted over on the drawn image, per the profile.

A courier's waybill or an order export as a PDF carries the buyer's mobile number and street
address. The page goes into the dossier as a picture (``evidence_render``); the characters
PDFium reads on it go through the one recogniser (``privacy.pii``), and the union of a span's
character boxes is painted over before the image is encoded (``evidence_pii``,
``evidence_child``). Checked on pixels: where the number was drawn the picture is solid cover,
the order number beside it is untouched, a page turned a quarter is covered where its text
runs, the text layer holds the masked forms, and a shop whose profile shows phones gets them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from disputekit.assemble.build import build_dossier
from disputekit.assemble.pdf import evidence_render
from disputekit.assemble.pdf.evidence_pii import PageChar, masked_piece, page_pii
from disputekit.assemble.pdf.evidence_render import EvidencePages, PageImage, render_pages
from disputekit.collect.evidence_ops import add_files
from disputekit.models.build import BuildOptions
from disputekit.privacy.pii import ALL_KINDS, find_pii
from disputekit.privacy.regions import char_span_box
from test_archive_support import NOW, make_sample_case

BOX = (481.9, 663.3)  # the dossier's evidence slot, in points
AT = NOW["signed-not-received"]
PHONE, ORDER = "13912345678", "3712345678901234567"
ADDRESS_HEAD, ADDRESS_TAIL = "收货地址：杭州市西湖区文三路", "90号3幢501室"
SIZE = 12  # points
X = 72.0
Y_PHONE, Y_ORDER, Y_ADDRESS = 700.0, 660.0, 620.0
CJK = "STSong-Light"  # a CID font every PDF reader knows (not embedded: PDFium substitutes)
pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def waybill(path: Path, rotate: int = 0) -> Path:
    """One A4 page: a mobile number, an order number and an address, each on its own line."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", SIZE)
    pdf.drawString(X, Y_PHONE, f"Mobile {PHONE}")
    pdf.drawString(X, Y_ORDER, f"Order {ORDER}")
    pdf.setFont(CJK, SIZE)
    pdf.drawString(X, Y_ADDRESS, ADDRESS_HEAD + ADDRESS_TAIL)
    pdf.showPage()
    pdf.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as doc:
            doc.pages[0].obj.Rotate = rotate
            doc.save(path)
    return path


def text_box(before: str, text: str, font: str, y: float) -> tuple[float, float, float, float]:
    """Where ``text`` (drawn after ``before`` at ``X``, baseline ``y``) is inked, in points:
    from the baseline to 0.6 of the size (digits reach ~0.7), a point in from each end."""
    left = X + pdfmetrics.stringWidth(before, font, SIZE)
    right = left + pdfmetrics.stringWidth(text, font, SIZE)
    return left + 1, y + 0.5, right - 1, y + 0.6 * SIZE


def to_pixels(size: tuple[int, int], rect: tuple[float, float, float, float],
              rotate: int = 0) -> tuple[int, int, int, int]:
    """A rectangle in points of the A4 page (y up) in pixels of its drawn image (y down)."""
    (w, h), (pw, ph) = size, A4
    x0, y0, x1, y1 = rect
    if rotate == 90:  # turned clockwise: the page's bottom edge is the image's left edge
        return int(y0 * w / ph) + 1, int(x0 * h / pw) + 1, int(y1 * w / ph), int(x1 * h / pw)
    return int(x0 * w / pw) + 1, int((ph - y1) * h / ph) + 1, int(x1 * w / pw), int((ph - y0) * h / ph)


PHONE_AT = text_box("Mobile ", PHONE, "Helvetica", Y_PHONE)
ORDER_AT = text_box("Order ", ORDER, "Helvetica", Y_ORDER)
# the address's digits: the only glyphs every PDFium draws (no CJK font need be installed)
ADDRESS_AT = text_box(ADDRESS_HEAD, ADDRESS_TAIL, CJK, Y_ADDRESS)


def region(image: Image.Image, rect: tuple[float, float, float, float], rotate: int = 0) -> Image.Image:
    return image.convert("L").crop(to_pixels(image.size, rect, rotate))


def inked(image: Image.Image) -> bool:
    """Text is there: dark strokes and light paper both."""
    low, high = image.getextrema()  # type: ignore[misc]
    return low < 100 and high > 200


def covered(image: Image.Image) -> bool:
    return image.getextrema() == (0, 0)


def drawn(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("L")


# --------------------------------------------------------------------------- pure


def chars(text: str, y: float = 100.0, width: float = 10.0,
          generated: frozenset[int] = frozenset()) -> list[PageChar]:
    return [PageChar(c, None if i in generated else (i * width, y, (i + 1) * width, y + 20),
                     i in generated) for i, c in enumerate(text)]


def test_a_span_is_covered_by_its_characters_boxes_padded() -> None:
    line = f"Tel {PHONE} order {ORDER}"
    found = page_pii(chars(line))
    [cover] = found.covers
    start = line.index(PHONE)
    pad = 3 + 0.15 * 20
    assert cover == (int(start * 10 - pad), int(100 - pad), int((start + 11) * 10 + pad + 0.999),
                     int(120 + pad + 0.999))
    assert [run[0] for run in found.runs] == [f"Tel 139****5678 order {ORDER}"]
    assert found.found == 1


def test_the_profile_switches_decide_what_is_covered() -> None:
    line = f"Tel {PHONE} 文三路90号3幢501室"
    everything = page_pii(chars(line))
    no_phones = page_pii(chars(line), kinds=ALL_KINDS - {"mobile", "landline"})
    assert len(everything.covers) == 2 and len(no_phones.covers) == 1
    assert no_phones.runs[0][0] == f"Tel {PHONE} 文三路**号**幢**室"


def test_lines_are_cut_at_breaks_and_runs_at_inferred_characters() -> None:
    text = f"Tel {PHONE}\r\nA B"
    marks = page_pii(chars(text, generated=frozenset({text.index("\r"), text.index("\n"),
                                                      len(text) - 2})))
    assert [run[0] for run in marks.runs] == ["Tel 139****5678", "A", "B"]
    # a span cut by an inferred gap is masked in each piece, a star a character
    spans = find_pii(f"Tel {PHONE}")
    assert masked_piece(f"Tel {PHONE}", spans, 0, 8) == "Tel ****"
    assert masked_piece(f"Tel {PHONE}", spans, 8, 15) == "*******"


def test_a_span_without_boxes_has_nothing_to_cover() -> None:
    assert char_span_box([None, None], 0, 2) is None
    assert char_span_box([None, (10.0, 10.0, 20.0, 30.0)], 0, 2) == (5, 5, 25, 35)


# --------------------------------------------------------------------------- drawn pages


@pytest.mark.parametrize("rotate", [0, 90])
def test_the_drawn_page_is_covered_where_the_data_was(tmp_path: Path, rotate: int) -> None:
    source = waybill(tmp_path / "waybill.pdf", rotate)
    plain = render_pages(source, tmp_path / "plain", 1, BOX, frozenset())[1]
    masked = render_pages(source, tmp_path / "masked", 1, BOX, ALL_KINDS)[1]
    assert isinstance(plain, PageImage) and isinstance(masked, PageImage)
    assert (plain.width > plain.height) == (rotate == 90)
    before, after = drawn(plain.path), drawn(masked.path)
    assert masked.covered == 2 and plain.covered == 0
    for rect in (PHONE_AT, ADDRESS_AT):
        assert inked(region(before, rect, rotate))  # the number was drawn there …
        assert covered(region(after, rect, rotate))  # … and is under the cover now
    # the order number is the same pixels as the page without covers
    assert inked(region(before, ORDER_AT, rotate))
    assert ImageChops.difference(region(before, ORDER_AT, rotate),
                                 region(after, ORDER_AT, rotate)).getbbox() is None
    texts = " ".join(run[0] for run in masked.text)
    assert PHONE not in texts and "139****5678" in texts and ORDER in texts
    assert "**号**幢**室" in texts


def test_drawn_pages_are_kept_apart_per_switches(tmp_path: Path) -> None:
    source = tmp_path / "x.pdf"
    every = EvidencePages(tmp_path, BOX, {})
    fewer = EvidencePages(tmp_path, BOX, {}, ALL_KINDS - {"address"})
    assert every.folder("E1", source) != fewer.folder("E1", source)
    assert every.folder("E1", source) == EvidencePages(tmp_path, BOX, {}, ALL_KINDS).folder("E1", source)


# --------------------------------------------------------------------------- build


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("pii") / "case")


def _drawn_images(path: Path) -> list[Image.Image]:
    with pikepdf.open(path) as pdf:
        return [pikepdf.PdfImage(xobject).as_pil_image().convert("L") for page in pdf.pages
                for key, xobject in page.obj.get("/Resources", {}).get("/XObject", {}).items()
                if key.startswith("/DkPg")]


def _text(path: Path) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(path).pages)


def _build(template: Path, tmp_path: Path, profile: Path | None = None) -> tuple[Path, Path]:
    case = tmp_path / "case"
    shutil.copytree(template, case, symlinks=True)
    add_files(case, [waybill(tmp_path / "waybill.pdf")], at=AT, actor="t")
    result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                              out_dir=tmp_path / "out", profile_path=profile))
    assert result.submission is not None
    return result.dossier, result.submission


def test_both_editions_cover_the_buyers_data_and_keep_the_order(template: Path,
                                                                tmp_path: Path) -> None:
    for edition in _build(template, tmp_path):
        [image] = _drawn_images(edition)
        assert covered(region(image, PHONE_AT)) and covered(region(image, ADDRESS_AT))
        assert inked(region(image, ORDER_AT))
        text = _text(edition)
        assert PHONE not in text and "139****5678" in text and ORDER in text
        assert "**号**幢**室" in text and "90号3幢501室" not in text


def test_a_shop_that_shows_phones_keeps_them_on_the_page(template: Path, tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[privacy]\nmask_phones = { value = false, source = "our policy", '
                    'confidence = "high" }\n', "utf-8")
    dossier, _ = _build(template, tmp_path, shop)
    [image] = _drawn_images(dossier)
    assert inked(region(image, PHONE_AT))  # shown, as the profile asks
    assert covered(region(image, ADDRESS_AT))  # addresses still masked
    text = _text(dossier)
    assert f"Mobile{PHONE}" in text and "**号**幢**室" in text


def test_switches_are_passed_to_the_renderer_in_a_fixed_order() -> None:
    """The child is told the kinds in a fixed order (the cache folder and bytes depend on it)."""
    assert evidence_render.kinds_argument(frozenset({"mobile", "address"})) == "address,mobile"


def test_a_page_with_more_text_than_is_checked_is_a_notice_not_an_unchecked_picture(
        tmp_path: Path) -> None:
    from disputekit.assemble.pdf.evidence_child import MAX_PAGE_CHARS

    path = tmp_path / "dense.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 2)
    line = f"Tel {PHONE} " * 20  # 320 characters
    for row in range(MAX_PAGE_CHARS // len(line) + 2):
        pdf.drawString(10, 830 - row * 4.2 % 820, line)
    pdf.showPage()
    pdf.save()
    page = render_pages(path, tmp_path / "out", 1, BOX)[1]
    assert page == evidence_render.NotDrawn("text", page.detail)  # type: ignore[union-attr]
    assert int(page.detail.split()[0]) > MAX_PAGE_CHARS  # type: ignore[union-attr]


def test_a_form_fields_value_is_covered_too(tmp_path: Path) -> None:
    """A filled form field is an annotation, outside the page's text until PDFium merges it
    into the page (in the child only): then it is read and covered like any text."""
    path = tmp_path / "form.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", SIZE)
    pdf.drawString(X, Y_ORDER, f"Order {ORDER}")
    pdf.acroForm.textfield(name="tel", value=PHONE, x=X, y=Y_PHONE - 4, width=200, height=20,
                           borderWidth=0, fontName="Helvetica", fontSize=SIZE)
    pdf.showPage()
    pdf.save()
    plain = render_pages(path, tmp_path / "plain", 1, BOX, frozenset())[1]
    masked = render_pages(path, tmp_path / "masked", 1, BOX)[1]
    assert isinstance(plain, PageImage) and isinstance(masked, PageImage)
    # where PDFium reads the field's text, the middle of its box
    [(x0, y0, x1, y1)] = [run[1:] for run in plain.text if run[0] == PHONE]
    inner = (x0 + 2, y0 + (y1 - y0) // 3, x1 - 2, y1 - (y1 - y0) // 3)
    # (PDFium draws this reportlab field only with a form environment, which the child does
    # not start; fields with their own appearance are drawn, and are covered where read)
    assert masked.covered == 1 and covered(drawn(masked.path).crop(inner))
    texts = " ".join(run[0] for run in masked.text)
    assert ORDER in texts and "139****5678" in texts and PHONE not in texts
