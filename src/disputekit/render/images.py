"""Prepare exhibit images for the PDF: oriented, flattened, downscaled JPEGs on disk.

Runs in up to ``jobs`` processes; each worker decodes one image at a time (draft decode),
so memory stays bounded whatever the number of photos.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Photos: a 12 MP JPEG decodes at 1/4 scale (DCT scaling, no resampling) to 1000 px, about
# 140 dpi across an A4 page: legible, fast, ~100 KB each. Screenshots carry small text, so
# they keep more pixels. Full detail stays in the originals (object store, archive).
PHOTO_SIDE = 1000
SCREENSHOT_SIDE = 1600
JPEG_QUALITY = 80


def prepare_one(job: tuple[str, str, int]) -> str:
    from disputekit.parse.imageio import load_display_image

    source, dest, side = job
    image = load_display_image(Path(source), side)
    image.save(dest, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return dest


def prepare_images(jobs_list: list[tuple[str, Path, Path, int]], *, jobs: int) -> dict[str, Path]:
    """``[(exhibit id, original, destination, max side)]`` → ``{exhibit id: prepared JPEG}``."""
    work = [(str(src), str(dest), side) for _, src, dest, side in jobs_list]
    if jobs <= 1 or len(work) <= 1:
        done = [prepare_one(job) for job in work]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            done = list(pool.map(prepare_one, work, chunksize=1))
    return {ex: Path(path) for (ex, _, _, _), path in zip(jobs_list, done, strict=True)}
