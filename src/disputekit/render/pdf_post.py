"""Post-processing with pypdf: merge evidence-PDF pages, attach originals, set metadata.

Evidence pages are merged as content only: their annotations (links, JavaScript, launch
actions, form widgets) are dropped, and nothing of the evidence's catalog (OpenAction,
AcroForm, EmbeddedFiles, Names) is copied.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from disputekit.errors import VerificationFailed
from disputekit.render.layout import FOOTER_H, HEADER_H, MARGIN, PAGE_H, PAGE_W


@dataclass(frozen=True)
class Attachment:
    name: str
    content: Path | bytes

    def read(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content.read_bytes()


def pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z")
    tz = f"{offset[:3]}'{offset[3:]}'" if offset else "Z"
    return moment.strftime("D:%Y%m%d%H%M%S") + tz


def _open_evidence(exhibit: str, path: Path) -> PdfWriter:
    try:
        return PdfWriter(clone_from=PdfReader(path, strict=False))
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise VerificationFailed(
            f"证据 {exhibit} 的 PDF 无法读取：{exc}", f"The PDF of {exhibit} cannot be read: {exc}",
            fix_zh="用 disputekit verify 检查原件；如已损坏，请重新添加可读的版本。",
            fix_en="Check the original with `disputekit verify`; if damaged, add a readable copy.",
        ) from None


def merge_slots(writer: PdfWriter, slots: Iterable[tuple[int, str, int]], sources: dict[str, Path]) -> None:
    """Draw page ``n`` of each exhibit's PDF, scaled into the slot on page ``page_no``."""
    readers: dict[str, PdfWriter] = {}
    box_w = PAGE_W - 2 * MARGIN
    box_h = PAGE_H - 2 * MARGIN - HEADER_H - FOOTER_H - 28
    for page_no, exhibit, n in slots:
        if exhibit not in readers:  # a writer copy, so rotation can be moved into the content
            readers[exhibit] = _open_evidence(exhibit, sources[exhibit])
        reader = readers[exhibit]
        src = reader.pages[n - 1]
        src.transfer_rotation_to_content()
        box = src.mediabox
        width, height = float(box.width), float(box.height)
        scale = min(box_w / width, box_h / height)
        x = MARGIN + (box_w - width * scale) / 2 - float(box.left) * scale
        y = MARGIN + FOOTER_H + (box_h - height * scale) / 2 - float(box.bottom) * scale
        dest = writer.pages[page_no - 1]
        own_annots = dest.get("/Annots")
        dest.merge_transformed_page(src, Transformation().scale(scale).translate(x, y), over=True)
        if own_annots is None:
            dest.pop(NameObject("/Annots"), None)
        else:
            dest[NameObject("/Annots")] = own_annots


def finish_pdf(
    rendered: Path,
    out: Path,
    *,
    slots: list[tuple[int, str, int]],
    sources: dict[str, Path],
    attachments: list[Attachment],
    metadata: dict[str, str],
    identity: str,
) -> None:
    """Write the final dossier: merged evidence pages, attachments, metadata, fixed /ID."""
    writer = PdfWriter(clone_from=PdfReader(rendered))
    if slots:
        merge_slots(writer, slots, sources)
    attach_files(writer, attachments)
    writer.add_metadata(metadata)
    digest = hashlib.md5(identity.encode(), usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    with out.open("wb") as handle:
        writer.write(handle)


def attach_files(writer: PdfWriter, attachments: list[Attachment]) -> None:
    """Embed files Flate-compressed, with /UF and /Params /Size (pypdf stores them raw)."""
    entries: list[tuple[str, object]] = []
    for attachment in attachments:
        data = attachment.read()
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        stream[NameObject("/Params")] = DictionaryObject({NameObject("/Size"): NumberObject(len(data))})
        ref = writer._add_object(stream.flate_encode(level=6))
        name = TextStringObject(attachment.name)
        spec = DictionaryObject({
            NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): name,
            NameObject("/UF"): name,
            NameObject("/EF"): DictionaryObject({NameObject("/F"): ref, NameObject("/UF"): ref}),
        })
        entries.append((attachment.name, writer._add_object(spec)))
    if not entries:
        return
    names = ArrayObject()
    for name, spec_ref in sorted(entries, key=lambda e: e[0]):
        names += [TextStringObject(name), spec_ref]
    root = writer._root_object
    tree = root.get("/Names")
    tree = tree.get_object() if tree is not None else DictionaryObject()
    tree[NameObject("/EmbeddedFiles")] = DictionaryObject({NameObject("/Names"): names})
    root[NameObject("/Names")] = writer._add_object(tree) if "/Names" not in root else tree


def manifest_attachment(manifest: dict[str, Any]) -> Attachment:
    data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return Attachment("manifest.json", data)
