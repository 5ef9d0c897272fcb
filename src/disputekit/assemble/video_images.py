"""Stills of video exhibits for the dossier and the upload bundle: a contact sheet of
keyframes with their times, and each frame the agent marked (``mark --at``), large.

Prepared like photos: JPEGs in the build's work folder, keyed in ``DossierData.images`` —
the sheet under the exhibit id, a marked frame under :func:`frame_key` — and placed by
``pdf_post.place_images``. A video whose frames cannot be decoded gets no image; its page
says so (the facts and the warning remain).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from disputekit.models.evidence import EvidenceItem

SHEET_FRAMES = 12
SHEET_COLUMNS = 3
MARKED_SIDE = 1600
"""Longest side of a marked frame (like a screenshot: read at full page width)."""
JPEG_QUALITY = 82

log = logging.getLogger(__name__)


def frame_key(exhibit: str, seconds: float) -> str:
    """The images key of a marked frame: ``E7@41`` (seconds, as short as exact)."""
    return f"{exhibit}@{seconds:g}"


@dataclass
class VideoStills:
    images: dict[str, Path] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)  # exhibit → bilingual notes


def prepare_video_stills(items: list[EvidenceItem], source_of: dict[str, Path],
                         work: Path) -> VideoStills:
    """Contact sheets and marked frames of every video exhibit in ``items``."""
    out = VideoStills()
    for item in items:
        if item.kind == "video":
            _one(item, source_of[item.id], work, out)
    return out


def _save(image: object, dest: Path, key: str, out: VideoStills) -> None:
    from PIL import Image

    assert isinstance(image, Image.Image)
    image.convert("RGB").save(dest, "JPEG", quality=JPEG_QUALITY, optimize=True)
    out.images[key], out.sizes[key] = dest, image.size


def _one(item: EvidenceItem, source: Path, work: Path, out: VideoStills) -> None:
    from disputekit.collect.parse.video import VideoUnreadable
    from disputekit.collect.video_frames import FrameTimeError, contact_sheet, frame_at, keyframes

    notes = out.problems.setdefault(item.id, [])
    duration = float(item.facts.get("duration_s") or 0) or None
    try:
        frames = keyframes(source, SHEET_FRAMES, duration=duration, warnings=notes)
    except VideoUnreadable as exc:
        notes.append(f"{exc.zh} / {exc.en}")
        frames = []
    if frames:
        _save(contact_sheet(frames, columns=SHEET_COLUMNS), work / f"{item.id}-sheet.jpg",
              item.id, out)
    else:
        notes.append("视频画面无法解码，未能生成缩略图 / No frame could be decoded; no contact sheet")
    for seconds in item.frames:
        try:
            frame = frame_at(source, seconds, side=MARKED_SIDE, warnings=notes)
        except (FrameTimeError, VideoUnreadable) as exc:
            notes.append(f"{exc.zh} / {exc.en}")
            continue
        _save(frame.image, work / f"{item.id}-at-{seconds:g}.jpg", frame_key(item.id, seconds),
              out)


def video_still(source: Path, at: float | None, side: int, duration: float | None = None) -> object:
    """The still a video offers the upload form: the frame at ``at`` (the first marked one),
    else a contact sheet of keyframes; longest side ≤ ``side``. Raises ValueError with a
    bilingual message when nothing can be decoded."""
    from disputekit.collect.parse.imageio import fit
    from disputekit.collect.parse.video import VideoUnreadable
    from disputekit.collect.video_frames import FrameTimeError, contact_sheet, frame_at, keyframes

    try:
        if at is not None:
            return fit(frame_at(source, at, side=side).image, side)
        frames = keyframes(source, SHEET_FRAMES, duration=duration)
    except (FrameTimeError, VideoUnreadable) as exc:
        raise ValueError(exc.zh, exc.en) from None
    if not frames:
        raise ValueError("视频画面无法解码", "No frame of the video can be decoded")
    return fit(contact_sheet(frames, columns=SHEET_COLUMNS), side)
