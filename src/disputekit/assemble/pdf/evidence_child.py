"""The child process that draws an evidence PDF's pages as images (``evidence_render`` runs it).

PDFium runs only here, never in the builder: a hostile PDF (a Flate bomb, a page that never
finishes, a crash in the renderer) costs this process its memory limit or its life, and the
builder draws a placeholder instead. Run as::

    python -m disputekit.assemble.pdf.evidence_child SOURCE DEST BOX_W BOX_H DPI FIRST LAST MEMORY KINDS

It caps its own address space at ``MEMORY`` bytes (0: no cap) and its CPU time, then for
each page FIRST..LAST writes ``DEST/p<n>.png`` or ``DEST/p<n>.jpg`` (complete files only:
written aside, then renamed) and prints one JSON line per page on stdout: ``{"page", "file", "width", "height", "gray",
"rotation", "covered", "text"}`` (``text``: the page's text runs with their boxes in the image,
masked) or ``{"page", "error"}``, or ``{"page", "refused", "detail"}`` for a page with more text
than is checked for personal data. A document PDFium cannot open prints ``{"open_error"}``.

Personal data of the ``KINDS`` (comma-separated ``privacy.pii`` kinds, the profile's switches)
that the page's text holds is painted over on the image before it is encoded
(``evidence_pii``): the image that leaves this process never showed it.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disputekit.assemble.pdf.evidence_pii import PageChar, PagePii, page_pii
from disputekit.privacy.pii import ALL_KINDS, PiiKind
from disputekit.privacy.regions import CharBox

JPEG_QUALITY = 85
"""Quality of a page drawn as JPEG (photographs and scans, see :data:`PHOTO_COLOURS`). The
photo exhibits use 80; pages often carry small print next to the picture, so a notch higher."""

LOSSLESS_FACTOR = 1.5
"""A page is kept lossless (PNG data, Flate in the PDF) while that costs at most this many
times its JPEG. Measured at 200 dpi on the corpus PDFs `add` accepts: a text page is ~40 KB as
PNG and ~90 KB as JPEG (and stays sharp); photographs and scans cost 2-8x more as PNG."""

PNG_LEVEL = 6
"""zlib level of the lossless pages. Measured on 11 corpus pages: level 9 took 5.8x the time
(4.7 s against 0.8 s) for 2.5 % smaller files."""

PHOTO_COLOURS = 4096
"""A page whose quarter-size thumbnail has more distinct colours than this is photographic
and goes straight to JPEG (encoding it as PNG too, only to throw it away, cost ~1 s a page).
Anti-aliased text has at most a few hundred shades per ink colour."""


MAX_TEXT_RUNS = 3_000
"""Text runs (pieces of a line) kept per page for the invisible text layer. A dense A4 page
of 8-point text has ~150 lines of a few runs each; more is a crafted page."""

MAX_TEXT_CHARS = 20_000
"""Characters of text kept per page for the text layer (a dense page holds ~6,000)."""


TEXT_MIDTONES = 0.15
"""A greyscale page with at most this share of mid-tone pixels (between 32 and 223) is text or
line art: ink on paper plus anti-aliased edges. Measured at 200 dpi: corpus text pages and
scanned letters 0.00-0.11, a grey photograph 0.35, a gradient 0.49. Such pages are stored
with 16 grey levels (4 bits a pixel, every pixel within 8 of 255 of its true value): a dense
page of 8-point text drops from 450 KB to 34 KB, a LaTeX page from 231 KB to 126 KB. A grey
photograph would band, so it keeps 8 bits."""

GREY_LEVELS = 16
"""Grey levels of a text page (4 bits a pixel; see :data:`TEXT_MIDTONES`)."""


CPU_SECONDS = 300
"""CPU time after which the child is stopped by the kernel whatever happens to its parent: a
backstop for a builder killed mid-build (its own wall-clock budgets, 15 s a page and 120 s an
exhibit, end the child long before)."""


def _limit(memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def encode(image: Any) -> tuple[bytes, str, bool]:
    """``(data, "png"|"jpg", gray)``: lossless unless the JPEG is much smaller."""
    from PIL import ImageChops

    rgb = image.convert("RGB")
    gray = ImageChops.difference(rgb, rgb.convert("L").convert("RGB")).getbbox() is None
    shown = rgb.convert("L") if gray else rgb
    if gray and _midtones(shown) <= TEXT_MIDTONES:
        return _four_bit_png(shown), "png", True
    lossless, lossy = io.BytesIO(), io.BytesIO()
    shown.save(lossy, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    thumb = shown.resize((max(1, shown.width // 4), max(1, shown.height // 4)), 0)  # nearest
    if thumb.getcolors(PHOTO_COLOURS) is None:
        return lossy.getvalue(), "jpg", gray
    shown.save(lossless, "PNG", compress_level=PNG_LEVEL)
    if len(lossless.getvalue()) <= LOSSLESS_FACTOR * len(lossy.getvalue()):
        return lossless.getvalue(), "png", gray
    return lossy.getvalue(), "jpg", gray


def _midtones(image: Any) -> float:
    histogram = image.histogram()
    return sum(histogram[32:224]) / max(1, sum(histogram))


def _four_bit_png(image: Any) -> bytes:
    """A greyscale image as a 4-bit palette PNG of :data:`GREY_LEVELS` evenly spaced greys
    (palette index = level, so the palette is the same for every page)."""
    from PIL import Image

    top = GREY_LEVELS - 1
    levels = image.point(lambda v: (v * top + 127) // 255)
    indexed = Image.frombytes("P", levels.size, levels.tobytes())
    step = 255 // top
    indexed.putpalette(bytes(k * step for k in range(GREY_LEVELS) for _ in range(3)))
    out = io.BytesIO()
    indexed.save(out, "PNG", bits=4, compress_level=PNG_LEVEL)
    return out.getvalue()


MAX_PAGE_CHARS = 60_000
"""Characters of a page read to find personal data on it (a dense A4 page of 8-point text
holds ~6,000). A page with more is refused rather than drawn with text nobody checked: it
becomes a notice (reason ``text``)."""


class TooMuchText(Exception):
    """The page holds more than :data:`MAX_PAGE_CHARS` characters."""


def _device_map(page: Any, size: tuple[int, int]) -> Callable[[float, float, float, float], CharBox]:
    """A function from a box in page space to its box in pixels of the drawn image (the
    page's /Rotate applied), made from three corners of the page as PDFium maps them."""
    import ctypes

    import pypdfium2.raw as raw

    def device(x: float, y: float) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page, 0, 0, size[0], size[1], 0, x, y, ctypes.byref(dx),
                              ctypes.byref(dy))
        return dx.value, dy.value

    left, bottom, right, top = page.get_bbox()
    width, height = max(right - left, 1.0), max(top - bottom, 1.0)
    origin, across, up = device(left, bottom), device(left + width, bottom), device(left, bottom + height)
    ux = ((across[0] - origin[0]) / width, (across[1] - origin[1]) / width)
    uy = ((up[0] - origin[0]) / height, (up[1] - origin[1]) / height)

    def to_pixels(x0: float, y0: float, x1: float, y1: float) -> CharBox:
        xs, ys = [], []
        for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            xs.append(origin[0] + (x - left) * ux[0] + (y - bottom) * uy[0])
            ys.append(origin[1] + (x - left) * ux[1] + (y - bottom) * uy[1])
        return min(xs), min(ys), max(xs), max(ys)

    return to_pixels


def page_chars(page: Any, to_pixels: Callable[[float, float, float, float], CharBox]) -> list[PageChar]:
    """Every character of the page with its box in pixels of the drawn image (PDFium's loose
    box: the font's full height, not the glyph's ink, mapped by ``to_pixels``); inferred
    characters have no box."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count > MAX_PAGE_CHARS:
            raise TooMuchText(count)
        chars = []
        for index in range(count):
            code = raw.FPDFText_GetUnicode(textpage, index)
            generated = raw.FPDFText_IsGenerated(textpage, index) == 1
            box = None
            if not generated:
                try:
                    left, bottom, right, top = textpage.get_charbox(index, loose=True)
                except pdfium.PdfiumError:
                    pass
                else:
                    if right > left and top > bottom:
                        box = to_pixels(left, bottom, right, top)
            chars.append(PageChar(chr(code) if 0 < code < 0x110000 else " ", box, generated))
    finally:
        textpage.close()
    return chars


def draw_page(doc: Any, number: int, scale: float, kinds: frozenset[PiiKind]) -> tuple[Any, PagePii]:
    """Page ``number`` drawn at ``scale`` with its personal data of ``kinds`` painted over, and
    what was found (covers and the masked text runs). The text is read after the page's
    annotations and form fields are merged into it (``_flattened``), so a filled form field
    is covered too; the picture is drawn before that, as the page is displayed."""
    from disputekit.privacy.regions import cover

    page = doc[number - 1]
    image = page.render(scale=scale, may_draw_forms=True, draw_annots=True).to_pil()
    to_pixels = _device_map(page, image.size)  # page space is the same after merging
    pii = page_pii(page_chars(_flattened(doc, number, page), to_pixels), kinds=kinds,
                   max_runs=MAX_TEXT_RUNS, max_chars=MAX_TEXT_CHARS)
    return (cover(image, pii.covers) if pii.covers else image), pii


def _write(dest: Path, name: str, data: bytes) -> None:
    part = dest / (name + ".part")
    part.write_bytes(data)
    os.replace(part, dest / name)


def _say(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _flattened(doc: Any, number: int, page: Any) -> Any:
    """Page ``number`` (open as ``page``) with its annotations and form fields merged into its
    content (in this process's memory only), for reading its text: a form field holding a
    phone number is then read like the rest. Not for drawing: merging drops what PDFium draws
    without an appearance stream (highlights) and may grow the page's box (measured on the
    corpus: 3 of 64 pages would look different)."""
    import pypdfium2.raw as raw

    if raw.FPDFPage_Flatten(page, raw.FLAT_NORMALDISPLAY) != raw.FLATTEN_SUCCESS:
        return page  # nothing to flatten (or it failed): the page as it is
    page.close()  # PDFium's text and drawing see the merged content only on a reloaded page
    return doc[number - 1]


def render(source: Path, dest: Path, box: tuple[float, float], dpi: float, first: int,
           last: int, kinds: frozenset[PiiKind]) -> None:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(source))
    except Exception as exc:  # PDFium's own error for a file it cannot read
        _say({"open_error": f"{type(exc).__name__}: {str(exc)[:200]}"})
        return
    last = min(last, len(doc))
    for number in range(first, last + 1):
        try:
            page = doc[number - 1]
            width, height = page.get_size()  # as displayed (/Rotate applied)
            rotation = page.get_rotation()
            fit = min(box[0] / width, box[1] / height)
            image, pii = draw_page(doc, number, fit * dpi / 72, kinds)
            data, kind, gray = encode(image)
            name = f"p{number}.{kind}"
            _write(dest, name, data)
            _say({"page": number, "file": name, "width": image.width, "height": image.height,
                  "gray": gray, "rotation": rotation, "covered": len(pii.covers),
                  "text": [list(run) for run in pii.runs]})
        except MemoryError:
            raise
        except TooMuchText as exc:
            _say({"page": number, "refused": "text", "detail": f"{exc.args[0]} characters"})
        except Exception as exc:  # one page PDFium cannot draw: the others still are
            _say({"page": number, "error": f"{type(exc).__name__}: {str(exc)[:200]}"})


def main(argv: list[str]) -> int:
    source, dest, box_w, box_h, dpi, first, last, memory, kinds = argv
    _limit(int(memory))
    wanted = frozenset(k for k in kinds.split(",") if k in ALL_KINDS)
    render(Path(source), Path(dest), (float(box_w), float(box_h)), float(dpi), int(first),
           int(last), wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
