"""A bar chart of outcomes by refusal ground, as PNG, drawn with Pillow (no matplotlib)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from disputekit.archive.record import OUTCOMES
from disputekit.archive.stats import PENDING, Stats
from disputekit.store.atomic import atomic_write_bytes

COLOURS = {
    "won": (46, 160, 67), "withdrawn": (140, 200, 120), "agreed": (70, 130, 200),
    "partial": (240, 170, 60), "lost": (210, 60, 50), PENDING: (170, 170, 170),
}
WIDTH, BAR_H, GAP, LEFT, TOP, RIGHT = 900, 26, 12, 210, 70, 60


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def render_chart(stats: Stats) -> bytes:
    """PNG bytes: one stacked bar per ground, segments by outcome, with a legend."""
    grounds = list(stats.by_ground.items()) or [("(no cases)", {})]
    height = TOP + len(grounds) * (BAR_H + GAP) + 60
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    rate = f"{stats.win_rate:.0%}" if stats.win_rate is not None else "n/a"
    draw.text((20, 16), f"Outcomes by ground — {stats.cases} cases, win rate {rate}",
              fill="black", font=_font(20))
    widest = max((sum(c.values()) for _, c in grounds), default=1) or 1
    scale = (WIDTH - LEFT - RIGHT) / widest
    small = _font(14)
    for row, (ground, counts) in enumerate(grounds):
        y = TOP + row * (BAR_H + GAP)
        draw.text((20, y + 5), ground, fill="black", font=small)
        x = float(LEFT)
        for outcome in (*OUTCOMES, PENDING):
            n = counts.get(outcome, 0)
            if n:
                draw.rectangle([x, y, x + n * scale - 1, y + BAR_H], fill=COLOURS[outcome])
                x += n * scale
        draw.text((x + 6, y + 5), str(sum(counts.values())), fill="black", font=small)
    _legend(draw, height - 40, small)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _legend(draw: ImageDraw.ImageDraw, y: int, font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
            ) -> None:
    x = 20
    for outcome in (*OUTCOMES, PENDING):
        draw.rectangle([x, y, x + 14, y + 14], fill=COLOURS[outcome])
        draw.text((x + 20, y - 1), outcome, fill="black", font=font)
        x += 40 + int(draw.textlength(outcome, font=font))


def write_chart(stats: Stats, path: Path) -> Path:
    atomic_write_bytes(path, render_chart(stats))
    return path
