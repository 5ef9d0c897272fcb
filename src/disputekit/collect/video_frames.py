"""Frames of a video exhibit: keyframes spread over its length, marked frames, a contact sheet.

Each frame is found by seeking to the keyframe before the wanted time and decoding forward
to it, at most :data:`MAX_FRAMES_AFTER_SEEK` frames, so the work per frame is bounded by the
video's keyframe interval, not its length. Frames are scaled down in FFmpeg (never a full-size
RGB copy) to :data:`FRAME_SIDE` and turned upright by the display rotation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
from PIL import Image, ImageDraw, ImageFont

from disputekit.collect.parse.avquiet import captured, complaints
from disputekit.collect.parse.video import VideoUnreadable, clockwise_degrees, snap_rotation

FRAME_SIDE = 640
"""Longest side (px) of a returned frame: a contact-sheet cell or a marked frame on a page."""

MAX_FRAMES_AFTER_SEEK = 300
"""Frames decoded forward from a keyframe (10 s at 30 fps; phones put one every 1-2 s)."""

LABEL_HEIGHT = 30
_TRANSPOSE = {
    90: Image.Transpose.ROTATE_270,  # PIL's ROTATE_* turn counter-clockwise
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)")
_CHINESE = re.compile(r"(?:(\d+)(?:小时|时))?(?:(\d+)分(?:钟)?)?(?:(\d+(?:\.\d+)?)秒)?")
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s*(?:s|秒)?")


class FrameTimeError(ValueError):
    """A time that names no frame of the video (unparsable, negative or past its end)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Frame:
    t: float
    """Seconds from the start of the video (the decoded frame's own time)."""
    image: Image.Image
    """Upright RGB, longest side ≤ FRAME_SIDE (or the ``side`` asked of frame_at)."""

    @property
    def label(self) -> str:
        return format_timestamp(self.t)


def format_timestamp(t: float) -> str:
    """``mm:ss`` (``h:mm:ss`` from one hour), rounded down like a player's clock."""
    whole = max(0, math.floor(t + 1e-6))
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def parse_timestamp(text: str) -> float:
    """Seconds from ``"00:41"``, ``"1:02:03"``, ``"41.5"``, ``"41s"``, ``"1分2秒"`` (full-width ok)."""
    value = unicodedata.normalize("NFKC", text).strip()
    if match := _CLOCK.fullmatch(value):
        hours, minutes, seconds = match.groups()
        if float(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
            raise _bad_time(text)
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    if match := _SECONDS.fullmatch(value):
        return float(match.group(1))
    if value and (match := _CHINESE.fullmatch(value)):
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)
    raise _bad_time(text)


def _bad_time(text: str) -> FrameTimeError:
    return FrameTimeError(
        f"无法识别的视频时间“{text}”，请写成 00:41、1:02:03 或 41.5",
        f"Unrecognised video time {text!r}; write it as 00:41, 1:02:03 or 41.5",
    )


def keyframes(
    path: Path,
    count: int = 12,
    *,
    duration: float | None = None,
    warnings: list[str] | None = None,
) -> list[Frame]:
    """``count`` frames spread evenly over the video (fewer if it has fewer distinct frames).

    ``duration`` overrides the declared length: pass ``VideoFacts.duration_s`` for a truncated
    file so the frames spread over what can be played.
    """
    if count < 1:
        return []
    with _opened(path, warnings) as (container, video, declared):
        duration = duration if duration else declared
        frames: list[Frame] = []
        for i in range(count):
            frame = _decode_near(container, video, duration * (i + 0.5) / count)
            if frame is not None and (not frames or frame.t > frames[-1].t):
                frames.append(frame)
        return frames


def frame_at(
    path: Path, t: float, *, side: int = FRAME_SIDE, warnings: list[str] | None = None
) -> Frame:
    """The frame shown at ``t`` seconds, longest side ≤ ``side`` (e.g. 1600 for a page).

    Raise FrameTimeError when ``t`` is outside the video.
    """
    with _opened(path, warnings) as (container, video, duration):
        if t < 0 or (duration and t > duration):
            raise FrameTimeError(
                f"视频只有 {format_timestamp(duration)} 长，没有 {format_timestamp(t)} 处的画面",
                f"The video is {format_timestamp(duration)} long; there is no frame at "
                f"{format_timestamp(t)}",
            )
        frame = _decode_near(container, video, t, side)
        if frame is None:
            raise FrameTimeError(
                f"视频在 {format_timestamp(t)} 处的画面无法解码",
                f"The frame at {format_timestamp(t)} cannot be decoded",
            )
        return frame


class _opened:
    """Open the video quietly: yields (container, video stream, duration s)."""

    def __init__(self, path: Path, warnings: list[str] | None) -> None:
        self.path, self.warnings = path, warnings

    def __enter__(self) -> tuple[Any, Any, float]:
        self._capture = captured()
        self._logs = self._capture.__enter__()
        try:
            self._container = av.open(str(self.path), metadata_errors="replace")
        except (av.FFmpegError, OSError, ValueError) as exc:
            self._capture.__exit__(None, None, None)
            raise VideoUnreadable(
                f"无法读取视频 {self.path.name}：{exc}",
                f"Cannot read the video {self.path.name}: {exc}",
            ) from None
        if not self._container.streams.video:
            self.__exit__(None, None, None)
            raise VideoUnreadable(
                f"{self.path.name} 没有视频画面", f"{self.path.name} has no video track"
            )
        video = self._container.streams.video[0]
        video.thread_type = "AUTO"
        duration = (self._container.duration or 0) / 1_000_000
        if not duration and video.duration and video.time_base:
            duration = float(video.duration * video.time_base)
        return self._container, video, duration

    def __exit__(self, *exc: object) -> None:
        try:
            self._container.close()
        finally:
            self._capture.__exit__(None, None, None)
            if self.warnings is not None:
                self.warnings.extend(w for w in complaints(self._logs) if w not in self.warnings)


def _decode_near(container: Any, video: Any, t: float, side: int = FRAME_SIDE) -> Frame | None:
    """Seek to the keyframe before ``t`` and decode forward to the frame shown at ``t``."""
    base = video.start_time or 0
    target = base + int(t / video.time_base)
    try:
        container.seek(target, stream=video, backward=True, any_frame=False)
        previous = None
        for n, frame in enumerate(container.decode(video)):
            if frame.pts is None:
                continue
            if frame.pts > target:
                return _to_frame(previous if previous is not None else frame, base, video, side)
            previous = frame
            if n >= MAX_FRAMES_AFTER_SEEK:
                break
    except av.FFmpegError:
        pass
    return _to_frame(previous, base, video, side) if previous is not None else None


def _to_frame(frame: Any, base: int, video: Any, side: int) -> Frame:
    scale = min(1.0, side / max(frame.width, frame.height))
    width, height = max(2, round(frame.width * scale)), max(2, round(frame.height * scale))
    image = frame.reformat(width=width, height=height, format="rgb24").to_image()
    rotation = snap_rotation(clockwise_degrees(frame.rotation, video.metadata.get("rotate")))
    if rotation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[rotation])
    return Frame(t=max(0.0, float((frame.pts - base) * video.time_base)), image=image)


def contact_sheet(
    frames: list[Frame], *, columns: int = 3, label_font: ImageFont.ImageFont | Any = None
) -> Image.Image:
    """Frames in a grid, each with its ``mm:ss`` time under it, on white."""
    if not frames:
        raise ValueError("contact_sheet needs at least one frame")
    columns = max(1, min(columns, len(frames)))
    rows = math.ceil(len(frames) / columns)
    cell_w = max(f.image.width for f in frames)
    cell_h = max(f.image.height for f in frames) + LABEL_HEIGHT
    gap = 8
    sheet = Image.new(
        "RGB", (columns * cell_w + (columns + 1) * gap, rows * cell_h + (rows + 1) * gap), "white"
    )
    draw = ImageDraw.Draw(sheet)
    font = label_font or ImageFont.load_default(size=20)
    for i, frame in enumerate(frames):
        row, col = divmod(i, columns)
        left, top = gap + col * (cell_w + gap), gap + row * (cell_h + gap)
        sheet.paste(frame.image, (left + (cell_w - frame.image.width) // 2, top))
        label_y = top + cell_h - LABEL_HEIGHT // 2
        draw.text((left + cell_w // 2, label_y), frame.label, fill="black", font=font, anchor="mm")
    return sheet
