"""Exhibit pages: chat transcript, tracking table, photos, and evidence-PDF page slots."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak

from disputekit.assemble.pdf.chat_pages import MARK_BG, chat_story
from disputekit.assemble.pdf.dossier_data import DossierData, anchor
from disputekit.assemble.pdf.evidence_render import MAX_DRAWN_PAGES
from disputekit.assemble.pdf.labels import STATUS, t
from disputekit.assemble.pdf.layout import FOOTER_H, HEADER_H, MARGIN, PAGE_H, Anchor, PageLabel
from disputekit.assemble.pdf.sections import FRAME_W, GRID, kv_table
from disputekit.assemble.pdf.story import Writer
from disputekit.assemble.pdf.text_layer import TextLayer, draw_text_layer, text_layer
from disputekit.kinds import label, spec
from disputekit.models.facts import (
    ChatFacts,
    DocumentFacts,
    PhotoFacts,
    TrackingFacts,
    TrackingStatus,
)
from disputekit.validate.rules.context import Exhibit

FRAME_H = PAGE_H - 2 * MARGIN - HEADER_H - FOOTER_H


def heading(w: Writer, d: DossierData, e: Exhibit) -> list[Flowable]:
    title = d.mask(f"{e.id} {label(e.facts.kind, d.lang)} · {e.item.name}")  # the outline too
    out: list[Flowable] = [CondPageBreak(60 * mm), Anchor(anchor(e.id), title, 1, e.id), w.p(title, "h1")]
    if e.item.caption:
        out.append(w.p(f"{t('caption', d.lang)}: {e.item.caption}"))
    out.append(w.p(f"SHA-256 {e.item.sha256}", "small"))
    return out


def chat(w: Writer, d: DossierData, e: Exhibit, facts: ChatFacts) -> list[Flowable]:
    return chat_story(w, d, e, facts)


def _screens_for(d: DossierData, e: Exhibit) -> list[str]:
    tag = e.item.tag or "shipment"
    return [x.id for x in d.ctx.exhibits
            if x.facts.kind == "screenshot" and x.id != e.id and (x.item.tag or "shipment") == tag]


def tracking(w: Writer, d: DossierData, e: Exhibit, facts: TrackingFacts) -> list[Flowable]:
    lang = d.lang
    signed = facts.signed_at.strftime("%Y-%m-%d %H:%M") if facts.signed_at else "—"
    story: list[Flowable] = [kv_table(w, [
        (t("courier", lang), facts.courier_name or facts.courier or "—"),
        (t("waybill", lang), facts.waybill or "—"),
        (t("signed_at", lang), signed), (t("signer", lang), facts.signer or "—"),
    ]), w.space(2)]
    screens = _screens_for(d, e)
    if screens:
        links = [w.p(s, "cell", link=anchor(s)) for s in screens]
        story.append(w.table([[w.p(t("related_screens", lang), "cell"), *links]],
                             [30 * mm] + [14 * mm] * len(links), []))
    rows: list[list[Any]] = [[w.p(h, "cell") for h in (t("time", lang), t("status", lang), t("event", lang))]]
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ]
    for i, ev in enumerate(facts.events, start=1):
        label = STATUS[ev.status.value][0 if lang == "zh" else 1]
        text = ev.text + (f"({ev.location})" if ev.location and lang == "zh" else f" ({ev.location})" if ev.location else "")
        rows.append([w.p(ev.time.strftime("%Y-%m-%d %H:%M"), "cell"), w.p(label, "cell"), w.p(text, "cell")])
        if ev.status in (TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY, TrackingStatus.LOCKER):
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor(MARK_BG)))
    story.append(w.table(rows, [30 * mm, 24 * mm, FRAME_W - 54 * mm], style, repeat=1))
    return story


@dataclass(frozen=True)
class ImagePlacement:
    """Where an exhibit image goes: page number and box in PDF points (bottom-left origin)."""

    page: int
    x: float
    y: float
    width: float
    height: float
    path: Path


def fitted_size(size: tuple[int, int], max_w: float, max_h: float) -> tuple[float, float]:
    width, height = size
    scale = min(max_w / width, max_h / height, 1.0 if width > 400 else max_w / width)
    return width * scale, height * scale


def photo(w: Writer, d: DossierData, e: Exhibit, facts: PhotoFacts,
          images: list[ImagePlacement]) -> list[Flowable]:
    lang = d.lang
    camera = " ".join(x for x in (facts.make, facts.model) if x) or "—"
    taken = facts.taken_at.strftime("%Y-%m-%d %H:%M:%S %z") if facts.taken_at else "—"
    meta = kv_table(w, [(t("taken_at", lang), taken), (t("camera", lang), camera),
                        ("", f"{facts.width}×{facts.height} {facts.format}" + (f" · {facts.software}" if facts.software else ""))])
    layer = text_layer(facts, e.item.marks)
    if w.collecting and layer is not None:
        w.note(*layer.texts)  # the invisible text layer's glyphs go into the font subset
    path, size = d.images.get(e.id), d.image_sizes.get(e.id)
    if w.collecting or path is None or size is None:
        return [meta]
    width, height = fitted_size(size, FRAME_W, FRAME_H - 75 * mm)
    return [meta, w.space(2), KeepTogether([StampedImage(path, width, height, e.id, w, images, layer)])]


class StampedImage(Flowable):
    """The box of an exhibit image, with the exhibit id stamped in its top-left corner.

    The image itself is inserted in the qpdf pass (``pdf_post.place_images``), underneath the
    stamp: reportlab keeps a whole document in memory and copies it at save, so images drawn
    by reportlab made memory grow with the number of photos.
    """

    def __init__(self, path: Path, width: float, height: float, label: str, w: Writer,
                 placements: list[ImagePlacement], layer: TextLayer | None = None) -> None:
        super().__init__()
        self.path, self.width, self.height = path, width, height
        self.label, self.w, self.placements, self.layer = label, w, placements, layer

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.placements.append(ImagePlacement(self.canv.getPageNumber(), x, y, self.width,
                                              self.height, self.path))
        h = self.height
        if self.layer is not None:
            draw_text_layer(self.canv, self.w.fonts, self.layer, self.width, self.height)
        self.canv.setFillColor(colors.HexColor("#b00020"))
        self.canv.rect(0, h - 16, 34, 16, stroke=0, fill=1)
        self.canv.setFillColor(colors.white)
        self.w.fonts.draw_string(self.canv, 4, h - 12, self.label, 10)


class PdfPageSlot(Flowable):
    """A full page reserved for one page of an evidence PDF, drawn in as an image after layout."""

    def __init__(self, exhibit: str, page: int, slots: list[tuple[int, str, int]]) -> None:
        super().__init__()
        self.exhibit, self.page, self.slots = exhibit, page, slots

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.box = (avail_w, avail_h - 14)
        return avail_w, avail_h - 14

    def draw(self) -> None:
        # the page image brings its own frame (``evidence_place``), drawn round what it shows
        self.slots.append((self.canv.getPageNumber(), self.exhibit, self.page))


NOT_DRAWN = ("原文件第 {pages} 页未绘入卷宗（每份 PDF 最多绘制 {cap} 页）；原件保存在案件中，页数完整。",
             "Original pages {pages} are not drawn into the dossier (at most {cap} pages of each "
             "PDF are); the original, with every page, is kept in the case.")


def document(w: Writer, d: DossierData, e: Exhibit, facts: DocumentFacts,
             slots: list[tuple[int, str, int]]) -> list[Flowable]:
    """One page per page of the evidence PDF (at most ``MAX_DRAWN_PAGES``), each a slot the
    post-processing fills with the page drawn as an image (``evidence_render``)."""
    count = d.pdf_pages.get(e.id, facts.pages)
    drawn = min(count, MAX_DRAWN_PAGES)  # the cap: evidence_render.MAX_DRAWN_PAGES
    story: list[Flowable] = []
    if drawn < count:
        text = NOT_DRAWN[0 if d.lang == "zh" else 1]
        pages = f"{drawn + 1}–{count}" if count > drawn + 1 else str(count)
        story.append(w.p(text.format(pages=pages, cap=MAX_DRAWN_PAGES)))
    for n in range(1, drawn + 1):
        story += [PageBreak(), PageLabel(e.id), w.p(t("pdf_page", d.lang, n=n, total=count), "small")]
        if not w.collecting:
            story.append(PdfPageSlot(e.id, n, slots))
    return story


@dataclass
class ExhibitOut:
    """Where exhibit pages record what the post-processing pass fills in."""

    slots: list[tuple[int, str, int]]  # (page, exhibit, page of the evidence PDF)
    images: list[ImagePlacement]


def chat_page(w: Writer, d: DossierData, e: Exhibit, out: ExhibitOut) -> list[Flowable]:
    return chat(w, d, e, e.facts) if isinstance(e.facts, ChatFacts) else []


def tracking_page(w: Writer, d: DossierData, e: Exhibit, out: ExhibitOut) -> list[Flowable]:
    return tracking(w, d, e, e.facts) if isinstance(e.facts, TrackingFacts) else []


def photo_page(w: Writer, d: DossierData, e: Exhibit, out: ExhibitOut) -> list[Flowable]:
    if not isinstance(e.facts, PhotoFacts):
        return []
    return [*photo(w, d, e, e.facts, out.images), *screen_reading(w, d, e)]


def screen_reading(w: Writer, d: DossierData, e: Exhibit) -> list[Flowable]:
    """Below a screenshot: what was read from it — the tracking record or the messages."""
    record, messages = e.as_tracking(), e.as_chat()
    if record is None and messages is None:
        return []
    story: list[Flowable] = [w.space(3), w.p(t("read_from_image", d.lang), "h2")]
    if record is not None:
        story += tracking(w, d, e, record)
    if messages is not None:
        story += chat(w, d, e, messages)
    return story


def document_page(w: Writer, d: DossierData, e: Exhibit, out: ExhibitOut) -> list[Flowable]:
    return document(w, d, e, e.facts, out.slots) if isinstance(e.facts, DocumentFacts) else []


def exhibit_story(w: Writer, d: DossierData, slots: list[tuple[int, str, int]],
                  images: list[ImagePlacement]) -> list[Flowable]:
    """Each exhibit's heading, then its pages as the kinds table's ``exhibit`` draws them."""
    out = ExhibitOut(slots, images)
    story: list[Flowable] = [Anchor("exhibits", t("exhibits", d.lang), 0, "")]
    for e in d.ctx.exhibits:
        story += heading(w, d, e)
        story += spec(e.facts.kind).call("exhibit", w, d, e, out)
        story.append(PageBreak())
    return story
