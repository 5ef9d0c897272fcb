"""parse_image on images built in fixtures: orientation, EXIF, kind, sharpness, phash."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from disputekit.collect.parse.photo import (
    ANALYSIS_SIDE,
    clean_text,
    hamming,
    parse_exif_time,
    parse_image,
    phash,
)

EXIF_IFD = 0x8769
CST = timezone(timedelta(hours=8))


def scene(width: int, height: int, seed: int = 1) -> Image.Image:
    """A photo-like test image: gradient, hard-edged blocks and text-like strokes."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    pixels = np.stack([x / width * 200, y / height * 200, (x + y) / (width + height) * 255], -1)
    for _ in range(25):
        x0, y0 = int(rng.uniform(0, width * 0.9)), int(rng.uniform(0, height * 0.9))
        w, h = int(rng.uniform(0.02, 0.2) * width), int(rng.uniform(0.02, 0.2) * height)
        pixels[y0 : y0 + h, x0 : x0 + w] = rng.uniform(0, 255, size=3)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def save(image: Image.Image, path: Path, fmt: str = "JPEG", **exif_tags: object) -> Path:
    """Save with EXIF built from keyword tags (``tag_0x0112=6``; ``sub_0x9003=...``)."""
    exif = Image.Exif()
    for name, value in exif_tags.items():
        scope, tag = name.split("_", 1)
        target = exif.get_ifd(EXIF_IFD) if scope == "sub" else exif
        target[int(tag, 16)] = value
    options = {"quality": 95} if fmt == "JPEG" else {}
    image.save(path, fmt, exif=exif.tobytes(), **options)
    return path


# --- orientation -----------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(9))
def test_orientation_reported_as_stored(tmp_path: Path, orientation: int) -> None:
    path = save(scene(300, 200), tmp_path / "o.jpg", tag_0x0112=orientation)
    facts = parse_image(path)
    assert (facts.orientation, facts.width, facts.height) == (orientation, 300, 200)
    assert facts.warnings == []


def test_missing_orientation_is_upright(tmp_path: Path) -> None:
    assert parse_image(save(scene(300, 200), tmp_path / "o.jpg")).orientation == 1


def test_invalid_orientation_is_zero_with_warning(tmp_path: Path) -> None:
    facts = parse_image(save(scene(300, 200), tmp_path / "o.jpg", tag_0x0112=9))
    assert facts.orientation == 0
    assert facts.warnings == [
        "EXIF 方向值无效（9），按正向处理 / Invalid EXIF orientation 9; shown upright"
    ]


def test_phash_is_taken_upright(tmp_path: Path) -> None:
    upright = scene(400, 300)
    plain = parse_image(save(upright, tmp_path / "a.jpg"))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # orientation 6 undoes this
    rotated = parse_image(save(stored, tmp_path / "b.jpg", tag_0x0112=6))
    assert hamming(plain.phash, rotated.phash) <= 4


# --- EXIF ------------------------------------------------------------------------------------


def test_datetime_original_with_offset(tmp_path: Path) -> None:
    path = save(
        scene(300, 200),
        tmp_path / "t.jpg",
        sub_0x9003="2024:05:01 10:20:30",
        sub_0x9011="-05:00",
        tag_0x0132="2030:01:01 00:00:00",
    )
    expected = datetime(2024, 5, 1, 10, 20, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_image(path).taken_at == expected


def test_datetime_original_defaults_to_china_time(tmp_path: Path) -> None:
    path = save(scene(300, 200), tmp_path / "t.jpg", sub_0x9003="2024:05:01 10:20:30")
    assert parse_image(path).taken_at == datetime(2024, 5, 1, 10, 20, 30, tzinfo=CST)


def test_datetime_fallback(tmp_path: Path) -> None:
    path = save(scene(300, 200), tmp_path / "t.jpg", tag_0x0132="2023:12:31 23:59:59")
    facts = parse_image(path)
    assert facts.taken_at == datetime(2023, 12, 31, 23, 59, 59, tzinfo=CST)


def test_camera_and_software_are_cleaned(tmp_path: Path) -> None:
    path = save(
        scene(300, 200),
        tmp_path / "c.jpg",
        tag_0x010f="Xiaomi\x00\x00",
        tag_0x0110="  Redmi Note 12 ",
        tag_0x0131="Adobe Photoshop 25.0\x00",
    )
    facts = parse_image(path)
    assert (facts.make, facts.model, facts.software) == (
        "Xiaomi",
        "Redmi Note 12",
        "Adobe Photoshop 25.0",
    )
    assert facts.kind == "photo"


@pytest.mark.parametrize(
    ("value", "offset", "expected"),
    [
        ("2024:02:29 08:00:00", None, datetime(2024, 2, 29, 8, tzinfo=CST)),
        (
            b"2024:02:29 08:00:00\x00",
            "+09:30",
            datetime(2024, 2, 29, 8, tzinfo=timezone(timedelta(hours=9, minutes=30))),
        ),
        ("2024:02:29 08:00:00", "garbage", datetime(2024, 2, 29, 8, tzinfo=CST)),
        ("0000:00:00 00:00:00", None, None),
        ("    :  :     :  :  ", None, None),
        ("2023:13:01 00:00:00", None, None),
        (12345, None, None),
        (None, None, None),
    ],
)
def test_parse_exif_time(value: object, offset: object, expected: datetime | None) -> None:
    assert parse_exif_time(value, offset) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Canon\x00", "Canon"),
        (b"NIKON\x00\x00", "NIKON"),
        ("\x00 ", None),
        (7, None),
        (None, None),
    ],
)
def test_clean_text(value: object, expected: str | None) -> None:
    assert clean_text(value) == expected


# --- photo or screenshot ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "fmt", "tags", "kind"),
    [
        ((1080, 2340), "PNG", {}, "screenshot"),  # phone screenshot
        ((640, 480), "PNG", {}, "screenshot"),  # any PNG without camera EXIF
        ((1080, 2400), "JPEG", {}, "screenshot"),  # MIUI saves screenshots as JPEG
        ((1920, 1080), "JPEG", {}, "screenshot"),  # desktop screen
        ((1600, 1200), "JPEG", {}, "photo"),  # chat apps strip EXIF from 4:3 photos
        ((1080, 2400), "JPEG", {"tag_0x010f": "HUAWEI"}, "photo"),  # camera EXIF wins
        ((1080, 2340), "PNG", {"sub_0x9003": "2024:05:01 10:00:00"}, "photo"),
        ((1600, 1200), "JPEG", {"tag_0x0131": "Screenshot"}, "screenshot"),
        (
            (1170, 2532),
            "PNG",
            {"sub_0x9286": b"ASCII\0\0\0Screenshot", "sub_0x9003": "2024:05:01 10:00:00"},
            "screenshot",
        ),  # iOS
    ],
)
def test_kind_heuristic(
    tmp_path: Path, size: tuple[int, int], fmt: str, tags: dict[str, object], kind: str
) -> None:
    path = save(scene(*size), tmp_path / "k.img", fmt, **tags)
    assert parse_image(path).kind == kind


# --- sharpness and phash ---------------------------------------------------------------------


def test_sharpness_orders_blur(tmp_path: Path) -> None:
    sharp = scene(2000, 1500)
    values = [
        parse_image(
            save(sharp.filter(ImageFilter.GaussianBlur(radius)), tmp_path / f"{radius}.jpg")
        ).sharpness
        for radius in (0, 2, 8)
    ]
    assert values[0] > values[1] > values[2]
    assert values[0] > 3 * values[2]


def test_sharpness_is_measured_at_a_fixed_scale(tmp_path: Path) -> None:
    """The same scene stored at 4000 and at 2000 px measures about the same."""
    big = scene(4000, 3000)
    small = big.resize((2000, 1500), Image.Resampling.LANCZOS)
    a = parse_image(save(big, tmp_path / "big.jpg")).sharpness
    b = parse_image(save(small, tmp_path / "small.jpg")).sharpness
    assert 0.7 < a / b < 1.4


def test_phash_survives_reencoding_and_resizing(tmp_path: Path) -> None:
    original = scene(1600, 1200)
    first = parse_image(save(original, tmp_path / "a.jpg"))
    copy = original.resize((1200, 900), Image.Resampling.BILINEAR)
    copy.save(tmp_path / "b.jpg", quality=60)
    second = parse_image(tmp_path / "b.jpg")
    assert hamming(first.phash, second.phash) <= 4


def test_phash_differs_for_different_images(tmp_path: Path) -> None:
    a = parse_image(save(scene(1600, 1200, seed=1), tmp_path / "a.jpg"))
    b = parse_image(save(scene(1600, 1200, seed=2), tmp_path / "b.jpg"))
    assert hamming(a.phash, b.phash) >= 16


def test_phash_format() -> None:
    value = phash(scene(64, 64).convert("L"))
    assert len(value) == 16
    assert int(value, 16) >= 0


def test_analysis_scale_constant() -> None:
    assert ANALYSIS_SIDE == 512


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1))
def test_hamming_properties(a: int, b: int) -> None:
    x, y = f"{a:016x}", f"{b:016x}"
    assert hamming(x, x) == 0
    assert hamming(x, y) == hamming(y, x) == bin(a ^ b).count("1")
    assert 0 <= hamming(x, y) <= 64


def test_hamming_rejects_different_lengths() -> None:
    with pytest.raises(ValueError, match="phash lengths differ: 16 and 4"):
        hamming("0" * 16, "ffff")


# --- formats ---------------------------------------------------------------------------------


def test_heic_round_trip(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("libheif has no HEVC encoder here")
    path = tmp_path / "IMG_0001.HEIC"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 15"
    exif.get_ifd(EXIF_IFD)[0x9003] = "2025:03:08 09:15:00"
    scene(640, 480).save(path, "HEIF", quality=90, exif=exif.tobytes())
    facts = parse_image(path)
    assert (facts.format, facts.width, facts.height, facts.kind) == ("heif", 640, 480, "photo")
    assert (facts.make, facts.model) == ("Apple", "iPhone 15")
    assert facts.taken_at == datetime(2025, 3, 8, 9, 15, tzinfo=CST)


@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [("PNG", "shot.jpg", "png"), ("JPEG", "photo.png", "jpeg"), ("WEBP", "x.gif", "webp")],
)
def test_misnamed_files_parse_by_content(
    tmp_path: Path, fmt: str, name: str, expected: str
) -> None:
    scene(320, 240).save(tmp_path / name, fmt)
    facts = parse_image(tmp_path / name)
    assert (facts.format, facts.width, facts.height) == (expected, 320, 240)


def test_animated_gif_counts_frames(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "green", "blue")]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:], duration=100)
    assert parse_image(tmp_path / "a.gif").frames == 3


def test_sixteen_bit_mode_reported(tmp_path: Path) -> None:
    gray16 = Image.fromarray((np.arange(64 * 48).reshape(48, 64) * 20).astype(np.uint16))
    gray16.save(tmp_path / "g.png")
    facts = parse_image(tmp_path / "g.png")
    assert facts.mode.startswith("I")
    assert facts.sharpness >= 0
