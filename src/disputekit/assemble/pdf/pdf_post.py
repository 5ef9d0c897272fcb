"""Post-processing with pikepdf (qpdf): merge evidence-PDF pages, attach originals, metadata.

qpdf reads streams lazily from the rendered file and writes them through, so memory does not
grow with the dossier's size (pypdf held every stream in RAM: +50 MB at 200 photos).

Evidence pages are placed as form XObjects of their content only: their annotations (links,
JavaScript, launch actions, form widgets) are not copied, and nothing of the evidence's
catalog (OpenAction, AcroForm, EmbeddedFiles, Names) is either.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pikepdf

from disputekit.assemble.pdf.exhibits import ImagePlacement
from disputekit.assemble.pdf.layout import FOOTER_H, HEADER_H, MARGIN, PAGE_H, PAGE_W
from disputekit.assemble.pdf.page_digests import page_record
from disputekit.errors import VerificationFailed

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


def _open_evidence(exhibit: str, path: Path) -> pikepdf.Pdf:
    try:
        return pikepdf.open(path)
    except (pikepdf.PdfError, pikepdf.PasswordError, OSError, ValueError) as exc:
        raise VerificationFailed(
            f"证据 {exhibit} 的 PDF 无法读取：{exc}", f"The PDF of {exhibit} cannot be read: {exc}",
            fix_zh="用 disputekit verify 检查原件；如已损坏，请重新添加可读的版本。",
            fix_en="Check the original with `disputekit verify`; if damaged, add a readable copy.",
        ) from None


def merge_slots(pdf: pikepdf.Pdf, slots: Iterable[tuple[int, str, int]], sources: dict[str, Path]) -> list[pikepdf.Pdf]:
    """Draw page ``n`` of each exhibit's PDF, fitted into the slot on page ``page_no``.

    Returns the opened evidence documents: they must stay open until ``pdf`` is saved.
    """
    opened: dict[str, pikepdf.Pdf] = {}
    box = pikepdf.Rectangle(MARGIN, MARGIN + FOOTER_H, PAGE_W - MARGIN,
                            PAGE_H - MARGIN - HEADER_H - SLOT_TOP_GAP)
    for page_no, exhibit, n in slots:
        if exhibit not in opened:
            opened[exhibit] = _open_evidence(exhibit, sources[exhibit])
        source = opened[exhibit].pages[n - 1]
        pdf.pages[page_no - 1].add_overlay(source, box)
    return list(opened.values())


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
) -> None:
    """Write the final dossier: merged evidence pages, attachments, metadata, fixed /ID.

    Once every page is final, its digest goes into the manifest attachment (``pages``,
    ``page_digests.py``) before anything is attached."""
    with pikepdf.open(rendered) as pdf:
        place_images(pdf, images or [])
        evidence = merge_slots(pdf, slots, sources) if slots else []
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
