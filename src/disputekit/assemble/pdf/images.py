"""Prepare exhibit images for the PDF: oriented, flattened, downscaled JPEGs on disk.

Runs in up to ``jobs`` processes; each worker decodes one image at a time (draft decode),
so memory stays bounded whatever the number of photos. When the build also makes the upload
bundle, the same worker writes the image's web-upload copy from the same decode (decoded
once, at the larger of the two sizes; the dossier's copy is fitted down from it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from disputekit.assemble.upload.bundle import ImageOutcome, ImageTask

# Photos: a 12 MP JPEG decodes at 1/4 scale (DCT scaling, no resampling) to 1000 px, about
# 140 dpi across an A4 page: legible, fast, ~100 KB each. Screenshots carry small text, so
# they keep more pixels. Full detail stays in the originals (object store, archive).
PHOTO_SIDE = 1000
SCREENSHOT_SIDE = 1600
JPEG_QUALITY = 80


Cover = tuple[list[tuple[int, int, int, int]], tuple[int, int]]  # boxes, the size they are measured on


Job = tuple[str, str, int, Cover | None, "ImageTask | None"]  # source, dest, side, cover, web copy


def prepare_one(job: Job) -> ImageOutcome | None:
    """Decode one image once; write the dossier's JPEG and, if asked, its web-upload copy."""
    from disputekit.collect.parse.imageio import fit, load_display_image
    from disputekit.privacy.regions import cover_scaled

    source, dest, side, covered, web = job
    image = load_display_image(Path(source), max(side, web.max_side) if web else side)
    outcome = None
    if web is not None:
        from disputekit.assemble.upload.bundle import write_web_image

        outcome = write_web_image(web, image)
    image = fit(image, side)
    if covered is not None:  # personal data read by OCR, covered before it leaves the case
        image = cover_scaled(image, covered[0], covered[1])
    image.save(dest, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
    return outcome


@contextlib.contextmanager
def images_in_background(
    jobs_list: list[tuple[str, Path, Path, int]], *, jobs: int,
    covers: dict[str, Cover] | None = None, web: Mapping[str, ImageTask] | None = None,
) -> Iterator[Callable[[], dict[str, ImageOutcome]]]:
    """Prepare the images in worker processes while the caller lays out the pages.

    Yields ``wait``: call it before the prepared files are used; it re-raises a worker's
    error and returns the web-upload outcomes by exhibit id. Layout needs only the sizes
    (``expected_size``), not the pixels. ``covers``: exhibit id → personal-data boxes to paint
    over (``privacy.regions``). ``web``: exhibit id → the upload bundle's task for it.
    """
    covers, web = covers or {}, web or {}
    work: list[Job] = [(str(src), str(dest), side, covers.get(ex), web.get(ex))
                       for ex, src, dest, side in jobs_list]
    ids = [ex for ex, _, _, _ in jobs_list]
    if jobs <= 1 or len(work) <= 1:

        def run_here() -> dict[str, ImageOutcome]:
            return _by_id(ids, [prepare_one(job) for job in work])

        yield run_here
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(prepare_one, job) for job in work]

        def wait() -> dict[str, ImageOutcome]:
            return _by_id(ids, [future.result() for future in futures])

        yield wait


def _by_id(ids: list[str], outcomes: list[ImageOutcome | None]) -> dict[str, ImageOutcome]:
    return {ex: outcome for ex, outcome in zip(ids, outcomes, strict=True) if outcome is not None}


def expected_size(width: int, height: int, orientation: int, side: int) -> tuple[int, int]:
    """Size of the prepared image, from the original's facts (``load_display_image`` applies
    the orientation and fits the longest side within ``side``; it never enlarges)."""
    from disputekit.collect.parse.imageio import draft_box

    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return draft_box((width, height), side)
