"""A bar chart of outcomes by refusal ground, as PNG, drawn with Pillow (no matplotlib).

Labels are in the user's language, set in Noto Sans CJK SC (a dependency); ground names come
from the platform profile.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from disputekit.archive.record import OUTCOMES
from disputekit.archive.stats import PENDING, Stats
from disputekit.errors import DisputekitError
from disputekit.i18n import pick
from disputekit.profiles.load import load_profile, shipped_platforms
from disputekit.store.atomic import atomic_write_bytes
from disputekit.text.archive import OUTCOME_ZH

Font = ImageFont.ImageFont | ImageFont.FreeTypeFont

COLOURS = {
    "won": (46, 160, 67), "withdrawn": (140, 200, 120), "agreed": (70, 130, 200),
    "partial": (240, 170, 60), "lost": (210, 60, 50), PENDING: (170, 170, 170),
}
WIDTH, BAR_H, GAP, LEFT, TOP, RIGHT = 1000, 26, 12, 300, 70, 60


@cache
def _face() -> tuple[str, int] | None:
    """(path, index) of Noto Sans CJK SC in the installed OTC, or None."""
    from disputekit.assemble.pdf.fontbuild import cjk_font_path

    try:
        path = str(cjk_font_path())
    except DisputekitError:
        return None
    for index in range(16):
        try:
            if ImageFont.truetype(path, 12, index=index).getname()[0] == "Noto Sans CJK SC":
                return path, index
        except OSError:
            break
    return None


def _font(size: int) -> Font:
    face = _face()
    return ImageFont.truetype(face[0], size, index=face[1]) if face else \
        ImageFont.load_default(size=size)


def _ground_label(ground: str, lang: str) -> str:
    if _face() is None:
        return ground
    for platform in shipped_platforms():  # ground ids are shared; the first profile naming it
        found = load_profile(platform).grounds.get(ground)
        if found is not None:
            return pick(found.name_zh, found.name_en, lang)
    return ground


def _fit(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> str:
    """``text``, shortened with an ellipsis to fit ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def _outcome_label(outcome: str, lang: str) -> str:
    return pick(OUTCOME_ZH.get(outcome, outcome), outcome, lang) if _face() else outcome


def render_chart(stats: Stats, lang: str = "en") -> bytes:
    """PNG bytes: one stacked bar per ground, segments by outcome, with a legend."""
    grounds = list(stats.by_ground.items()) or [(pick("（无案件）", "(no cases)", lang), {})]
    height = TOP + len(grounds) * (BAR_H + GAP) + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    rate = f"{stats.win_rate:.0%}" if stats.win_rate is not None else "n/a"
    title = pick(f"按拒绝理由的结果：{stats.cases} 个案件，胜率 {rate}",
                 f"Outcomes by ground: {stats.cases} cases, win rate {rate}", lang)
    draw.text((20, 16), title, fill="black", font=_font(20))
    widest = max((sum(c.values()) for _, c in grounds), default=1) or 1
    scale = (WIDTH - LEFT - RIGHT) / widest
    small = _font(14)
    for row, (ground, counts) in enumerate(grounds):
        y = TOP + row * (BAR_H + GAP)
        label = _fit(draw, _ground_label(ground, lang), small, LEFT - 30)
        draw.text((20, y + 3), label, fill="black", font=small)
        x = float(LEFT)
        for outcome in (*OUTCOMES, PENDING):
            n = counts.get(outcome, 0)
            if n:
                draw.rectangle([x, y, x + n * scale - 1, y + BAR_H], fill=COLOURS[outcome])
                x += n * scale
        draw.text((x + 6, y + 3), str(sum(counts.values())), fill="black", font=small)
    _legend(draw, height - 40, small, lang)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, y: int, font: Font, lang: str) -> None:
    x = 20
    for outcome in (*OUTCOMES, PENDING):
        label = _outcome_label(outcome, lang)
        draw.rectangle([x, y, x + 14, y + 14], fill=COLOURS[outcome])
        draw.text((x + 20, y - 3), label, fill="black", font=font)
        x += 40 + int(draw.textlength(label, font=font))


def write_chart(stats: Stats, path: Path, lang: str = "en") -> Path:
    atomic_write_bytes(path, render_chart(stats, lang))
    return path
