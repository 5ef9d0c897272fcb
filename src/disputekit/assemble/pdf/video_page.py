"""The video exhibit page: its facts (capture time and where it came from, device, length,
editing, truncation), a contact sheet of keyframes with their times, and each frame the
agent marked (``disputekit mark CASE E7 --at 00:41``) shown large on its own page."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from disputekit.assemble.pdf.dossier_data import DossierData
from disputekit.assemble.pdf.exhibits import FRAME_H, ExhibitOut, StampedImage, fitted_size
from disputekit.assemble.pdf.labels import t
from disputekit.assemble.pdf.layout import PageLabel
from disputekit.assemble.pdf.sections import FRAME_W, kv_table
from disputekit.assemble.pdf.story import Writer
from disputekit.assemble.video_images import frame_key
from disputekit.models.video import VideoFacts
from disputekit.text.evidence import clock
from disputekit.validate.rules.context import Exhibit


def _facts_rows(facts: VideoFacts, lang: str) -> list[tuple[str, str]]:
    taken = facts.taken_at.strftime("%Y-%m-%d %H:%M:%S %z") if facts.taken_at else "—"
    if facts.taken_at and facts.taken_at_source:
        taken += f" ({t('video_time_' + facts.taken_at_source, lang)})"
    device = " ".join(x for x in (facts.make, facts.model) if x) or "—"
    width, height = facts.upright_size
    if facts.edited:
        edited = t("video_edited_by", lang, tool=facts.edited_by or "?")
    else:
        edited = t("video_not_edited" if facts.edited is False else "video_edit_unknown", lang)
    rows = [
        (t("taken_at", lang), taken), (t("camera", lang), device),
        (t("video_length", lang), clock(facts.duration_s)),
        ("", f"{width}×{height} {facts.format} · {facts.video_codec}"
         + (f" · {facts.encoder}" if facts.encoder else "")),
        (t("video_editing", lang), edited),
    ]
    if facts.truncated:
        rows.append((t("video_truncated", lang), "; ".join(facts.warnings) or "—"))
    return rows


def _image(w: Writer, d: DossierData, key: str, label: str, out: ExhibitOut,
           max_h: float) -> list[Flowable]:
    path, size = d.images.get(key), d.image_sizes.get(key)
    if w.collecting or path is None or size is None:
        return []
    width, height = fitted_size(size, FRAME_W, max_h)
    return [KeepTogether([StampedImage(path, width, height, label, w, out.images)])]


def video_page(w: Writer, d: DossierData, e: Exhibit, out: ExhibitOut) -> list[Flowable]:
    facts = e.facts
    if not isinstance(facts, VideoFacts):
        return []
    lang = d.lang
    story: list[Flowable] = [kv_table(w, _facts_rows(facts, lang)), w.space(2)]
    if e.id in d.images or w.collecting:
        story.append(w.p(t("video_sheet", lang), "small"))
        story += _image(w, d, e.id, e.id, out, FRAME_H - 90 * mm)
    else:
        story.append(w.p(t("video_no_frames", lang)))
    for seconds in e.item.frames:
        key = frame_key(e.id, seconds)
        story += [PageBreak(), PageLabel(e.id),
                  w.p(t("video_marked_frame", lang, at=clock(seconds)), "h1")]
        if key in d.images or w.collecting:
            story += _image(w, d, key, e.id, out, FRAME_H - 30 * mm)
        else:
            story.append(w.p(t("video_frame_missing", lang, at=clock(seconds))))
    return story
