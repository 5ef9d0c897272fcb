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
    from disputekit.assemble.pdf.image_cache import Entry as CacheEntry
    from disputekit.assemble.upload.bundle import ImageOutcome, ImageTask

# Photos: a 12 MP JPEG decodes at 1/4 scale (DCT scaling, no resampling) to 1000 px, about
# 140 dpi across an A4 page: legible, fast, ~100 KB each. Screenshots carry small text, so
# they keep more pixels. Full detail stays in the originals (object store, archive).
PHOTO_SIDE = 1000
SCREENSHOT_SIDE = 1600
JPEG_QUALITY = 80


Cover = tuple[list[tuple[int, int, int, int]], tuple[int, int]]  # boxes, the size they are measured on


Job = tuple[str, str, int, Cover | None, "ImageTask | None", tuple[str, str] | None]
# source, dest, side, cover, web copy, (cache folder, entry key) (``image_cache``; None: no cache)


def _cache_key(source: str, side: int, covered: Cover | None, web: ImageTask | None) -> str | None:
    from disputekit.assemble.pdf import image_cache

    web_key = None if web is None else [web.kind, web.max_side, web.max_bytes, web.cover, web.draft]
    return image_cache.key_of(source, [side, JPEG_QUALITY, covered, web_key])


def prepare_one(job: Job) -> ImageOutcome | None:
    """Decode one image once; write the dossier's JPEG and, if asked, its web-upload copy —
    or copy both from the cache of an earlier build (``image_cache``)."""
    from disputekit.assemble.pdf import image_cache

    source, dest, side, covered, web, cached = job
    if cached is not None:
        entry = image_cache.load(Path(cached[0]), cached[1])
        if entry is not None and (web is None or entry.web is not None or entry.meta.get("error")):
            return _from_cache(entry, dest, web)
    outcome = _prepare(source, dest, side, covered, web)
    if cached is not None:
        web_bytes = outcome.path.read_bytes() if outcome is not None and outcome.path else None
        meta = {} if outcome is None else {"media_type": outcome.media_type,
                                           "ext": outcome.path.suffix if outcome.path else "",
                                           "error": list(outcome.error) if any(outcome.error) else None}
        image_cache.store(Path(cached[0]), cached[1], Path(dest).read_bytes(), web_bytes, meta)
    return outcome


def _from_cache(entry: CacheEntry, dest: str, web: ImageTask | None) -> ImageOutcome | None:
    from disputekit.assemble.upload.bundle import ImageOutcome

    Path(dest).write_bytes(entry.dossier)
    if web is None:
        return None
    error = entry.meta.get("error")
    if error:
        return ImageOutcome(web.exhibit, error=tuple(error))  # type: ignore[arg-type]
    prefix = "DRAFT_" if web.draft else ""
    path = web.dest_stem.with_name(f"{prefix}{web.dest_stem.name}{entry.meta['ext']}")
    assert entry.web is not None
    path.write_bytes(entry.web)
    return ImageOutcome(web.exhibit, path, str(entry.meta.get("media_type", "")))


def _prepare(source: str, dest: str, side: int, covered: Cover | None,
             web: ImageTask | None) -> ImageOutcome | None:
    from disputekit.collect.parse.imageio import fit, load_display_image
    from disputekit.privacy.regions import cover_scaled

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
    cache: Path | None = None,
) -> Iterator[Callable[[], dict[str, ImageOutcome]]]:
    """Prepare the images in worker processes while the caller lays out the pages.

    Yields ``wait``: call it before the prepared files are used; it re-raises a worker's
    error and returns the web-upload outcomes by exhibit id. Layout needs only the sizes
    (``expected_size``), not the pixels. ``covers``: exhibit id → personal-data boxes to paint
    over (``privacy.regions``). ``web``: exhibit id → the upload bundle's task for it.
    ``cache``: the folder of ``image_cache`` (prepared images kept between builds).
    """
    covers, web = covers or {}, web or {}
    work: list[Job] = []
    for ex, src, dest, side in jobs_list:
        key = _cache_key(str(src), side, covers.get(ex), web.get(ex)) if cache is not None else None
        cached = (str(cache), key) if cache is not None and key is not None else None
        work.append((str(src), str(dest), side, covers.get(ex), web.get(ex), cached))
    if cache is not None:  # the cache keeps what this build uses, nothing else
        from disputekit.assemble.pdf import image_cache

        image_cache.prune(cache, {job[5][1] for job in work if job[5] is not None})
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
