"""Facts about a phone video (MP4/MOV/3GP): duration, size, rotation, capture time, device, editor.

Only box headers, the ``moov`` index and the first decodable frame are read, so a 2 GB,
2-hour file costs a few megabytes of I/O and memory: the top-level boxes are walked by
seeking (:mod:`.isobmff`), FFmpeg (PyAV) parses ``moov`` into tags and a sample index, and
one frame is decoded to prove the video shows something and to read its display rotation.
Truncation shows as a missing ``moov``, a box running past the end of the file, or index
entries pointing beyond it. FFmpeg's complaints become warnings, never terminal output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import av

from disputekit.collect.parse import isobmff
from disputekit.collect.parse.avquiet import captured, complaints
from disputekit.collect.parse.video_editors import TagGroup, find_editor
from disputekit.models.video import TakenAtSource, VideoFacts

DEFAULT_OFFSET = timezone(timedelta(hours=8), "+08:00")
"""UTC ``creation_time`` is shown in China Standard Time (the instant does not change)."""

MAX_PACKETS_FOR_FIRST_FRAME = 600
"""Packets demuxed looking for the first decodable frame (~10 s of 60 fps video)."""

_VIDEO_BRANDS = {
    "qt  ": "mov",
    "M4V ": "m4v",
    "M4VH": "m4v",
    "M4VP": "m4v",
    **{b: "mp4" for b in ("isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1")},
    **{b: "mp4" for b in ("dash", "mmp4", "MSNV", "XAVC", "f4v ", "hvc1", "NDAS")},
}
_NOT_VIDEO_BRANDS = frozenset(
    {
        *("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1"),  # HEIF
        *("avif", "avis", "avci"),  # AVIF, AVC still images
        *("M4A ", "M4B ", "M4P ", "crx ", "jpm ", "jpx "),  # audio, Canon raw, JPEG 2000
    }
)
_QUICKTIME_FIRST_BOXES = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?"
)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_MAKE_KEYS = ("com.apple.quicktime.make", "com.android.manufacturer", "make", "manufacturer")
_MODEL_KEYS = ("com.apple.quicktime.model", "com.android.model", "model")
_UTC_OFFSET_KEYS = ("com.samsung.android.utc_offset", "com.android.utc_offset")


class VideoUnreadable(Exception):
    """The file cannot be read as a video; ``zh``/``en`` say why, ``fix_*`` what to do."""

    def __init__(
        self, zh: str, en: str, *, fix_zh: str = "", fix_en: str = "", truncated: bool = False
    ) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.fix_zh, self.fix_en = zh, en, fix_zh, fix_en
        self.truncated = truncated


def _brands(head: bytes) -> tuple[str, list[str]]:
    box_end = min(int.from_bytes(head[:4], "big"), len(head))
    major = head[8:12].decode("latin-1")
    compatible = [head[i : i + 4].decode("latin-1") for i in range(16, box_end - 3, 4)]
    return major, compatible


def looks_like_video(head: bytes) -> bool:
    """True for ISO-BMFF (mp4/mov/3gp/m4v) or old QuickTime files; False for HEIF/AVIF/M4A."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        major, compatible = _brands(head)
        if major in _NOT_VIDEO_BRANDS:
            return False
        if major in _VIDEO_BRANDS or major.startswith("3g"):
            return True
        return not set(compatible) & _NOT_VIDEO_BRANDS
    size = int.from_bytes(head[:4], "big") if len(head) >= 8 else 0
    return head[4:8] in _QUICKTIME_FIRST_BOXES and (size in (0, 1) or size >= 8)


def container_format(head: bytes) -> str:
    """mp4, mov, 3gp, 3g2 or m4v from the ``ftyp`` major brand; ``mov`` without ``ftyp``."""
    if head[4:8] != b"ftyp":
        return "mov"
    major, _ = _brands(head)
    if major.startswith("3g2"):
        return "3g2"
    if major.startswith("3g"):
        return "3gp"
    return _VIDEO_BRANDS.get(major, "mp4")


@dataclass
class _Found:
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False
    overrun_warning: str | None = None  # replaced by the index's more precise one when present


def parse_video(path: Path) -> VideoFacts:
    """Read ``path``'s metadata and index (never all of it); raise VideoUnreadable if we can't."""
    found = _Found()
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
        layout = isobmff.walk(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise VideoUnreadable(
            f"无法读取视频 {path.name}：{reason}", f"Cannot read the video {path.name}: {reason}"
        ) from None
    if not looks_like_video(head):
        raise VideoUnreadable(
            f"{path.name} 不是 MP4/MOV/3GP 视频",
            f"{path.name} is not an MP4/MOV/3GP video",
            fix_zh="请添加手机拍摄的原始视频文件。",
            fix_en="Add the original video file as recorded by the phone.",
        )
    _check_layout(path, layout, found)
    with captured() as logs:
        facts = _read_container(path, head, layout, found)
    found.warnings.extend(complaints(logs))
    return facts.model_copy(update={"warnings": found.warnings, "truncated": found.truncated})


def _check_layout(path: Path, layout: isobmff.Layout, found: _Found) -> None:
    if not layout.has("moov"):
        raise VideoUnreadable(
            f"视频文件不完整：{path.name} 缺少索引（moov），通常是录制被中断或文件只传了一部分",
            f"Incomplete video: {path.name} has no index (moov box); recording was interrupted "
            "or the file was only partly copied",
            fix_zh="请从手机相册重新导出完整的原始视频。",
            fix_en="Export the complete original video from the phone's gallery again.",
            truncated=True,
        )
    if layout.overrun is not None:
        box = layout.overrun
        missing = box.end - layout.file_size
        found.truncated = True
        found.overrun_warning = (
            f"视频文件不完整（结尾缺失）：{box.type} 声明 {box.size} 字节，缺少 {missing} 字节 / "
            f"Incomplete video (end missing): the {box.type} box declares {box.size} bytes, "
            f"{missing} bytes are missing"
        )
    elif layout.corrupt_at is not None or layout.trailing:
        at = (
            layout.corrupt_at
            if layout.corrupt_at is not None
            else layout.file_size - layout.trailing
        )
        found.warnings.append(
            f"视频文件在第 {at} 字节处有无法识别的数据 / Unrecognised data at byte {at} of the video"
        )


def _read_container(path: Path, head: bytes, layout: isobmff.Layout, found: _Found) -> VideoFacts:
    try:
        container = av.open(str(path), metadata_errors="replace")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise VideoUnreadable(
            f"无法读取视频 {path.name}：{exc}",
            f"Cannot read the video {path.name}: {exc}",
            fix_zh="请从手机相册重新导出原始视频。",
            fix_en="Export the original video from the phone's gallery again.",
            truncated=found.truncated,
        ) from None
    with container:
        streams = [
            s for s in container.streams.video if not s.disposition & s.disposition.attached_pic
        ]
        if not streams:
            raise VideoUnreadable(
                f"{path.name} 没有视频画面（可能只是录音）",
                f"{path.name} has no video track (audio only?)",
            )
        video = streams[0]
        meta = {k.lower(): v for k, v in container.metadata.items()}
        declared = _declared_duration(container, video)
        index = _scan_index(video, layout.file_size)
        duration = declared
        if found.overrun_warning and not index.beyond_end:
            found.warnings.append(found.overrun_warning)
        if index.beyond_end:
            found.truncated = True
            duration = min(declared, index.playable_s) if declared else index.playable_s
            found.warnings.append(
                f"视频文件不完整：{index.beyond_end} 帧的数据在文件结尾之后，只能播放约 "
                f"{duration:.1f} 秒 / Incomplete video: {index.beyond_end} frames lie beyond the "
                f"end of the file; about {duration:.1f} s can be played"
            )
        rotation = _first_frame_rotation(path, container, video, found)
        taken_at, source = _taken_at(meta, found)
        tags = _tag_groups(container, video, meta)
        editor = find_editor(tags)
        make, model = _first(meta, _MAKE_KEYS), _first(meta, _MODEL_KEYS)
        audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
        rate = video.average_rate or video.guessed_rate
        return VideoFacts(
            format=container_format(head),
            size_bytes=layout.file_size,
            duration_s=round(duration, 3),
            declared_duration_s=round(declared, 3) if declared else None,
            width=video.codec_context.width,
            height=video.codec_context.height,
            rotation=rotation,
            fps=round(float(rate), 3) if rate else None,
            video_codec=video.codec_context.name,
            audio_codec=audio,
            frames=index.frames or video.frames or None,
            keyframes=index.keyframes if index.frames else None,
            taken_at=taken_at,
            taken_at_source=source,
            make=make,
            model=model,
            encoder=meta.get("encoder"),
            software=_software(meta),
            handler=video.metadata.get("handler_name"),
            edited=True if editor else (False if make or model else None),
            edited_by=editor.name if editor else None,
        )


def _declared_duration(container: Any, video: Any) -> float:
    if container.duration:
        return max(0.0, container.duration / 1_000_000)
    if video.duration and video.time_base:
        return max(0.0, float(video.duration * video.time_base))
    return 0.0


@dataclass
class _Index:
    frames: int = 0
    keyframes: int = 0
    beyond_end: int = 0
    playable_s: float = 0.0


def _scan_index(video: Any, file_size: int) -> _Index:
    """Count samples and keyframes; find samples whose bytes lie past the end of the file."""
    index = _Index()
    base = video.start_time or 0
    last_ok = None
    for entry in video.index_entries:
        index.frames += 1
        index.keyframes += entry.is_keyframe
        if entry.pos + entry.size > file_size:
            index.beyond_end += 1
        elif last_ok is None or entry.timestamp > last_ok:
            last_ok = entry.timestamp
    if last_ok is not None and video.time_base:
        rate = video.average_rate or video.guessed_rate
        step = 1 / float(rate) if rate else 0.0
        index.playable_s = max(0.0, float((last_ok - base) * video.time_base) + step)
    return index


def _first_frame_rotation(path: Path, container: Any, video: Any, found: _Found) -> int:
    """Decode the first frame (proves the video shows something) and read its display rotation."""
    try:
        for count, packet in enumerate(container.demux(video)):
            if count >= MAX_PACKETS_FOR_FIRST_FRAME:
                break
            try:
                frames = packet.decode()
            except av.FFmpegError:
                continue
            if frames:
                return _rotation(frames[0].rotation, video.metadata.get("rotate"), found)
    except av.FFmpegError as exc:
        found.warnings.append(f"视频读取出错 / Error reading the video: {exc}")
    raise VideoUnreadable(
        f"{path.name} 中没有能解码的画面（编码 {video.codec_context.name}）",
        f"No frame of {path.name} can be decoded (codec {video.codec_context.name})",
        fix_zh="请从手机相册重新导出视频（H.264/HEVC 的 MP4 或 MOV）。",
        fix_en="Export the video from the phone's gallery again (H.264/HEVC in MP4 or MOV).",
        truncated=found.truncated,
    )


def clockwise_degrees(ccw: float | None, rotate_tag: str | None = None) -> float:
    """Clockwise degrees to upright from FFmpeg's counter-clockwise display-matrix angle, or
    from the legacy ``rotate`` tag (already clockwise) when there is no display matrix."""
    if not ccw and rotate_tag and rotate_tag.lstrip("-").isdigit():
        return float(rotate_tag) % 360
    return -float(ccw or 0) % 360


def snap_rotation(degrees: float) -> int:
    """The nearest of 0/90/180/270."""
    return round(degrees / 90) * 90 % 360


def _rotation(ccw: float | None, rotate_tag: str | None, found: _Found) -> int:
    degrees = clockwise_degrees(ccw, rotate_tag)
    snapped = snap_rotation(degrees)
    if abs((degrees - snapped + 180) % 360 - 180) > 1:
        found.warnings.append(
            f"视频旋转角度 {degrees:g}° 不是 90 的倍数，按 {snapped}° 显示 / "
            f"Rotation {degrees:g}° is not a multiple of 90; shown at {snapped}°"
        )
    return snapped


def _parse_time(text: str) -> tuple[datetime, bool] | None:
    """(datetime, had_offset); naive results are UTC-less and must be placed by the caller."""
    match = _TIME.search(text)
    if not match:
        return None
    try:
        moment = datetime(*(int(g) for g in match.groups()[:6]))  # type: ignore[misc]
    except ValueError:
        return None
    zone = match.group(7)
    if zone == "Z":
        return moment.replace(tzinfo=UTC), True
    if zone:
        return moment.replace(tzinfo=_offset(zone)), True
    return moment, False


def _offset(text: str) -> timezone | None:
    match = _OFFSET.fullmatch(text.strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _taken_at(meta: dict[str, str], found: _Found) -> tuple[datetime | None, TakenAtSource | None]:
    apple = meta.get("com.apple.quicktime.creationdate")
    parsed = _parse_time(apple) if apple else None
    if parsed and parsed[1] and parsed[0].tzinfo is not None and 2000 <= parsed[0].year <= 2100:
        return parsed[0], "quicktime_creationdate"
    created = meta.get("creation_time")
    parsed = _parse_time(created) if created else None
    if parsed is None or not 2000 <= parsed[0].year <= 2100:
        found.warnings.append("视频没有拍摄时间 / The video carries no capture time")
        return None, None
    moment = parsed[0] if parsed[1] else parsed[0].replace(tzinfo=UTC)
    for key in _UTC_OFFSET_KEYS:
        zone = _offset(meta[key]) if key in meta else None
        if zone is not None:
            return moment.astimezone(zone), "creation_time_utc_offset"
    return moment.astimezone(DEFAULT_OFFSET), "creation_time"


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = meta.get(key, "").strip()
        if value:
            return value
    return None


def _software(meta: dict[str, str]) -> str | None:
    software = _first(meta, ("com.apple.quicktime.software", "software"))
    if software:
        return software
    android = meta.get("com.android.version", "").strip()
    return f"Android {android}" if android else None


def _tag_groups(container: Any, video: Any, meta: dict[str, str]) -> dict[TagGroup, list[str]]:
    def keys_with(*parts: str) -> list[str]:
        return [v for k, v in meta.items() if any(p in k for p in parts) and v]

    return {
        "encoder": [meta["encoder"]] if meta.get("encoder") else [],
        "software": keys_with("software"),
        "comment": keys_with("comment", "description", "title"),
        "handler": [s.metadata.get("handler_name", "") for s in container.streams],
        "compressor": [video.metadata.get("encoder", "")],
        "brand": [meta.get("major_brand", ""), meta.get("compatible_brands", "")],
    }
