"""Benchmark: median time of ``parse_image`` on a 12 MP photo-like JPEG (target ≤ 150 ms).

Run: ``.venv/bin/python benchmarks/bench_inspect.py [runs]``. The JPEG (4000×3000, q92,
~4.5 MB: gradients, soft shapes and sensor-like noise) is generated in a temporary folder.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from disputekit.collect.parse.imageio import load_display_image
from disputekit.collect.parse.photo import parse_image

WIDTH, HEIGHT, QUALITY = 4000, 3000, 92
TARGET_MS = 150.0
DISPLAY_SIDE = 1600


def photo_like(width: int = WIDTH, height: int = HEIGHT, seed: int = 7) -> Image.Image:
    """Gradients plus a few soft discs plus Gaussian noise, like a phone photo of goods."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [x / width * 180 + 40, y / height * 160 + 50, (x + y) / (width + height) * 200], -1
    )
    for _ in range(12):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(150, 700)
        disc = np.clip(1 - np.hypot(x - cx, y - cy) / r, 0, 1)[..., None]
        base += disc * rng.uniform(-90, 90, size=3).astype(np.float32)
    base += rng.normal(0, 12, size=base.shape).astype(np.float32)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")


def make_jpeg(folder: Path) -> Path:
    path = folder / "photo-12mp.jpg"
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Xiaomi", "Redmi Note 12"
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 14:03:11"
    photo_like().save(path, "JPEG", quality=QUALITY, exif=exif)
    return path


def median_ms(path: Path, runs: int, work: Callable[[Path], object] = parse_image) -> float:
    work(path)  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_jpeg(Path(tmp))
        size_mb = path.stat().st_size / 1024 / 1024
        ms = median_ms(path, runs)
        display_ms = median_ms(path, runs, lambda p: load_display_image(p, DISPLAY_SIDE))
    verdict = "ok" if ms <= TARGET_MS else "SLOWER THAN TARGET"
    print(
        f"parse_image {WIDTH}x{HEIGHT} JPEG q{QUALITY} ({size_mb:.1f} MB): "
        f"median {ms:.0f} ms over {runs} runs (target ≤ {TARGET_MS:.0f} ms) {verdict}"
    )
    print(f"load_display_image(…, {DISPLAY_SIDE}) on the same file: median {display_ms:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
