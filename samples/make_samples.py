#!/usr/bin/env python3
"""Generate the two sample dispute cases that ship with disputekit.

    python samples/make_samples.py

Writes ``signed-not-received/`` and ``returned-not-ours/`` next to this file:
case.toml, a Qianniu chat export, kuaidi100-style tracking JSON, "photos"
(rendered JPEGs with iPhone-like EXIF) and phone-style tracking screenshots.

Everything is deterministic: fixed seeds, fixed timestamps, no network, no
clock reads. Rerunning overwrites the files with byte-identical output (for a
given Pillow/libjpeg/numpy build). All names, numbers and addresses are
fictitious.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
SS = 2  # photos are drawn at 2x and downsampled (anti-aliasing)
PHOTO_SIZE = (1440, 1080)
SHOT_DRAW = (1080, 1920)  # screenshots are drawn at phone resolution ...
SHOT_SIZE = (720, 1280)  # ... and stored scaled down

TAOBAO_ORANGE = (255, 80, 0)
BLACK = (22, 22, 22)


# --------------------------------------------------------------------------- fonts


def _font_file() -> str:
    try:
        from noto_cjk_sans_otc import FONT_PATH  # OFL-1.1, a disputekit dependency

        return str(FONT_PATH)
    except ImportError:
        for entry in sys.path:
            hit = Path(entry) / "noto_cjk_sans_otc" / "NotoSansCJK-Regular.ttc"
            if hit.is_file():
                return str(hit)
    raise SystemExit("noto-cjk-sans-otc is not installed (pip install noto-cjk-sans-otc)")


@lru_cache(maxsize=1)
def _sc_face() -> tuple[str, int]:
    """The collection index of the Simplified Chinese face (by name, not by guess)."""
    path = _font_file()
    for index in range(16):
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if face.getname()[0] == "Noto Sans CJK SC":
            return path, index
    raise SystemExit(f"no 'Noto Sans CJK SC' face in {path}")


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _sc_face()
    return ImageFont.truetype(path, int(size), index=index)


def text(draw, xy, s, size, fill=BLACK, bold=False, anchor="la"):
    """Draw text; 'bold' is faked with a stroke (the package ships Regular only)."""
    stroke = max(1, round(size / 28)) if bold else 0
    draw.text(
        xy, s, font=font(size), fill=fill, anchor=anchor, stroke_width=stroke, stroke_fill=fill
    )


def text_width(s, size, bold=False):
    return font(size).getlength(s) + (2 * max(1, round(size / 28)) if bold else 0)


_NO_LINE_START = set("，。、；：？！）》】」』”’,.;:?!)]")
_NO_LINE_END = set("（《【「『“‘([")


def wrap(s, size, max_width):
    """Greedy per-character wrap; simple kinsoku: no line starts with '）' or ends with '【'."""
    lines, cur = [], ""
    for ch in s:
        if text_width(cur + ch, size) > max_width and cur and ch not in _NO_LINE_START:
            carry = ""
            while cur and cur[-1] in _NO_LINE_END:
                carry = cur[-1] + carry
                cur = cur[:-1]
            lines.append(cur)
            cur = carry + ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def fit_size(s, size, max_width, bold=False, minimum=14):
    while size > minimum and text_width(s, size, bold) > max_width:
        size -= 1
    return size


# --------------------------------------------------------------------------- barcodes

# Code 128 module widths (bar, space, bar, ...) for values 0..106 (106 = stop).
_C128 = (  # noqa: SIM905 (one table, easier to proof-read as text)
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 "
    "112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 "
    "311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 "
    "112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 "
    "313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 "
    "122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 "
    "124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 "
    "114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112"
).split()


def code128b_modules(data: str) -> list[int]:
    """A real Code 128 (set B) symbol as alternating bar/space widths."""
    values = [104] + [ord(c) - 32 for c in data]
    check = (104 + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    widths: list[int] = []
    for v in [*values, check, 106]:
        widths.extend(int(w) for w in _C128[v])
    return widths


def draw_barcode(draw, x, y, data, module, height, fill=BLACK):
    cx = x
    for i, w in enumerate(code128b_modules(data)):
        if i % 2 == 0:
            draw.rectangle([cx, y, cx + w * module - 1, y + height], fill=fill)
        cx += w * module
    return cx - x


def barcode_width(data, module):
    return sum(code128b_modules(data)) * module


def draw_fake_qr(draw, x, y, cell, seed, fill=BLACK):
    """A QR-looking block (finder squares + seeded modules). Decorative only."""
    rng = np.random.default_rng(seed)
    n = 25
    grid = rng.random((n, n)) < 0.48
    for gx, gy in ((0, 0), (n - 7, 0), (0, n - 7)):
        grid[gy : gy + 8 if gy == 0 else n, gx : gx + 8 if gx == 0 else n] = False
    for r in range(n):
        for c in range(n):
            if grid[r, c]:
                draw.rectangle(
                    [x + c * cell, y + r * cell, x + (c + 1) * cell - 1, y + (r + 1) * cell - 1],
                    fill=fill,
                )
    for gx, gy in ((0, 0), (n - 7, 0), (0, n - 7)):
        ox, oy = x + gx * cell, y + gy * cell
        draw.rectangle([ox, oy, ox + 7 * cell - 1, oy + 7 * cell - 1], fill=fill)
        draw.rectangle(
            [ox + cell, oy + cell, ox + 6 * cell - 1, oy + 6 * cell - 1], fill=(250, 250, 246)
        )
        draw.rectangle(
            [ox + 2 * cell, oy + 2 * cell, ox + 5 * cell - 1, oy + 5 * cell - 1], fill=fill
        )


# --------------------------------------------------------------------------- geometry


def _perspective_coeffs(dst, src):
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.append(v)
    return np.linalg.solve(np.array(rows, float), np.array(rhs, float)).tolist()


def paste_quad(canvas: Image.Image, sprite: Image.Image, quad):
    """Warp an RGBA sprite onto quad (TL, TR, BR, BL) of an RGBA canvas."""
    top = math.dist(quad[0], quad[1])
    left = math.dist(quad[0], quad[3])
    # pre-shrink so the bicubic warp is not asked to minify a lot (aliasing)
    scale = max(top / sprite.width, left / sprite.height) * 1.25
    if scale < 1:
        sprite = sprite.resize(
            (max(2, round(sprite.width * scale)), max(2, round(sprite.height * scale))),
            Image.LANCZOS,
        )
    w, h = sprite.size
    coeffs = _perspective_coeffs(quad, [(0, 0), (w, 0), (w, h), (0, h)])
    warped = sprite.transform(canvas.size, Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    canvas.alpha_composite(warped)


def drop_shadow(canvas, polygon=None, ellipse=None, blur=30, alpha=110, offset=(0, 0)):
    layer = Image.new("L", canvas.size, 0)
    d = ImageDraw.Draw(layer)
    if polygon is not None:
        d.polygon([(x + offset[0], y + offset[1]) for x, y in polygon], fill=alpha)
    if ellipse is not None:
        x0, y0, x1, y1 = ellipse
        d.ellipse([x0 + offset[0], y0 + offset[1], x1 + offset[0], y1 + offset[1]], fill=alpha)
    layer = layer.filter(ImageFilter.GaussianBlur(blur))
    shade = Image.new("RGBA", canvas.size, (20, 14, 8, 0))
    shade.putalpha(layer)
    canvas.alpha_composite(shade)


# --------------------------------------------------------------------------- textures


def _smooth_noise(rng, w, h, cell, cell_y=None):
    cell_y = cell_y or cell
    small = rng.normal(size=(max(2, h // cell_y + 2), max(2, w // cell + 2))).astype(np.float32)
    img = Image.fromarray(((small - small.min()) / (np.ptp(small) + 1e-6) * 255).astype(np.uint8))
    return np.asarray(img.resize((w, h), Image.BICUBIC), np.float32) / 255.0


def wood_table(w, h, seed):
    rng = np.random.default_rng(seed)
    y = np.arange(h, dtype=np.float32)[:, None]
    x = np.arange(w, dtype=np.float32)[None, :]
    warp = _smooth_noise(rng, w, h, 700, 160)
    streak = _smooth_noise(rng, w, h, 90, 3)
    rings = 0.5 + 0.5 * np.sin(y / h * 150 + warp * 4.0 + x / w * 0.8)
    rings = rings**3  # thin dark late-wood lines
    t = np.clip(0.45 * rings + 0.55 * streak, 0, 1)[..., None]
    light = np.array([214, 178, 134], np.float32)
    dark = np.array([168, 124, 84], np.float32)
    rgb = light * (1 - t) + dark * t
    for seam in (0.31, 0.67):  # plank seams
        sy = int(h * seam)
        rgb[sy : sy + 3 * SS] *= 0.62
    return rgb


def grey_table(w, h, seed):
    rng = np.random.default_rng(seed)
    n = _smooth_noise(rng, w, h, 300)[..., None]
    base = np.array([196, 199, 202], np.float32)
    return base * (0.94 + 0.08 * n)


def cutting_mat(w, h, seed):
    rng = np.random.default_rng(seed)
    n = _smooth_noise(rng, w, h, 300)[..., None]
    rgb = np.array([38, 108, 84], np.float32) * (0.92 + 0.1 * n)
    step = 56 * SS
    for i in range(0, max(w, h), step):
        rgb[:, i : i + SS] = rgb[:, i : i + SS] * 0.5 + np.array([210, 226, 214]) * 0.5
        rgb[i : i + SS, :] = rgb[i : i + SS, :] * 0.5 + np.array([210, 226, 214]) * 0.5
    return rgb


def kraft_face(w, h, seed, base=(196, 150, 98), shade=1.0):
    rng = np.random.default_rng(seed)
    fib = _smooth_noise(rng, w, h, 5)
    blot = _smooth_noise(rng, w, h, 90)
    t = (0.92 + 0.06 * fib + 0.06 * blot)[..., None] * shade
    rgb = np.clip(np.array(base, np.float32) * t, 0, 255).astype(np.uint8)
    return Image.fromarray(rgb, "RGB").convert("RGBA")


def solid_face(w, h, rgb, grad=0.0):
    ys = np.linspace(1 + grad, 1 - grad, h, dtype=np.float32)[:, None, None]
    arr = np.clip(np.array(rgb, np.float32)[None, None, :] * ys * np.ones((1, w, 1)), 0, 255)
    return Image.fromarray(arr.astype(np.uint8), "RGB").convert("RGBA")


def to_rgba(arr):
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").convert("RGBA")


# --------------------------------------------------------------------------- objects


def mug_sprite(w, h, body, seed, band=None, speckle=False):
    """A ceramic mug (cylinder + handle), shaded, RGBA."""
    rng = np.random.default_rng(seed)
    eh = int(w * 0.30)
    hw = int(w * 0.42)
    W, H = w + hw, h + eh
    img = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    darker = tuple(int(c * 0.78) for c in body)
    d.ellipse(
        [w - hw * 0.55, eh / 2 + h * 0.16, w + hw * 0.8, eh / 2 + h * 0.70],
        outline=(*darker, 255),
        width=int(w * 0.11),
    )
    d.rectangle([0, eh / 2, w, h], fill=(*body, 255))
    d.ellipse([0, h - eh / 2, w, h + eh / 2 - 1], fill=(*body, 255))
    if speckle:
        for _ in range(int(w * h / 900)):
            sx, sy = rng.uniform(0, w), rng.uniform(eh * 0.6, h + eh * 0.3)
            r = rng.uniform(0.6, 1.8) * SS
            d.ellipse([sx - r, sy - r, sx + r, sy + r], fill=(70, 70, 72, 200))
    if band:
        for k, off in enumerate((0.62, 0.69)):
            yb = eh / 2 + h * off
            d.arc(
                [0, yb - eh / 2, w, yb + eh / 2],
                0,
                180,
                fill=(*band, 255),
                width=int(SS * (6 if k == 0 else 2)),
            )
    rim = tuple(min(255, int(c * 1.06 + 8)) for c in body)
    d.ellipse([0, 0, w, eh], fill=(*rim, 255))
    inside = tuple(int(c * 0.55) for c in body)
    d.ellipse([w * 0.045, eh * 0.12, w * 0.955, eh * 0.9], fill=(*inside, 255))
    d.ellipse(
        [w * 0.2, eh * 0.45, w * 0.8, eh * 0.9], fill=(*tuple(int(c * 0.68) for c in body), 255)
    )
    arr = np.asarray(img, np.float32).copy()
    xs = np.linspace(-1, 1, w, dtype=np.float32)
    shade = 0.58 + 0.48 * np.clip(np.cos((xs + 0.3) * np.pi / 2.3), 0, 1)
    shade += 0.22 * np.exp(-((xs + 0.5) ** 2) / 0.008)  # specular streak
    arr[eh // 2 + 2 :, :w, :3] *= shade[None, :, None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGBA")


def place_mug(canvas, x, y, w, h, body, seed, band=None, speckle=False, shadow=True):
    m = mug_sprite(w, h, body, seed, band, speckle)
    if shadow:
        drop_shadow(
            canvas,
            ellipse=(x - w * 0.05, y + h - w * 0.05, x + w * 1.45, y + h + w * 0.38),
            blur=14 * SS,
            alpha=120,
            offset=(w * 0.12, 0),
        )
    canvas.alpha_composite(m, (int(x), int(y)))


def bubble_wrap(canvas, polygon, seed):
    rng = np.random.default_rng(seed)
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    d.polygon(polygon, fill=(214, 226, 232, 150))
    xs = [p[0] for p in polygon]
    ys = [p[1] for p in polygon]
    r = 11 * SS
    for yy in range(int(min(ys)), int(max(ys)), int(r * 2.3)):
        for xx in range(int(min(xs)), int(max(xs)), int(r * 2.3)):
            jx = rng.uniform(-2, 2) * SS
            d.ellipse(
                [xx + jx - r, yy - r, xx + jx + r, yy + r],
                outline=(255, 255, 255, 170),
                width=SS * 2,
            )
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).polygon(polygon, fill=255)
    layer.putalpha(Image.fromarray(np.minimum(np.asarray(layer.getchannel("A")), np.asarray(mask))))
    canvas.alpha_composite(layer)


def tape_strip(canvas, quad, color=(205, 170, 110, 150)):
    layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).polygon(quad, fill=color)
    canvas.alpha_composite(layer)


# --------------------------------------------------------------------------- labels

LABEL_W, LABEL_H = 600, 900
PAPER = (250, 250, 246)


@dataclass(frozen=True)
class Waybill:
    carrier_zh: str
    carrier_en: str
    service: str
    number: str
    sort_code: str
    hub: str
    to_name: str
    to_phone: str
    to_addr: str
    from_name: str
    from_phone: str
    from_addr: str
    goods: str
    printed: str
    extra: str = ""


def label_sprite(wb: Waybill, seed: int) -> Image.Image:
    """A 100x150 mm thermal e-waybill (电子面单), black on white."""
    img = Image.new("RGBA", (LABEL_W, LABEL_H), (*PAPER, 255))
    d = ImageDraw.Draw(img)
    W, H = LABEL_W, LABEL_H
    d.rectangle([4, 4, W - 5, H - 5], outline=BLACK, width=3)
    # header: carrier + service
    text(d, (22, 52), wb.carrier_zh, 50, bold=True, anchor="lm")
    text(d, (24 + text_width(wb.carrier_zh, 50, True), 60), wb.carrier_en, 22, anchor="lm")
    d.rectangle([W - 178, 18, W - 20, 86], outline=BLACK, width=3)
    text(d, (W - 99, 52), wb.service, 32, bold=True, anchor="mm")
    d.line([4, 104, W - 5, 104], fill=BLACK, width=3)
    # big sort code (三段码) and hub (集包地)
    text(d, (W / 2, 160), wb.sort_code, 66, bold=True, anchor="mm")
    d.line([4, 218, W - 5, 218], fill=BLACK, width=2)
    text(d, (22, 252), "集包地", 24, anchor="lm")
    text(d, (120, 252), wb.hub, 34, bold=True, anchor="lm")
    d.line([4, 288, W - 5, 288], fill=BLACK, width=2)
    # barcode + number
    module = 3 if barcode_width(wb.number, 3) <= W - 60 else 2
    bw = barcode_width(wb.number, module)
    draw_barcode(d, (W - bw) / 2, 304, wb.number, module, 118)
    text(d, (W / 2, 458), wb.number, 44, bold=True, anchor="mm")
    d.line([4, 492, W - 5, 492], fill=BLACK, width=2)
    # recipient / sender blocks
    for top, tag, name, phone, addr in (
        (500, "收", wb.to_name, wb.to_phone, wb.to_addr),
        (636, "寄", wb.from_name, wb.from_phone, wb.from_addr),
    ):
        d.rectangle([16, top + 12, 66, top + 62], fill=BLACK)
        text(d, (41, top + 37), tag, 34, fill=PAPER, bold=True, anchor="mm")
        size = 30 if tag == "收" else 24
        head = f"{name}  {phone}"
        text(d, (84, top + 8), head, fit_size(head, size, W - 104, tag == "收"), bold=tag == "收")
        for i, line in enumerate(wrap(addr, size - 4, W - 110)[:3]):
            text(d, (84, top + 16 + size + i * (size + 4)), line, size - 4)
        d.line([4, top + 128, W - 5, top + 128], fill=BLACK, width=2)
    # footer: goods, print time, QR, inspection mark
    text(d, (20, 782), f"物品：{wb.goods}", 22)
    text(d, (20, 814), f"打印时间：{wb.printed}", 20)
    if wb.extra:
        text(d, (20, 846), wb.extra, 20)
    draw_fake_qr(d, W - 128, 772, 4, seed)
    d.rectangle([W - 236, 800, W - 150, 846], outline=BLACK, width=2)
    text(d, (W - 193, 823), "已验视", 20, anchor="mm")
    return img


def sn_sticker(sn, model_line, seed, bg=(252, 252, 250), size=(440, 200), fg=BLACK):
    img = Image.new("RGBA", size, (*bg, 255))
    d = ImageDraw.Draw(img)
    w, h = size
    d.rounded_rectangle([3, 3, w - 4, h - 4], radius=14, outline=fg, width=2)
    bw = barcode_width(sn, 2)
    draw_barcode(d, (w - bw) / 2, h * 0.09, sn, 2, h * 0.34, fill=fg)
    text(d, (w / 2, h * 0.61), f"SN: {sn}", round(h * 0.19), fill=fg, bold=True, anchor="mm")
    text(d, (w / 2, h * 0.84), model_line, round(h * 0.11), fill=fg, anchor="mm")
    return img


def sticky_note(lines, seed, color=(255, 226, 90)):
    img = Image.new("RGBA", (300, 220), (*color, 255))
    d = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        text(d, (24, 30 + i * 56), line, 38, fill=(30, 40, 120))
    return img


# --------------------------------------------------------------------------- boxes


def oblique_box(canvas, x, y, w, h, dx, dy, front, top=None, side=None, shadow=True):
    """A box in oblique projection; faces are RGBA sprites (or None to skip)."""
    if shadow:
        drop_shadow(
            canvas,
            polygon=[
                (x, y + h),
                (x + w, y + h),
                (x + w + dx, y + h - dy),
                (x + w + dx * 1.6, y + h + dy * 0.4),
                (x + dx * 0.2, y + h + dy * 0.5),
            ],
            blur=18 * SS,
            alpha=150,
            offset=(dx * 0.25, 4 * SS),
        )
    if top is not None:
        paste_quad(canvas, top, [(x + dx, y - dy), (x + w + dx, y - dy), (x + w, y), (x, y)])
    if side is not None:
        paste_quad(
            canvas,
            side,
            [(x + w, y), (x + w + dx, y - dy), (x + w + dx, y + h - dy), (x + w, y + h)],
        )
    paste_quad(canvas, front, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)])


def finish_photo(canvas: Image.Image, seed: int, light=(0.25, 0.2)) -> Image.Image:
    """Lighting falloff, downsample, faint sensor noise: make the drawing photo-like."""
    rgb = np.asarray(canvas.convert("RGB"), np.float32)
    h, w = rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    lx, ly = light
    dist = np.sqrt(((xx / w) - lx) ** 2 + ((yy / h) - ly) ** 2)
    gain = 1.04 - 0.34 * dist**1.4
    rgb = rgb * gain[..., None] * np.array([1.02, 1.0, 0.96], np.float32)  # warm indoor light
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    img = img.resize(PHOTO_SIZE, Image.LANCZOS).filter(ImageFilter.GaussianBlur(0.45))
    rng = np.random.default_rng(seed)
    arr = np.asarray(img, np.float32)
    arr += rng.normal(0, 1.6, size=arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr + 0.5, 0, 255).astype(np.uint8), "RGB")


def save_photo(img: Image.Image, path: Path, taken: str, model: str, software: str):
    """JPEG q85 with the EXIF a phone would write (taken = 'YYYY:MM:DD HH:MM:SS', +08:00)."""
    exif = Image.Exif()
    exif[0x010F] = "Apple"  # Make
    exif[0x0110] = model  # Model
    exif[0x0112] = 1  # Orientation
    exif[0x0131] = software  # Software
    exif[0x0132] = taken  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = taken  # DateTimeOriginal
    sub[0x9004] = taken  # DateTimeDigitized
    sub[0x9010] = "+08:00"  # OffsetTime
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal
    sub[0x9012] = "+08:00"  # OffsetTimeDigitized
    sub[0xA002] = img.width  # PixelXDimension
    sub[0xA003] = img.height  # PixelYDimension
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=85, exif=exif.tobytes(), optimize=True)


def new_canvas(background: np.ndarray) -> Image.Image:
    return to_rgba(background)


# --------------------------------------------------------------------------- screenshots


@dataclass(frozen=True)
class Shot:
    clock: str
    title: str
    courier_zh: str
    waybill: str
    hotline: str
    status: str
    signer_line: str
    address: str
    thumb: str  # "mug" | "earbuds"
    route: tuple[str, str]
    events: list[tuple[str, str]]  # (time 'YYYY-MM-DD HH:MM:SS', context), newest first


def _event_stage(context: str) -> str:
    if "签收" in context:
        return "已签收"
    if "派件" in context or "派送" in context:
        return "派送中"
    if "揽收" in context or "收取" in context or "收件" in context:
        return "已揽收"
    return "运输中"


def _status_bar(d, clock, width):
    text(d, (72, 52), clock, 38, bold=True, anchor="lm")
    x = width - 250
    for i in range(4):  # signal bars
        bh = 12 + i * 7
        d.rounded_rectangle([x + i * 14, 64 - bh, x + i * 14 + 9, 64], radius=2, fill=BLACK)
    text(d, (x + 66, 52), "5G", 30, bold=True, anchor="lm")
    bx = width - 140
    d.rounded_rectangle([bx, 36, bx + 62, 68], radius=9, outline=(120, 120, 120), width=3)
    d.rounded_rectangle([bx + 5, 41, bx + 45, 63], radius=5, fill=BLACK)
    d.rounded_rectangle([bx + 65, 46, bx + 70, 58], radius=2, fill=(120, 120, 120))


def _map_panel(img, box, seed, route):
    rng = np.random.default_rng(seed)
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(236, 239, 229))
    for _ in range(7):  # green patches
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
        r = rng.uniform(40, 110)
        d.ellipse([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=(214, 232, 200))
    pts = [(x0, y0 + (y1 - y0) * 0.72)]
    for k in range(1, 7):  # a river
        pts.append((x0 + (x1 - x0) * k / 6, y0 + (y1 - y0) * (0.72 - 0.1 * math.sin(k * 1.3))))
    d.line(pts, fill=(170, 206, 238), width=22, joint="curve")
    for _ in range(9):  # roads
        if rng.random() < 0.5:
            yy = rng.uniform(y0, y1)
            d.line([(x0, yy), (x1, yy + rng.uniform(-60, 60))], fill=(255, 255, 255), width=9)
        else:
            xx = rng.uniform(x0, x1)
            d.line([(xx, y0), (xx + rng.uniform(-60, 60), y1)], fill=(255, 255, 255), width=9)
    a = (x0 + 170, y0 + (y1 - y0) * 0.68)
    b = (x1 - 190, y0 + (y1 - y0) * 0.34)
    n = 18
    for k in range(n):  # dashed route
        if k % 2 == 0:
            p = (a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n)
            q = (a[0] + (b[0] - a[0]) * (k + 1) / n, a[1] + (b[1] - a[1]) * (k + 1) / n)
            d.line([p, q], fill=TAOBAO_ORANGE, width=7)
    for (px, py), tag, name in ((a, "发", route[0]), (b, "收", route[1])):
        d.ellipse(
            [px - 30, py - 30, px + 30, py + 30],
            fill=TAOBAO_ORANGE if tag == "收" else (60, 60, 60),
            outline=(255, 255, 255),
            width=5,
        )
        text(d, (px, py), tag, 28, fill=(255, 255, 255), bold=True, anchor="mm")
        tw = text_width(name, 28) + 32
        d.rounded_rectangle(
            [px - tw / 2, py - 92, px + tw / 2, py - 44], radius=24, fill=(255, 255, 255)
        )
        text(d, (px, py - 68), name, 28, fill=(51, 51, 51), anchor="mm")


def _thumb(kind, size, seed):
    t = Image.new("RGBA", (size, size), (246, 246, 246, 255))
    if kind == "mug":
        t.alpha_composite(
            mug_sprite(
                int(size * 0.42), int(size * 0.5), (236, 234, 228), seed, band=(140, 150, 160)
            ),
            (int(size * 0.08), int(size * 0.24)),
        )
        t.alpha_composite(
            mug_sprite(int(size * 0.34), int(size * 0.42), (150, 170, 186), seed + 1, speckle=True),
            (int(size * 0.5), int(size * 0.4)),
        )
    else:
        d = ImageDraw.Draw(t)
        d.rounded_rectangle(
            [size * 0.2, size * 0.3, size * 0.8, size * 0.78],
            radius=int(size * 0.16),
            fill=(255, 255, 255),
            outline=(210, 210, 210),
            width=3,
        )
        d.line([size * 0.2, size * 0.46, size * 0.8, size * 0.46], fill=(200, 200, 200), width=3)
        d.ellipse([size * 0.48, size * 0.58, size * 0.52, size * 0.62], fill=(120, 200, 120))
    return t


def tracking_screenshot(shot: Shot, path: Path, seed: int):
    W, H = SHOT_DRAW
    img = Image.new("RGB", (W, H), (244, 244, 244))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, W, 210], fill=(255, 255, 255))
    _status_bar(d, shot.clock, W)
    d.line([(70, 126), (46, 152), (70, 178)], fill=BLACK, width=6, joint="curve")
    text(d, (W / 2, 152), shot.title, 44, bold=True, anchor="mm")
    for i in range(3):
        d.ellipse([W - 110 + i * 24, 146, W - 98 + i * 24, 158], fill=BLACK)
    d.line([0, 209, W, 209], fill=(230, 230, 230), width=2)
    _map_panel(img, (0, 210, W, 560), seed, shot.route)
    d = ImageDraw.Draw(img)

    # summary card
    top = 520
    d.rounded_rectangle([24, top, W - 24, top + 300], radius=28, fill=(255, 255, 255))
    img.paste(_thumb(shot.thumb, 170, seed).convert("RGB"), (56, top + 40))
    text(d, (256, top + 60), shot.status, 52, fill=TAOBAO_ORANGE, bold=True, anchor="lm")
    text(
        d,
        (256, top + 130),
        f"{shot.courier_zh}  {shot.waybill}",
        34,
        fill=(51, 51, 51),
        anchor="lm",
    )
    cx = 256 + text_width(f"{shot.courier_zh}  {shot.waybill}", 34) + 20
    d.rounded_rectangle(
        [cx, top + 110, cx + 86, top + 150], radius=20, outline=(180, 180, 180), width=2
    )
    text(d, (cx + 43, top + 130), "复制", 26, fill=(102, 102, 102), anchor="mm")
    text(d, (256, top + 190), shot.signer_line, 32, fill=(102, 102, 102), anchor="lm")
    text(d, (256, top + 245), f"官方电话 {shot.hotline}", 30, fill=(64, 128, 220), anchor="lm")

    # timeline card
    top2 = top + 324
    d.rounded_rectangle([24, top2, W - 24, H + 40], radius=28, fill=(255, 255, 255))
    d.ellipse([60, top2 + 38, 116, top2 + 94], fill=(255, 255, 255), outline=TAOBAO_ORANGE, width=4)
    text(d, (88, top2 + 66), "收", 28, fill=TAOBAO_ORANGE, bold=True, anchor="mm")
    for i, line in enumerate(wrap(f"收货地址：{shot.address}", 32, W - 220)[:2]):
        text(d, (146, top2 + 48 + i * 46), line, 32, fill=(51, 51, 51))
    y = top2 + 160
    prev_node = (88, top2 + 94)
    last_stage = None
    for k, (when, context) in enumerate(shot.events):
        if y > H - 80:
            break
        stage = _event_stage(context)
        first = k == 0
        node = (88, y + 22)
        d.line([prev_node, (88, node[1])], fill=(222, 222, 222), width=4)
        if first:
            d.ellipse([node[0] - 24, node[1] - 24, node[0] + 24, node[1] + 24], fill=TAOBAO_ORANGE)
            d.line(
                [(node[0] - 11, node[1]), (node[0] - 3, node[1] + 9), (node[0] + 12, node[1] - 9)],
                fill=(255, 255, 255),
                width=5,
            )
        else:
            r = 13 if stage != last_stage else 8
            d.ellipse([node[0] - r, node[1] - r, node[0] + r, node[1] + r], fill=(200, 200, 200))
        prev_node = node
        main = (51, 51, 51) if first else (153, 153, 153)
        if stage != last_stage:
            text(
                d, (146, y + 4), stage, 38, fill=TAOBAO_ORANGE if first else (90, 90, 90), bold=True
            )
            y += 58
        for line in wrap(context, 32, W - 220):
            text(d, (146, y), line, 32, fill=main)
            y += 46
        text(d, (146, y + 4), when[5:16], 28, fill=(170, 170, 170))
        y += 72
        last_stage = stage
    d.rounded_rectangle([W / 2 - 140, H - 22, W / 2 + 140, H - 12], radius=5, fill=BLACK)
    out = img.resize(SHOT_SIZE, Image.LANCZOS)
    path.parent.mkdir(parents=True, exist_ok=True)
    out.save(path, "PNG", optimize=True)


# --------------------------------------------------------------------------- writers


def write_text(path: Path, content: str, encoding: str, newline: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.replace("\r\n", "\n").replace("\n", newline).encode(encoding)  # strict
    path.write_bytes(data)


def qianniu_export(items) -> str:
    """Render chat items as 千牛 copy-paste text.

    items: ("msg", sender, 'YYYY-MM-DD HH:MM:SS', body, status|None) |
           ("line", text)  (transfer / recall / system lines, verbatim)
    Header is `昵称 YYYY-M-D H:MM:SS` (no zero padding), body lines follow.
    """
    out: list[str] = []
    for item in items:
        if item[0] == "line":
            out.append(item[1])
            continue
        _, sender, when, body, status = item
        date, clock = when.split(" ")
        y, m, dd = date.split("-")
        hh, mm, ss = clock.split(":")
        out.append(f"{sender} {int(y)}-{int(m)}-{int(dd)} {int(hh)}:{mm}:{ss}")
        out.extend(body.split("\n"))
        if status:
            out.append(status)
    return "\n".join(out) + "\n"


def kuaidi100(com: str, number: str, events) -> str:
    """events: (time, context, location), newest first; last one signed -> state 3."""
    doc = {
        "message": "ok",
        "nu": number,
        "ischeck": "1",
        "condition": "F00",
        "com": com,
        "status": "200",
        "state": "3",
        "data": [{"time": t, "ftime": t, "context": c, "location": loc} for t, c, loc in events],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# =========================================================================== case A

A_ORDER = "3712345678901234567"
A_WAYBILL = "73518294603127"  # 中通: ^7[3-8]\d{12}$
A_BUYER = "tb_小明2021"
A_SHOP = "悦家旗舰店"
A_MEI = "悦家旗舰店:小美"
A_LIN = "悦家旗舰店:小林"
A_ITEM = "北欧陶瓷马克杯 2只装"

A_CASE = f"""\
# Sample case A: buyer says "not received", but the courier recorded 本人 signing.
# All names and numbers are fictitious. Times are China Standard Time (UTC+8).
schema_version = 1
platform = "taobao"
order_id = "{A_ORDER}"
refund_id = "20250420001"
buyer = "{A_BUYER}"
seller = "{A_SHOP}"
amount = "128.50"                # a string keeps the trailing zero
currency = "CNY"
refund_type = "refund_only"        # 仅退款
refund_phase = "onsale"            # 售中: the trade is not finished yet
state = "waiting_seller_agree"     # 待商家处理
order_status = "signed"
item_title = "{A_ITEM}"

ordered_at = "2025-04-15 21:33:08"
paid_at = "2025-04-15 21:33:40"
shipped_at = "2025-04-16 15:20"
signed_at = "2025-04-18 14:05"
requested_at = "2025-04-20 10:02"
state_since = "2025-04-20 10:02"
deadline = "2025-04-25 10:02"      # the 千牛 countdown

ground = "goods_signed"
buyer_claim = "买家称未收到货"
agent = "客服小林"
lang = "zh"

[shipment]
waybill = "{A_WAYBILL}"
courier = "zhongtong"
"""

A_CHAT = [
    ("line", "当前用户来自 手机淘宝"),
    ("msg", A_BUYER, "2025-04-19 20:13:05", "你好，在吗", None),
    ("msg", A_BUYER, "2025-04-19 20:13:31", f"我买的杯子怎么还没到？订单号{A_ORDER}", None),
    (
        "msg",
        A_MEI,
        "2025-04-19 20:14:02",
        "亲，您好，小美在的哦~ 这边马上帮您查询物流，请稍等",
        "已读",
    ),
    (
        "msg",
        A_MEI,
        "2025-04-19 20:15:47",
        f"亲，帮您查到了，您的包裹是中通快递，运单号{A_WAYBILL}，\n"
        "物流显示4月18日14:05已经签收了，签收人是本人哦",
        None,
    ),
    (
        "msg",
        A_MEI,
        "2025-04-19 20:16:20",
        "您买的是这款宝贝对吧：https://item.taobao.com/item.htm?id=712345678901",
        "已读",
    ),
    ("msg", A_BUYER, "2025-04-19 20:17:38", "对，就是这个", None),
    (
        "msg",
        A_BUYER,
        "2025-04-19 20:17:52",
        "可是我没收到啊，什么本人签收，我那天下午都在公司",
        None,
    ),
    (
        "msg",
        A_MEI,
        "2025-04-19 20:19:10",
        "亲，您看一下是不是放在门口、快递柜，或者家人、物业、门卫帮忙代收了呢？",
        None,
    ),
    ("msg", A_BUYER, "2025-04-19 20:21:44", "都没有，我回来没看到什么快递", None),
    (
        "msg",
        A_MEI,
        "2025-04-19 20:23:05",
        "好的亲，这边帮您联系中通派件网点核实一下签收情况，明天上午给您回复可以吗？",
        "已读",
    ),
    ("msg", A_BUYER, "2025-04-19 20:23:40", "行吧，尽快", None),
    ("msg", A_BUYER, "2025-04-20 09:48:21", "查到了没有？", None),
    ("msg", A_BUYER, "2025-04-20 09:58:36", "这么久没回复，我先申请退款了", None),
    ("msg", A_BUYER, "2025-04-20 10:03:12", "已经申请了，仅退款，没收到货就退钱", None),
    ("msg", A_MEI, "2025-04-20 10:04:02", "亲，抱歉让您久等了，这边帮您转接售后客服处理哦", "已读"),
    ("line", f"{A_MEI} --> {A_LIN} 2025-04-20 10:05:11"),
    ("msg", A_LIN, "2025-04-20 10:06:30", "您好，我是售后客服小林，您的退款申请我这边看到了", None),
    (
        "msg",
        A_LIN,
        "2025-04-20 10:08:15",
        "我们已经和中通杭州西湖文三网点核实过了，派件员说4月18日14:05是送货上门，"
        "当面交给收件人签收的，系统登记的签收人是“本人”",
        "已读",
    ),
    (
        "msg",
        A_LIN,
        "2025-04-20 10:09:02",
        "收件地址是浙江省杭州市西湖区文三路**号，收件人电话尾号5621，您看信息都对吗？",
        None,
    ),
    ("msg", A_BUYER, "2025-04-20 10:10:48", "地址是对的", None),
    ("line", f"{A_BUYER} 撤回了一条消息"),
    (
        "msg",
        A_BUYER,
        "2025-04-20 10:11:25",
        "但我真的没收到啊，你们总不能说签收了就是签收了吧",
        None,
    ),
    (
        "msg",
        A_LIN,
        "2025-04-20 10:13:10",
        "亲，理解您着急，签收记录和派件员的反馈是一致的。麻烦您再问一下家里人有没有帮忙拿快递哦，"
        "箱子上贴的是中通快递的面单",
        None,
    ),
    (
        "msg",
        A_LIN,
        "2025-04-20 10:14:02",
        "包裹是一个黄色纸箱，里面是两只马克杯，一只白色一只雾蓝色",
        "已读",
    ),
    ("msg", A_BUYER, "2025-04-20 10:27:45", "哦家里人可能拿了吧，我晚上回去问问", None),
    ("msg", A_BUYER, "2025-04-20 10:28:30", "退款先放着，找到了再说", None),
    (
        "msg",
        A_LIN,
        "2025-04-20 10:29:56",
        "好的亲，如果找到了麻烦您撤销一下退款申请哦，有问题随时联系小林，谢谢亲",
        "未读",
    ),
]

A_TRACK = [  # newest first
    (
        "2025-04-18 14:05:37",
        "【杭州市】快件已签收，签收人：本人，如有疑问请联系派件员",
        "浙江省杭州市西湖区",
    ),
    (
        "2025-04-18 08:41:15",
        "【杭州市】【杭州西湖文三】的派件员张师傅（138****6018）正在第1次派件，请保持电话畅通，并耐心等待",
        "浙江省杭州市西湖区",
    ),
    ("2025-04-18 06:58:22", "【杭州市】快件已到达【杭州西湖文三】", "浙江省杭州市西湖区"),
    (
        "2025-04-17 20:46:09",
        "【杭州市】快件离开【杭州中转部】已发往【杭州西湖文三】",
        "浙江省杭州市",
    ),
    ("2025-04-17 05:20:41", "【杭州市】快件已经到达【杭州中转部】", "浙江省杭州市"),
    (
        "2025-04-17 01:31:56",
        "【金华市】快件离开【义乌中转部】已发往【杭州中转部】",
        "浙江省金华市义乌市",
    ),
    ("2025-04-16 22:10:48", "【金华市】快件已经到达【义乌中转部】", "浙江省金华市义乌市"),
    (
        "2025-04-16 18:24:30",
        "【金华市】快件离开【义乌稠城】已发往【义乌中转部】",
        "浙江省金华市义乌市",
    ),
    (
        "2025-04-16 17:32:05",
        "【金华市】【义乌稠城】的李师傅（0579-8***3216）已揽收",
        "浙江省金华市义乌市",
    ),
]

A_LABEL = Waybill(
    carrier_zh="中通快递",
    carrier_en="ZTO EXPRESS",
    service="标准快递",
    number=A_WAYBILL,
    sort_code="300-W08 15",
    hub="杭州中转包",
    to_name="小明",
    to_phone="138****5621",
    to_addr="浙江省杭州市西湖区文三路**号**小区*幢*单元",
    from_name=A_SHOP,
    from_phone="0579-8***3**8",
    from_addr="浙江省金华市义乌市稠城街道**路**号",
    goods=f"{A_ITEM} ×1",
    printed="2025/04/16 14:31:52",
)


def a_packing_1(path: Path):
    W, H = PHOTO_SIZE[0] * SS, PHOTO_SIZE[1] * SS
    c = new_canvas(wood_table(W, H, 101))
    x, y, w, h, dx, dy = 300 * SS, 520 * SS, 560 * SS, 400 * SS, 170 * SS, 150 * SS
    # open carton: back flap, interior, mug, front face, side, flaps
    drop_shadow(
        c,
        polygon=[
            (x, y + h),
            (x + w, y + h),
            (x + w + dx, y + h - dy),
            (x + w + dx * 1.5, y + h + 10 * SS),
            (x + 40 * SS, y + h + 60 * SS),
        ],
        blur=22 * SS,
        alpha=150,
        offset=(30 * SS, 6 * SS),
    )
    paste_quad(
        c,
        kraft_face(400, 200, 11, shade=0.9),
        [
            (x + dx - 20 * SS, y - dy - 190 * SS),
            (x + w + dx + 10 * SS, y - dy - 170 * SS),
            (x + w + dx, y - dy),
            (x + dx, y - dy),
        ],
    )
    inside = to_rgba(
        np.asarray(kraft_face(400, 300, 12, base=(120, 86, 52)).convert("RGB"), np.float32)
    )
    paste_quad(c, inside, [(x + dx, y - dy), (x + w + dx, y - dy), (x + w, y), (x, y)])
    bubble_wrap(
        c,
        [
            (x + dx + 10 * SS, y - dy + 8 * SS),
            (x + w + dx - 10 * SS, y - dy + 8 * SS),
            (x + w - 6 * SS, y - 4 * SS),
            (x + 6 * SS, y - 4 * SS),
        ],
        13,
    )
    place_mug(
        c,
        x + 170 * SS,
        y - 250 * SS,
        190 * SS,
        300 * SS,
        (236, 234, 228),
        21,
        band=(120, 132, 146),
        shadow=False,
    )
    front = kraft_face(560, 400, 14)
    fd = ImageDraw.Draw(front)
    text(fd, (30, 370), "易碎品 小心轻放", 26, fill=(70, 40, 20), anchor="lm")
    paste_quad(c, front, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
    side = kraft_face(170, 400, 15, shade=0.78)
    paste_quad(
        c, side, [(x + w, y), (x + w + dx, y - dy), (x + w + dx, y + h - dy), (x + w, y + h)]
    )
    # flaps folded out (left, right) and the front flap hanging over the front face
    paste_quad(
        c,
        kraft_face(200, 300, 16, shade=1.05),
        [(x - 150 * SS, y - dy - 70 * SS), (x + dx, y - dy), (x, y), (x - 170 * SS, y + 40 * SS)],
    )
    paste_quad(
        c,
        kraft_face(200, 300, 17, shade=0.85),
        [
            (x + w + dx, y - dy),
            (x + w + dx + 150 * SS, y - dy - 60 * SS),
            (x + w + 160 * SS, y + 30 * SS),
            (x + w, y),
        ],
    )
    paste_quad(
        c,
        kraft_face(560, 120, 18, shade=1.1),
        [(x, y), (x + w, y), (x + w + 8 * SS, y + 95 * SS), (x - 8 * SS, y + 95 * SS)],
    )
    # the waybill on the front face
    paste_quad(
        c,
        label_sprite(A_LABEL, 31),
        [
            (x + 250 * SS, y + 110 * SS),
            (x + 500 * SS, y + 112 * SS),
            (x + 498 * SS, y + 385 * SS),
            (x + 248 * SS, y + 383 * SS),
        ],
    )
    # the second mug on the table, and a tape roll
    place_mug(c, 1030 * SS, 640 * SS, 170 * SS, 230 * SS, (150, 170, 186), 22, speckle=True)
    drop_shadow(c, ellipse=(70 * SS, 930 * SS, 250 * SS, 1010 * SS), blur=12 * SS, alpha=110)
    d = ImageDraw.Draw(c)
    d.ellipse([60 * SS, 890 * SS, 240 * SS, 990 * SS], fill=(196, 160, 104, 255))
    d.ellipse([105 * SS, 915 * SS, 195 * SS, 965 * SS], fill=(120, 96, 70, 255))
    d.ellipse([115 * SS, 920 * SS, 185 * SS, 960 * SS], fill=(200, 170, 130, 255))
    save_photo(finish_photo(c, 41), path, "2025:04:16 14:40:12", "iPhone 13", "17.4.1")


def a_packing_2(path: Path):
    W, H = PHOTO_SIZE[0] * SS, PHOTO_SIZE[1] * SS
    c = new_canvas(wood_table(W, H, 102))
    # sealed carton seen from above, close-up on the top face
    top = [(250 * SS, 140 * SS), (1240 * SS, 110 * SS), (1330 * SS, 860 * SS), (170 * SS, 900 * SS)]
    front = [
        (170 * SS, 900 * SS),
        (1330 * SS, 860 * SS),
        (1325 * SS, 1080 * SS),
        (175 * SS, 1080 * SS),
    ]
    drop_shadow(
        c,
        polygon=[*top, (1330 * SS, 1080 * SS)],
        blur=26 * SS,
        alpha=140,
        offset=(24 * SS, 18 * SS),
    )
    paste_quad(c, kraft_face(900, 260, 19, shade=0.8), front)
    paste_quad(c, kraft_face(900, 700, 20), top)
    d = ImageDraw.Draw(c)
    d.line([(742 * SS, 126 * SS), (752 * SS, 880 * SS)], fill=(150, 108, 66, 255), width=3 * SS)
    tape_strip(
        c, [(690 * SS, 128 * SS), (800 * SS, 124 * SS), (810 * SS, 880 * SS), (695 * SS, 884 * SS)]
    )
    tape_strip(
        c,
        [(692 * SS, 880 * SS), (810 * SS, 876 * SS), (809 * SS, 990 * SS), (694 * SS, 993 * SS)],
        color=(200, 165, 105, 140),
    )
    paste_quad(
        c,
        label_sprite(A_LABEL, 31),
        [(840 * SS, 200 * SS), (1180 * SS, 190 * SS), (1200 * SS, 720 * SS), (850 * SS, 735 * SS)],
    )
    # packing slip on the left flap
    slip = Image.new("RGBA", (400, 300), (248, 248, 244, 255))
    sd = ImageDraw.Draw(slip)
    text(sd, (20, 20), "发货清单", 34, bold=True)
    text(sd, (20, 80), f"订单号：{A_ORDER}", 20)
    text(sd, (20, 120), f"商品：{A_ITEM}", 22)
    text(sd, (20, 160), "数量：1    颜色：白+雾蓝", 22)
    text(sd, (20, 200), f"店铺：{A_SHOP}", 22)
    text(sd, (20, 240), "感谢您的购买！", 22)
    paste_quad(
        c,
        slip,
        [(320 * SS, 300 * SS), (620 * SS, 292 * SS), (626 * SS, 520 * SS), (324 * SS, 530 * SS)],
    )
    place_mug(c, 60 * SS, 30 * SS, 150 * SS, 200 * SS, (150, 170, 186), 23, speckle=True)
    save_photo(
        finish_photo(c, 42, light=(0.6, 0.1)), path, "2025:04:16 14:41:37", "iPhone 13", "17.4.1"
    )


def make_case_a():
    root = HERE / "signed-not-received"
    write_text(root / "case.toml", A_CASE, "utf-8", "\n")
    write_text(root / "chat.txt", qianniu_export(A_CHAT), "gbk", "\r\n")
    write_text(root / "tracking.json", kuaidi100("zhongtong", A_WAYBILL, A_TRACK), "utf-8", "\n")
    a_packing_1(root / "photos" / "packing_1.jpg")
    a_packing_2(root / "photos" / "packing_2.jpg")
    tracking_screenshot(
        Shot(
            clock="10:21",
            title="物流详情",
            courier_zh="中通快递",
            waybill=A_WAYBILL,
            hotline="95311",
            status="已签收",
            signer_line="签收人：本人  04-18 14:05",
            thumb="mug",
            address="浙江省杭州市西湖区文三路**号**小区*幢*单元 小明 138****5621",
            route=("金华市", "杭州市"),
            events=[(t, ctx) for t, ctx, _ in A_TRACK],
        ),
        root / "screenshots" / "tracking.png",
        51,
    )
    return root


# =========================================================================== case B

B_ORDER = "4021876543210987654"
B_WAYBILL = "432185906713245"  # 韵达: ^[34]\d{14}$
B_RETURN = "SF1427395068213"  # 顺丰: ^SF\d{13}$
B_BUYER = "夏日柠檬茶0712"
B_SHOP = "声屿数码旗舰店"
B_JIE = "声屿数码旗舰店:阿杰"
B_ITEM = "无线蓝牙耳机 Pro 白色"
B_SN_OUT = "A1B2C3D4E5"
B_SN_BACK = "Z9Y8X7W6V5"

B_CASE = f"""\
# Sample case B: return and refund; the item sent back is not the one we shipped
# (shop rule 7: refuse goods that are not ours). All names and numbers are fictitious.
# Times are China Standard Time (UTC+8). No deadline: the tool has to estimate it.
schema_version = 1
platform = "taobao"
order_id = "{B_ORDER}"
refund_id = "20250508017"
buyer = "{B_BUYER}"
seller = "{B_SHOP}"
amount = "399.00"
currency = "CNY"
refund_type = "return_and_refund"  # 退货退款
refund_phase = "onsale"
state = "waiting_seller_confirm"   # 买家已退货，等待卖家确认收货
order_status = "signed"
item_title = "{B_ITEM}"

ordered_at = "2025-05-01 22:10:15"
paid_at = "2025-05-01 22:10:31"
shipped_at = "2025-05-02 16:45"
signed_at = "2025-05-04 11:20"
requested_at = "2025-05-08 09:30"  # day 4 of the 7-day window (starts the day after signing)
state_since = "2025-05-12 16:00"   # return signed by our warehouse 15:40, registered 16:00

ground = "returned_item_not_ours"
buyer_claim = "买家称退回的就是店铺发出的耳机"
agent = "客服阿杰"
lang = "zh"
serial_shipped = "{B_SN_OUT}"    # 出库登记 (photos/outbound_sn.jpg)
serial_returned = "{B_SN_BACK}"  # on the returned earbuds (photos/return_unboxing.jpg)

[shipment]
waybill = "{B_WAYBILL}"
courier = "yunda"

[return_shipment]
waybill = "{B_RETURN}"
courier = "shunfeng"
"""

B_CHAT = [
    ("msg", B_BUYER, "2025-05-08 09:24:37", "在吗？耳机想退货", None),
    (
        "msg",
        B_JIE,
        "2025-05-08 09:25:10",
        "亲，您好😊 我是客服阿杰，请问耳机是有什么问题吗？",
        None,
    ),
    ("msg", B_BUYER, "2025-05-08 09:26:48", "没什么问题，就是戴着耳朵有点疼，不太适合我", None),
    (
        "msg",
        B_JIE,
        "2025-05-08 09:27:30",
        f"好的亲，理解的，这款耳机支持7天无理由退货哦，订单号{B_ORDER}对吧？",
        "已读",
    ),
    ("msg", B_BUYER, "2025-05-08 09:28:05", "对", None),
    ("msg", B_BUYER, "2025-05-08 09:31:02", "我在淘宝上提交退货退款了", None),
    (
        "msg",
        B_JIE,
        "2025-05-08 09:35:44",
        "收到亲，已经帮您同意退货申请了，退货地址在退款详情页面可以看到哦🙏",
        None,
    ),
    (
        "msg",
        B_JIE,
        "2025-05-08 09:36:20",
        "寄回时麻烦保持耳机、充电盒、包装盒和说明书等配件齐全，不要影响二次销售哦",
        None,
    ),
    (
        "msg",
        B_JIE,
        "2025-05-08 09:37:05",
        "另外寄出后请把退货的快递单号和快递公司名称发给阿杰，或者填写在退款留言里，\n"
        "仓库收到后好登记查件，谢谢亲😊",
        "已读",
    ),
    ("msg", B_BUYER, "2025-05-08 09:38:12", "好的", None),
    ("msg", B_BUYER, "2025-05-09 15:18:33", f"寄出了，顺丰 {B_RETURN}", None),
    (
        "msg",
        B_JIE,
        "2025-05-09 15:20:09",
        f"收到亲，已经帮您登记了：顺丰速运 {B_RETURN}。仓库签收后会尽快给您处理🙏",
        "已读",
    ),
    (
        "msg",
        B_JIE,
        "2025-05-12 16:48:26",
        "亲，您好，您退回的包裹仓库今天已经签收并拆箱了，但是耳机的序列号和我们发出的不一致哦",
        None,
    ),
    (
        "msg",
        B_JIE,
        "2025-05-12 16:49:40",
        f"我们出库时登记的序列号是 SN: {B_SN_OUT}，您退回的耳机序列号是 SN: {B_SN_BACK}，"
        "包装盒也不是我们发出的那一款",
        None,
    ),
    (
        "msg",
        B_JIE,
        "2025-05-12 16:50:52",
        "出库拍照和退货拆箱的照片、视频我们都有留存，亲可以核对一下是不是寄错了呢？",
        "未读",
    ),
    ("msg", B_BUYER, "2025-05-12 18:05:17", "不可能，我就是把你们发的那副寄回去的", None),
    ("msg", B_BUYER, "2025-05-12 18:05:40", "是不是你们仓库自己搞错了？？", None),
    ("line", f"{B_BUYER} 撤回了一条消息"),
    (
        "msg",
        B_JIE,
        "2025-05-12 18:07:02",
        f"亲，我们每一台耳机出库前都会拍照登记序列号，照片里序列号和韵达运单号{B_WAYBILL}在同一张图上，"
        "退回的包裹也是拆箱全程录像的",
        None,
    ),
    ("msg", B_BUYER, "2025-05-12 18:08:31", "那我不管，我已经寄回去了，你们就得给我退款", None),
    (
        "msg",
        B_JIE,
        "2025-05-12 18:10:15",
        "亲，非常抱歉，按照店铺规定，退回的商品不是我们发出的商品，我们只能拒绝退款，"
        "并把您寄回的包裹原样寄还给您哦🙏",
        None,
    ),
    (
        "msg",
        B_JIE,
        "2025-05-12 18:10:58",
        "麻烦您再找一下，家里是不是还有一副我们家的白色耳机呢？",
        "已读",
    ),
    ("msg", B_BUYER, "2025-05-12 18:12:40", "没有！我要申请小二介入", None),
    (
        "msg",
        B_JIE,
        "2025-05-12 18:13:22",
        "好的亲，您可以申请的，我们这边会提交出库和拆箱的凭证，平台会公正处理的😊",
        None,
    ),
]

B_TRACK = [  # original shipment, yunda, newest first
    (
        "2025-05-04 11:20:46",
        "【广东广州天河区棠下服务部】快件已签收，签收人：驿站代收，如有疑问请电联快递员：陈师傅【138****7702】",
        "广东省广州市天河区",
    ),
    (
        "2025-05-04 08:32:10",
        "【广东广州天河区棠下服务部】派件员：陈师傅 138****7702 正在为您派件",
        "广东省广州市天河区",
    ),
    ("2025-05-03 14:02:55", "【广东广州天河区棠下服务部】已进行快件到达扫描", "广东省广州市天河区"),
    (
        "2025-05-03 06:15:40",
        "【广东广州分拨中心】已发出，下一站【广东广州天河区棠下服务部】",
        "广东省广州市",
    ),
    ("2025-05-03 04:32:08", "【广东广州分拨中心】已收入", "广东省广州市"),
    (
        "2025-05-02 23:40:11",
        "【广东东莞分拨中心】已发出，下一站【广东广州分拨中心】",
        "广东省东莞市",
    ),
    ("2025-05-02 22:14:53", "【广东东莞分拨中心】已收入", "广东省东莞市"),
    ("2025-05-02 18:36:20", "【广东东莞虎门服务部】已揽收", "广东省东莞市"),
]

B_RETURN_TRACK = [  # return, SF, newest first
    (
        "2025-05-12 15:40:18",
        "[东莞市] 快件已签收，签收人：仓库，如有疑问请电联快递员：黄师傅，电话：139****2231",
        "广东省东莞市虎门镇",
    ),
    (
        "2025-05-12 09:05:33",
        "[东莞市] 快件交给黄师傅，正在派送途中（联系电话：139****2231）",
        "广东省东莞市虎门镇",
    ),
    (
        "2025-05-10 09:12:47",
        "[东莞市] 因收件地址为公司、周末不上班，快件延至工作日派送",
        "广东省东莞市虎门镇",
    ),
    ("2025-05-10 07:18:02", "[东莞市] 快件到达【东莞虎门集散点】", "广东省东莞市虎门镇"),
    (
        "2025-05-10 02:51:26",
        "[东莞市] 快件在【东莞虎门集散点】完成分拣，准备发往【东莞虎门北栅营业点】",
        "广东省东莞市",
    ),
    (
        "2025-05-09 22:37:14",
        "[广州市] 快件在【广州白云中转场】完成分拣，准备发往【东莞虎门集散点】",
        "广东省广州市",
    ),
    ("2025-05-09 19:04:45", "[广州市] 快件到达【广州白云中转场】", "广东省广州市"),
    ("2025-05-09 15:05:09", "[广州市] 顺丰速运 已收取快件", "广东省广州市天河区"),
]

B_LABEL_OUT = Waybill(
    carrier_zh="韵达快递",
    carrier_en="YUNDA EXPRESS",
    service="标准快件",
    number=B_WAYBILL,
    sort_code="510-A07 02",
    hub="广州分拨中心",
    to_name="夏女士",
    to_phone="139****0712",
    to_addr="广东省广州市天河区棠下**街**号 菜鸟驿站代收",
    from_name=B_SHOP,
    from_phone="0769-8***6**5",
    from_addr="广东省东莞市虎门镇**工业区*栋 发货仓",
    goods=f"{B_ITEM} ×1",
    printed="2025/05/02 14:58:20",
)

B_LABEL_BACK = Waybill(
    carrier_zh="顺丰速运",
    carrier_en="SF EXPRESS",
    service="顺丰标快",
    number=B_RETURN,
    sort_code="769WF-H02",
    hub="东莞虎门集散点",
    to_name=f"{B_SHOP} 售后仓",
    to_phone="0769-8***6**5",
    to_addr="广东省东莞市虎门镇**工业区*栋 售后部（退货）",
    from_name="夏女士",
    from_phone="139****0712",
    from_addr="广东省广州市天河区棠下**街**号",
    goods="耳机 ×1",
    printed="2025/05/09 15:03:41",
    extra="付款方式：寄付现结",
)


def earbud_box_face(seed, dark=False):
    """Front of an earphone retail box; 'dark' is the one that came back."""
    w, h = 620, 440
    if dark:
        face = solid_face(w, h, (44, 46, 52), grad=0.06)
        fg, sub = (212, 178, 110), (170, 170, 176)
    else:
        face = solid_face(w, h, (246, 246, 244), grad=0.04)
        fg, sub = (40, 40, 44), (120, 120, 126)
    d = ImageDraw.Draw(face)
    if dark:
        text(d, (30, 46), "TWS EARBUDS", 40, fill=fg, bold=True, anchor="lm")
        text(d, (30, 96), "Bluetooth 5.0 · 立体声", 24, fill=sub, anchor="lm")
        # round case, different shape from ours
        d.ellipse([390, 24, 580, 196], fill=(22, 22, 26), outline=(90, 90, 96), width=4)
        d.ellipse([440, 70, 480, 130], fill=(60, 60, 66))
        d.ellipse([492, 70, 532, 130], fill=(60, 60, 66))
        text(d, (30, 150), "真无线 · 超长续航", 26, fill=sub, anchor="lm")
    else:
        text(d, (30, 46), "SOUNDISLE", 34, fill=fg, bold=True, anchor="lm")
        text(d, (30, 120), "Pro", 86, fill=fg, bold=True, anchor="lm")
        text(d, (30, 188), "无线蓝牙耳机", 30, fill=sub, anchor="lm")
        text(d, (30, 226), "主动降噪 | 蓝牙 5.3", 24, fill=sub, anchor="lm")
        d.rounded_rectangle(
            [380, 24, 590, 196], radius=60, fill=(255, 255, 255), outline=(206, 206, 206), width=4
        )
        d.line([384, 80, 586, 80], fill=(205, 205, 205), width=3)
        d.ellipse([478, 160, 490, 172], fill=(120, 200, 120))
    return face


def b_outbound(path: Path):
    W, H = PHOTO_SIZE[0] * SS, PHOTO_SIZE[1] * SS
    c = new_canvas(grey_table(W, H, 201))
    # shipping carton (back left), open, with the yunda waybill on its front
    x, y, w, h, dx, dy = 120 * SS, 300 * SS, 560 * SS, 360 * SS, 150 * SS, 120 * SS
    drop_shadow(
        c,
        polygon=[
            (x, y + h),
            (x + w, y + h),
            (x + w + dx, y + h - dy),
            (x + w + dx * 1.4, y + h + 10 * SS),
            (x + 30 * SS, y + h + 50 * SS),
        ],
        blur=22 * SS,
        alpha=140,
        offset=(26 * SS, 6 * SS),
    )
    paste_quad(
        c,
        kraft_face(400, 160, 211, shade=0.9),
        [
            (x + dx - 10 * SS, y - dy - 150 * SS),
            (x + w + dx + 10 * SS, y - dy - 140 * SS),
            (x + w + dx, y - dy),
            (x + dx, y - dy),
        ],
    )
    paste_quad(
        c,
        kraft_face(400, 300, 212, base=(120, 86, 52)),
        [(x + dx, y - dy), (x + w + dx, y - dy), (x + w, y), (x, y)],
    )
    bubble_wrap(
        c,
        [
            (x + dx + 10 * SS, y - dy + 8 * SS),
            (x + w + dx - 10 * SS, y - dy + 8 * SS),
            (x + w - 6 * SS, y - 4 * SS),
            (x + 6 * SS, y - 4 * SS),
        ],
        213,
    )
    paste_quad(c, kraft_face(560, 360, 214), [(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
    paste_quad(
        c,
        kraft_face(150, 360, 215, shade=0.78),
        [(x + w, y), (x + w + dx, y - dy), (x + w + dx, y + h - dy), (x + w, y + h)],
    )
    paste_quad(
        c,
        label_sprite(B_LABEL_OUT, 231),
        [
            (x + 230 * SS, y + 20 * SS),
            (x + 450 * SS, y + 22 * SS),
            (x + 448 * SS, y + 350 * SS),
            (x + 228 * SS, y + 348 * SS),
        ],
    )
    # product box in front, SN sticker facing the camera
    face = earbud_box_face(216)
    face.alpha_composite(
        sn_sticker(B_SN_OUT, "型号 SX-P1  颜色 白色", 217, size=(380, 180)), (226, 250)
    )
    bx, by, bw, bh, bdx, bdy = 700 * SS, 560 * SS, 520 * SS, 370 * SS, 130 * SS, 100 * SS
    top_face = solid_face(520, 200, (252, 252, 250), grad=0.03)
    text(ImageDraw.Draw(top_face), (260, 100), "SOUNDISLE Pro", 40, fill=(60, 60, 64), anchor="mm")
    oblique_box(c, bx, by, bw, bh, bdx, bdy, face, top_face, solid_face(130, 370, (214, 214, 212)))
    note = sticky_note(["出库登记", "5/2 阿杰"], 218)
    paste_quad(
        c,
        note,
        [
            (1130 * SS, 150 * SS),
            (1360 * SS, 170 * SS),
            (1345 * SS, 340 * SS),
            (1118 * SS, 322 * SS),
        ],
    )
    save_photo(
        finish_photo(c, 241, light=(0.45, 0.15)), path, "2025:05:02 15:12:08", "iPhone 14", "18.3.2"
    )


def b_return_unboxing(path: Path):
    W, H = PHOTO_SIZE[0] * SS, PHOTO_SIZE[1] * SS
    c = new_canvas(cutting_mat(W, H, 301))
    # opened SF mailer bag (left) with the SF waybill
    bag = [(70 * SS, 120 * SS), (640 * SS, 80 * SS), (700 * SS, 880 * SS), (110 * SS, 940 * SS)]
    drop_shadow(c, polygon=bag, blur=20 * SS, alpha=130, offset=(18 * SS, 14 * SS))
    bag_face = solid_face(600, 860, (232, 232, 228), grad=0.05)
    bd = ImageDraw.Draw(bag_face)
    bd.rectangle([0, 0, 600, 70], fill=(30, 30, 30))
    text(bd, (300, 35), "顺丰速运  SF EXPRESS", 34, fill=(255, 255, 255), bold=True, anchor="mm")
    for k in range(0, 600, 14):  # torn-open edge
        bd.polygon([(k, 0), (k + 7, 16), (k + 14, 0)], fill=(0, 0, 0, 0))
    paste_quad(c, bag_face, bag)
    paste_quad(
        c,
        label_sprite(B_LABEL_BACK, 331),
        [(150 * SS, 220 * SS), (560 * SS, 200 * SS), (590 * SS, 800 * SS), (175 * SS, 825 * SS)],
    )
    # the earphone box that came back: dark, round case, different sticker
    face = earbud_box_face(316, dark=True)
    face.alpha_composite(
        sn_sticker(
            B_SN_BACK, "MODEL: TWS-08  COLOR: WHITE", 317, bg=(246, 232, 170), size=(400, 190)
        ),
        (24, 228),
    )
    top_face = solid_face(520, 200, (36, 38, 44), grad=0.05)
    text(ImageDraw.Draw(top_face), (260, 100), "TWS EARBUDS", 40, fill=(212, 178, 110), anchor="mm")
    oblique_box(
        c,
        770 * SS,
        560 * SS,
        470 * SS,
        340 * SS,
        120 * SS,
        95 * SS,
        face,
        top_face,
        solid_face(120, 340, (28, 30, 34)),
    )
    note = sticky_note(["退货拆箱 5/12", "SN不符 阿杰"], 318)
    paste_quad(
        c,
        note,
        [(900 * SS, 120 * SS), (1180 * SS, 100 * SS), (1195 * SS, 300 * SS), (915 * SS, 318 * SS)],
    )
    # box cutter
    d = ImageDraw.Draw(c)
    d.polygon(
        [
            (1200 * SS, 420 * SS),
            (1390 * SS, 380 * SS),
            (1398 * SS, 418 * SS),
            (1208 * SS, 458 * SS),
        ],
        fill=(250, 190, 20, 255),
    )
    d.polygon(
        [
            (1390 * SS, 380 * SS),
            (1430 * SS, 372 * SS),
            (1434 * SS, 392 * SS),
            (1398 * SS, 418 * SS),
        ],
        fill=(190, 196, 200, 255),
    )
    save_photo(
        finish_photo(c, 341, light=(0.5, 0.2)), path, "2025:05:12 16:30:45", "iPhone 14", "18.4.1"
    )


def make_case_b():
    root = HERE / "returned-not-ours"
    write_text(root / "case.toml", B_CASE, "utf-8", "\n")
    write_text(root / "chat.txt", qianniu_export(B_CHAT), "utf-8", "\n")
    write_text(root / "tracking.json", kuaidi100("yunda", B_WAYBILL, B_TRACK), "utf-8", "\n")
    write_text(
        root / "return_tracking.json",
        kuaidi100("shunfeng", B_RETURN, B_RETURN_TRACK),
        "utf-8",
        "\n",
    )
    b_outbound(root / "photos" / "outbound_sn.jpg")
    b_return_unboxing(root / "photos" / "return_unboxing.jpg")
    tracking_screenshot(
        Shot(
            clock="16:52",
            title="退货物流",
            courier_zh="顺丰速运",
            waybill=B_RETURN,
            hotline="95338",
            status="已签收",
            signer_line="签收人：仓库  05-12 15:40",
            thumb="earbuds",
            address=f"广东省东莞市虎门镇**工业区*栋 售后部（退货） {B_SHOP} 售后仓",
            route=("广州市", "东莞市"),
            events=[(t, ctx) for t, ctx, _ in B_RETURN_TRACK],
        ),
        root / "screenshots" / "return_tracking.png",
        351,
    )
    return root


def main() -> int:
    roots = [make_case_a(), make_case_b()]
    total = 0
    for root in roots:
        for f in sorted(p for p in root.rglob("*") if p.is_file()):
            size = f.stat().st_size
            total += size
            print(f"{size:>9,}  {f.relative_to(HERE)}")
    print(f"{total:>9,}  total")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
