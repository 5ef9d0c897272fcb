"""Evidence-PDF pages drawn as images in a bounded child process (issue 15 §5, §6, §7).

Unit level: what a page becomes (lossless text page, JPEG photo page, a turned page upright,
its text runs), and every way a page can fail to be drawn — a file PDFium cannot open, a page
over the time budget, a Flate bomb over the memory budget. Build level: both builds of the same
case give the same bytes, the text layer is searchable and masked, pages over the cap are
listed, and a page that cannot be drawn is a notice plus a warning, never a blank.
"""

from __future__ import annotations

import io
import logging
import random
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from disputekit.assemble.build import build_dossier
from disputekit.assemble.pdf import evidence_render, exhibits
from disputekit.assemble.pdf.evidence_render import NotDrawn, PageImage, render_pages
from disputekit.collect.evidence_ops import add_files
from disputekit.models.build import BuildOptions
from test_archive_support import NOW, make_sample_case

BOX = (481.9, 663.3)  # the dossier's evidence slot, in points
AT = NOW["signed-not-received"]
PHONE = "13812345678"


def text_pdf(path: Path, pages: int = 3, rotate: int = 0) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for number in range(1, pages + 1):
        pdf.drawString(72, 760, f"Inspection report page {number}")
        pdf.drawString(72, 740, f"Contact phone {PHONE}")
        pdf.showPage()
    pdf.save()
    if rotate:
        with pikepdf.open(path, allow_overwriting_input=True) as doc:
            for page in doc.pages:
                page.obj.Rotate = rotate
            doc.save(path)
    return path


def photo_pdf(path: Path, mode: str = "RGB") -> Path:
    """One page showing a noisy picture (what a photographed receipt looks like)."""
    rng = random.Random(7)
    bands = len(mode)
    image = Image.frombytes(mode, (600, 800), bytes(rng.randrange(256) for _ in range(600 * 800 * bands)))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    from reportlab.lib.utils import ImageReader

    pdf.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return path


def flate_bomb(path: Path, inflated: int = 1536 * 1024 * 1024) -> Path:
    """A one-page PDF whose content stream is ~1.5 MB of Flate inflating to ``inflated`` bytes
    of spaces (the red team's bomb). The deflate stream is one 64 MiB block compressed after a
    full flush, repeated: made in ~2 s instead of compressing 1.5 GB."""
    chunk = 64 * 1024 * 1024
    block = b" " * chunk
    packer = zlib.compressobj(6)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()[:-4]  # the final block, without the checksum of two blocks
    count = inflated // chunk
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(block, adler)
    data = first + again * (count - 1) + tail + adler.to_bytes(4, "big")
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, data)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    pdf.save(path, compress_streams=False)
    return path


# --------------------------------------------------------------------------- unit


def test_text_pages_are_sixteen_greys_with_their_text(tmp_path: Path) -> None:
    pages = render_pages(text_pdf(tmp_path / "r.pdf", 2), tmp_path / "out", 2, BOX)
    assert set(pages) == {1, 2}
    for number, page in pages.items():
        assert isinstance(page, PageImage)
        assert page.path.suffix == ".png" and page.gray
        with Image.open(page.path) as image:  # text: 16 greys, 4 bits a pixel
            assert image.mode == "P" and image.size == (page.width, page.height)
            assert len(image.getcolors(256) or ()) <= 16
        # A4 fitted into the slot at 200 dpi: the slot's height binds
        assert abs(page.height - BOX[1] * evidence_render.DPI / 72) <= 1
        texts = [run[0] for run in page.text]
        assert f"Inspection report page {number}" in texts
        left, top, right, bottom = next(r[1:] for r in page.text if r[0].startswith("Inspection"))
        assert 0 < left < right < page.width / 2 and 0 < top < bottom < page.height / 4


def test_photographic_pages_are_jpeg(tmp_path: Path) -> None:
    page = render_pages(photo_pdf(tmp_path / "p.pdf"), tmp_path / "out", 1, BOX)[1]
    assert isinstance(page, PageImage) and page.jpeg and not page.gray
    assert page.path.read_bytes()[:2] == b"\xff\xd8"


def test_grey_photographs_keep_every_grey_level(tmp_path: Path) -> None:
    """16 greys suit text; a grey photograph would band, so it keeps 8 bits (JPEG or PNG)."""
    page = render_pages(photo_pdf(tmp_path / "g.pdf", "L"), tmp_path / "out", 1, BOX)[1]
    assert isinstance(page, PageImage) and page.gray
    with Image.open(page.path) as image:
        assert image.mode == "L"


def test_a_turned_page_is_drawn_as_shown(tmp_path: Path) -> None:
    page = render_pages(text_pdf(tmp_path / "r.pdf", 1, rotate=90), tmp_path / "out", 1, BOX)[1]
    assert isinstance(page, PageImage) and page.rotation == 90
    assert page.width > page.height  # a portrait page turned a quarter is landscape


def test_a_file_pdfium_cannot_open_gives_a_reason_for_every_page(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    pages = render_pages(junk, tmp_path / "out", 3, BOX)
    assert [p.reason for p in pages.values() if isinstance(p, NotDrawn)] == ["unreadable"] * 3


def test_pages_pdfium_does_not_have_are_named_not_retried(tmp_path: Path) -> None:
    pages = render_pages(text_pdf(tmp_path / "r.pdf", 1), tmp_path / "out", 3, BOX)
    assert isinstance(pages[1], PageImage)
    assert pages[2] == pages[3] == NotDrawn("error", "page not found")
    assert len(list((tmp_path / "out").glob("child-*.err"))) == 1  # one child, not three


def test_a_page_over_the_time_budget_is_not_drawn(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence_render, "START_SECONDS", 0.0)
    monkeypatch.setattr(evidence_render, "PAGE_SECONDS", 0.0)  # no child answers in no time
    pages = render_pages(text_pdf(tmp_path / "r.pdf", 2), tmp_path / "out", 2, BOX)
    assert {n: p.reason for n, p in pages.items() if isinstance(p, NotDrawn)} == {1: "time",
                                                                                 2: "time"}


@pytest.mark.slow
def test_a_flate_bomb_is_stopped_by_the_memory_budget(tmp_path: Path) -> None:
    bomb = flate_bomb(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 2_000_000
    page = render_pages(bomb, tmp_path / "out", 1, BOX)[1]
    assert isinstance(page, NotDrawn) and page.reason == "memory"


# --------------------------------------------------------------------------- build


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("render") / "case")


def _drawn_images(path: Path) -> list[Image.Image]:
    """The images drawn into evidence slots, decoded."""
    with pikepdf.open(path) as pdf:
        return [pikepdf.PdfImage(xobject).as_pil_image() for page in pdf.pages
                for key, xobject in page.obj.get("/Resources", {}).get("/XObject", {}).items()
                if key.startswith("/DkPg")]


def test_builds_are_identical_searchable_masked_and_capped(
        template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exhibits, "MAX_DRAWN_PAGES", 2)
    case = tmp_path / "case"
    shutil.copytree(template, case, symlinks=True)
    add_files(case, [text_pdf(tmp_path / "report.pdf", 3)], at=AT, actor="t")
    first = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                             out_dir=tmp_path / "a"))
    second = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                              out_dir=tmp_path / "b"))
    assert first.dossier.read_bytes() == second.dossier.read_bytes()
    assert first.submission is not None and second.submission is not None
    assert first.submission.read_bytes() == second.submission.read_bytes()
    assert len(_drawn_images(first.dossier)) == 2  # page 3 is over the cap
    text = "\n".join(page.extract_text() for page in PdfReader(first.dossier).pages)
    assert "Inspection report page 1" in text and "Inspection report page 2" in text
    assert "Inspection report page 3" not in text
    assert "3 页未绘入卷宗" in text or "pages 3" in text
    assert PHONE not in text and "Contact phone" in text  # the layer is masked


def test_a_page_that_cannot_be_drawn_is_a_notice_and_a_warning(
        template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    case = tmp_path / "case"
    shutil.copytree(template, case, symlinks=True)
    add_files(case, [text_pdf(tmp_path / "report.pdf", 1)], at=AT, actor="t")
    monkeypatch.setattr(evidence_render, "MEMORY_BYTES", 20 * 1024 * 1024)  # PDFium cannot load
    with caplog.at_level(logging.WARNING, logger="disputekit.assemble.pdf.evidence_render"):
        result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False))
    [warning] = [r.getMessage() for r in caplog.records]
    exhibit = warning.split("证据 ", 1)[1].split(" ", 1)[0]
    assert "could not be drawn" in warning and "无法绘制" in warning and exhibit.startswith("E")
    [image] = _drawn_images(result.dossier)
    assert image.mode == "L" and image.getextrema()[0] < 60  # dark text on it: not a blank
    assert "Inspection report" not in "".join(p.extract_text() for p in PdfReader(result.dossier).pages)
