"""Prepare exhibit images for the PDF: oriented, flattened, downscaled JPEGs on disk.

Runs in up to ``jobs`` processes; each worker decodes one image at a time (draft decode),
so memory stays bounded whatever the number of photos.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Photos: a 12 MP JPEG decodes at 1/4 scale (DCT scaling, no resampling) to 1000 px, about
# 140 dpi across an A4 page: legible, fast, ~100 KB each. Screenshots carry small text, so
# they keep more pixels. Full detail stays in the originals (object store, archive).
PHOTO_SIDE = 1000
SCREENSHOT_SIDE = 1600
JPEG_QUALITY = 80


def prepare_one(job: tuple[str, str, int]) -> str:
    from disputekit.collect.parse.imageio import load_display_image

    source, dest, side = job
    image = load_display_image(Path(source), side)
    image.save(dest, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return dest


@contextlib.contextmanager
def images_in_background(jobs_list: list[tuple[str, Path, Path, int]], *, jobs: int) -> Iterator[Callable[[], None]]:
    """Prepare the images in worker processes while the caller lays out the pages.

    Yields ``wait``: call it before the prepared files are used; it re-raises a worker's
    error. Layout needs only the sizes (``expected_size``), not the pixels.
    """
    work = [(str(src), str(dest), side) for _, src, dest, side in jobs_list]
    if jobs <= 1 or len(work) <= 1:

        def run_here() -> None:
            for job in work:
                prepare_one(job)

        yield run_here
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(prepare_one, job) for job in work]

        def wait() -> None:
            for future in futures:
                future.result()

        yield wait


def expected_size(width: int, height: int, orientation: int, side: int) -> tuple[int, int]:
    """Size of the prepared image, from the original's facts (``load_display_image`` applies
    the orientation and fits the longest side within ``side``; it never enlarges)."""
    from disputekit.collect.parse.imageio import draft_box

    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return draft_box((width, height), side)
