"""Rules on the image file itself: a damaged photo or screenshot is named with what its decoder
said (collect/parse/imageio.py and image_damage.py record it as ``decode_warnings``)."""

from __future__ import annotations

from disputekit.models.facts import PhotoFacts
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W = Severity.WARNING
SHOWN = 3
"""Decoder complaints quoted per exhibit; the rest are counted (``inspect`` lists them all)."""

TRUNCATED_IMAGE = "图片文件不完整"
"""Before ``decode_warnings`` existed the truncation note was kept in ``warnings``; such
evidence.json still loads and is still judged."""


def complaints(facts: PhotoFacts) -> list[str]:
    """What the decoder said about this image, old evidence.json included."""
    old = [w for w in facts.warnings if w.startswith(TRUNCATED_IMAGE)]
    return [*facts.decode_warnings, *(w for w in old if w not in facts.decode_warnings)]


def split_note(note: str) -> tuple[str, str]:
    """A "zh / en" note as (zh, en). A quoted decoder line appears in both halves, so the
    separator is the middle " / "; a note of one language is used for both."""
    parts = note.split(" / ")
    if len(parts) % 2 == 0:
        middle = len(parts) // 2
        return " / ".join(parts[:middle]), " / ".join(parts[middle:])
    return note, note


@rule("photo.damaged", W, zh="图片文件完好，解码时没有报错", en="Image file intact: decoded without complaint",
      source="collect/parse/imageio.py, image_damage.py (decoder warnings, truncation, header "
      "checks); S1 Art. 9 (evidence must be complete and legible)")
def damaged(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in ctx.photos():
        said = complaints(f)
        if not said:
            continue
        halves = [split_note(n) for n in said[:SHOWN]]
        more = len(said) - SHOWN
        zh = "；".join(h[0] for h in halves) + (f"；另有 {more} 条" if more > 0 else "")
        en = "; ".join(h[1] for h in halves) + (f"; and {more} more" if more > 0 else "")
        what = "截图" if f.kind == "screenshot" else "照片"
        out.append(make(W,
            f"{e.id} 的{what}文件有损坏，解码时报告：{zh}。画面可能不完整或有错误，请提供完好的原图。",
            f"{e.id}: the {f.kind} file is damaged; its decoder reported: {en}. The picture may be "
            "incomplete or wrong; provide an undamaged original.",
            [e.id]))
    return out
