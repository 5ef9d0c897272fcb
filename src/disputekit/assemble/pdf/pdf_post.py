"""Post-processing with pikepdf (qpdf): merge evidence-PDF pages, attach originals, metadata.

qpdf reads streams lazily from the rendered file and writes them through, so memory does not
grow with the dossier's size (pypdf held every stream in RAM: +50 MB at 200 photos).

Evidence-PDF pages are placed as images of the pages, drawn by PDFium in a bounded child
process (``evidence_render``): nothing of the evidence PDF — resources, annotations, forms,
actions, its catalog — is copied, so the pages are content only and PDF/A-safe.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf

from disputekit.assemble.pdf import evidence_place, evidence_render
from disputekit.assemble.pdf.evidence_placeholder import draw_notice, notice_lines
from disputekit.assemble.pdf.evidence_text import TextPlacement, write_text_layers
from disputekit.assemble.pdf.exhibits import ImagePlacement
from disputekit.assemble.pdf.layout import FOOTER_H, HEADER_H, MARGIN, PAGE_H, PAGE_W
from disputekit.assemble.pdf.page_digests import page_record
from disputekit.privacy.pii import ALL_KINDS, PiiKind, privacy_kinds
from disputekit.profiles.model import Privacy

SLOT_TOP_GAP = 28  # points left under the header for the "original page n of m" line


@dataclass(frozen=True)
class Attachment:
    name: str
    content: Path | bytes
    manifest: dict[str, Any] | None = None
    """Set on the manifest.json attachment: ``finish_pdf`` records the page digests in it
    (in place, so the caller's manifest holds them too) and serialises it last."""

    def read(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.read_bytes()


def pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z")
    tz = f"{offset[:3]}'{offset[3:]}'" if offset else "Z"
    return moment.strftime("D:%Y%m%d%H%M%S") + tz


def merge_slots(pdf: pikepdf.Pdf, slots: Iterable[tuple[int, str, int]], sources: dict[str, Path],
                work: Path, lang: str = "zh", *, privacy: Privacy | None = None) -> list[pikepdf.Pdf]:
    """Draw page ``n`` of each exhibit's PDF as an image into the slot on page ``page_no``
    with its text as an invisible layer, or the notice saying why it could not be drawn
    (``evidence_render``). Personal data the page's text holds is painted over on the image
    and masked in the layer per ``privacy`` (the profile's switches; None: every kind).

    The pages are rendered once per build into ``work`` (both editions use them). Returns the
    text-layer document: it must stay open until ``pdf`` is saved.
    """
    box = pikepdf.Rectangle(MARGIN, MARGIN + FOOTER_H, PAGE_W - MARGIN,
                            PAGE_H - MARGIN - HEADER_H - SLOT_TOP_GAP)
    size = (box.width, box.height)
    kinds = ALL_KINDS if privacy is None else privacy_kinds(privacy)
    drawn = evidence_render.EvidencePages(work, size, {}, kinds)
    slots = list(slots)
    counts: dict[str, int] = {}
    for _, exhibit, n in slots:
        counts[exhibit] = max(counts.get(exhibit, 0), n)
    drawn.prepare({exhibit: (sources[exhibit], count) for exhibit, count in counts.items()})
    texts: list[tuple[int, TextPlacement]] = []
    for number, (page_no, exhibit, n) in enumerate(slots, start=1):
        result = drawn.page(exhibit, sources[exhibit], n, counts[exhibit])
        name = f"DkPg{number}"
        if isinstance(result, evidence_render.PageImage):
            where = evidence_place.place(pdf, page_no, box, result.path,
                                         (result.width, result.height), result.gray, name)
            texts.append((page_no, TextPlacement(result, *where)))
            continue
        notice = drawn.folder(exhibit, sources[exhibit]) / f"notice{n}-{lang}.png"
        lines = notice_lines(exhibit, n, evidence_render.REASONS[result.reason], lang)
        pixels = draw_notice(notice, size, lines)
        # the notice has its own border
        evidence_place.place(pdf, page_no, box, notice, pixels, True, name, framed=False)
    return _text_layers(pdf, texts, work, kinds)


def _text_layers(pdf: pikepdf.Pdf, texts: list[tuple[int, TextPlacement]], work: Path,
                 kinds: frozenset[PiiKind]) -> list[pikepdf.Pdf]:
    handle, name = tempfile.mkstemp(prefix="text-layer-", suffix=".pdf", dir=work)
    os.close(handle)  # one per edition: the first stays open until its edition is saved
    layers = Path(name)
    order = write_text_layers(layers, [place for _, place in texts], kinds)
    if order is None:
        return []
    source = pikepdf.open(layers)
    for layer_page, index in enumerate(order):
        form = pdf.copy_foreign(source.pages[layer_page].as_form_xobject())
        form.Matrix = pikepdf.Array([1, 0, 0, 1, 0, 0])  # integers: the same before and after saving
        page = pdf.pages[texts[index][0] - 1]
        # a fixed resource name (add_overlay picks a random one: the bytes would differ)
        name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/DkTx{layer_page + 1}"))
        page.contents_add(pikepdf.Stream(pdf, f"q {name} Do Q\n".encode("ascii")), prepend=False)
    return [source]


def place_images(pdf: pikepdf.Pdf, placements: Iterable[ImagePlacement]) -> None:
    """Put each prepared JPEG (passed through, not re-encoded) in its box, under the stamp."""
    from PIL import Image as PILImage

    for number, place in enumerate(placements, start=1):
        data = place.path.read_bytes()
        with PILImage.open(place.path) as im:
            size, mode = im.size, im.mode
        image = pikepdf.Stream(pdf, data)
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = size
        image.ColorSpace = pikepdf.Name.DeviceGray if mode == "L" else pikepdf.Name.DeviceRGB
        image.BitsPerComponent = 8
        image.Filter = pikepdf.Name.DCTDecode
        page = pdf.pages[place.page - 1]
        name = page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name(f"/DkIm{number}"))
        draw = (f"q {place.width:.4f} 0 0 {place.height:.4f} {place.x:.4f} {place.y:.4f} cm "
                f"{name} Do Q\n")
        page.contents_add(pikepdf.Stream(pdf, draw.encode("ascii")), prepend=True)


def attach_files(pdf: pikepdf.Pdf, attachments: list[Attachment]) -> None:
    """Embed files (Flate-compressed on save) with /F, /UF and /Params /Size."""
    for attachment in attachments:
        spec = pikepdf.AttachedFileSpec(pdf, attachment.read(), filename=attachment.name)
        pdf.attachments[attachment.name] = spec


def finish_pdf(
    rendered: Path,
    out: Path,
    *,
    slots: list[tuple[int, str, int]],
    sources: dict[str, Path],
    images: list[ImagePlacement] | None = None,
    attachments: list[Attachment],
    metadata: dict[str, str],
    identity: str,
    lang: str = "zh",
    privacy: Privacy | None = None,
) -> None:
    """Write the final dossier: merged evidence pages (personal data covered per ``privacy``,
    None: every kind), attachments, metadata, fixed /ID.

    Once every page is final, its digest goes into the manifest attachment (``pages``,
    ``page_digests.py``) before anything is attached."""
    with pikepdf.open(rendered) as pdf:
        place_images(pdf, images or [])
        evidence = (merge_slots(pdf, slots, sources, rendered.parent, lang, privacy=privacy)
                    if slots else [])
        attach_files(pdf, [_with_pages(a, pdf) for a in attachments])
        for key, value in metadata.items():
            pdf.docinfo[pikepdf.Name(key)] = pikepdf.String(value)
        # /ID derived from the content (and ``identity`` through the metadata): same case and
        # clock → same bytes.
        pdf.docinfo[pikepdf.Name("/DisputekitBuild")] = pikepdf.String(identity)
        pdf.save(out, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        for doc in evidence:
            doc.close()


def _with_pages(attachment: Attachment, pdf: pikepdf.Pdf) -> Attachment:
    if attachment.manifest is None:
        return attachment
    attachment.manifest["pages"] = page_record(pdf)
    return manifest_attachment(attachment.manifest)


def manifest_attachment(manifest: dict[str, Any]) -> Attachment:
    """The embedded manifest.json; ``finish_pdf`` adds the page digests before writing it."""
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return Attachment("manifest.json", data, manifest)
