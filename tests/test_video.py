"""Video evidence: facts, truncation, editor signatures, frames and contact sheet.

Test videos are made here with PyAV's own encoders (libx264 in its wheels), with the tags
phones and editors write. ``fflags=+bitexact`` stops FFmpeg stamping its own ``Lavf`` encoder
tag, so a file can pass for a camera original; ``use_metadata_tags`` writes Apple-style keys.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from disputekit.collect.parse.isobmff import walk
from disputekit.collect.parse.video import (
    VideoUnreadable,
    clockwise_degrees,
    container_format,
    looks_like_video,
    parse_video,
)
from disputekit.collect.parse.video_editors import editor_table, find_editor
from disputekit.collect.video_frames import (
    FRAME_SIDE,
    LABEL_HEIGHT,
    Frame,
    FrameTimeError,
    contact_sheet,
    format_timestamp,
    frame_at,
    keyframes,
    parse_timestamp,
)

FPS = 30
AUDIO_HANDLERS = {"Core Media Video": "Core Media Audio", "VideoHandle": "SoundHandle"}
CAMERA = {"fflags": "+bitexact", "movflags": "use_metadata_tags"}
APPLE = {
    "com.apple.quicktime.creationdate": "2025-05-01T18:00:05+0800",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 13",
    "com.apple.quicktime.software": "17.5",
    "creation_time": "2025-05-01T10:00:05.000000Z",
}


def make_video(
    path: Path,
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (160, 96),
    rotation: float | None = None,
    meta: dict[str, str] | None = None,
    handler: str | None = None,
    options: dict[str, str] | None = None,
    fmt: str | None = None,
    audio: bool = True,
) -> Path:
    """H.264 (+ AAC) with a keyframe every 0.5 s; frame i shows a bar at x = i mod width."""
    width, height = size
    out = av.open(str(path), "w", format=fmt, options=options or {})
    out.metadata.update(meta or {})
    video = out.add_stream("libx264", rate=FPS)
    video.width, video.height, video.pix_fmt = width, height, "yuv420p"
    video.options = {"g": str(FPS // 2), "preset": "ultrafast"}
    if handler:
        video.metadata["handler_name"] = handler
    if rotation is not None:
        video.set_display_rotation(rotation)
    sound = out.add_stream("aac", rate=22050) if audio else None
    if sound is not None:
        sound.layout = "mono"
        if handler:  # the camera's audio handler name goes with its video one
            sound.metadata["handler_name"] = AUDIO_HANDLERS[handler]
    count = round(seconds * FPS)
    for i in range(count):
        pixels = np.full((height, width, 3), 40, np.uint8)
        pixels[: height // 3, :] = 230  # a bright top band: shows which way is up
        pixels[:, i % width] = (255, 0, 0)
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts = i
        out.mux(video.encode(frame))
    out.mux(video.encode())
    if sound is not None:
        samples, pts = round(seconds * 22050), 0
        while pts < samples:
            chunk = av.AudioFrame.from_ndarray(
                np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
            )
            chunk.sample_rate, chunk.pts = 22050, pts
            pts += 1024
            out.mux(sound.encode(chunk))
        out.mux(sound.encode())
    out.close()
    return path


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("videos")
    return {
        "phone_mov": make_video(
            folder / "IMG_0001.MOV",
            rotation=-90,  # iPhone portrait: stored landscape, display matrix turns it 90° cw
            meta=APPLE,
            handler="Core Media Video",
            options=CAMERA,
        ),
        "lavf_mp4": make_video(
            folder / "remux.mp4",
            seconds=10,
            meta={"creation_time": "2025-05-01T10:00:00.000000Z"},
            options={"movflags": "faststart"},
        ),
        "capcut": make_video(
            folder / "export.mp4",
            meta={**APPLE, "com.apple.quicktime.software": "CapCut 8.1.0"},
            options=CAMERA,
            handler="Core Media Video",
        ),
        "samsung": make_video(
            folder / "20250501_180005.mp4",
            meta={
                "creation_time": "2025-05-01T09:00:05.000000Z",
                "com.samsung.android.utc_offset": "+0900",
                "com.android.manufacturer": "samsung",
                "com.android.model": "SM-S9180",
                "com.android.version": "14",
            },
            handler="VideoHandle",
            options=CAMERA,
        ),
        "3gp": make_video(folder / "clip.3gp", fmt="3gp", audio=False, options={}),
    }


# --- recognising a video --------------------------------------------------------------


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (len(body) + 8).to_bytes(4, "big") + b"ftyp" + body + b"\x00\x00\x00\x08free"


@pytest.mark.parametrize(
    ("head", "expected", "fmt"),
    [
        (_ftyp(b"isom", b"isom", b"iso2", b"avc1", b"mp41"), True, "mp4"),
        (_ftyp(b"qt  ", b"qt  "), True, "mov"),
        (_ftyp(b"3gp4", b"isom", b"3gp4"), True, "3gp"),
        (_ftyp(b"3g2a", b"3g2a"), True, "3g2"),
        (_ftyp(b"M4V ", b"M4V ", b"mp42"), True, "m4v"),
        (_ftyp(b"mp42", b"mp42", b"isom"), True, "mp4"),
        (b"\x00\x00\x00\x08wide\x00\x10\x00\x00mdat", True, "mov"),  # old QuickTime
        (b"\x00\x00\x01\x00moov\x00\x00\x00\x6cmvhd", True, "mov"),
    ],
)
def test_looks_like_video_by_content(head: bytes, expected: bool, fmt: str) -> None:
    assert looks_like_video(head) is expected
    assert container_format(head) == fmt


@pytest.mark.parametrize(
    "head",
    [
        _ftyp(b"heic", b"mif1", b"heic"),  # iPhone photo
        _ftyp(b"mif1", b"mif1", b"heic"),
        _ftyp(b"avif", b"avif", b"mif1"),
        _ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"),  # voice memo
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        "时间,描述,地点\n".encode(),
        b"",
    ],
)
def test_not_a_video(head: bytes) -> None:
    assert looks_like_video(head) is False


def test_parse_refuses_a_non_video(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("时间,描述,地点\n2025-05-01 10:00,已签收,杭州\n", encoding="utf-8")
    with pytest.raises(VideoUnreadable) as caught:
        parse_video(path)
    assert "MP4/MOV/3GP" in caught.value.zh and "MP4/MOV/3GP" in caught.value.en


# --- facts ----------------------------------------------------------------------------


def test_iphone_mov_facts(videos: dict[str, Path]) -> None:
    facts = parse_video(videos["phone_mov"])
    assert facts.kind == "video" and facts.format == "mov"
    assert (facts.width, facts.height, facts.rotation) == (160, 96, 90)
    assert facts.upright_size == (96, 160)
    assert facts.duration_s == pytest.approx(2.0, abs=0.1)
    assert facts.fps == pytest.approx(FPS)
    assert (facts.video_codec, facts.audio_codec) == ("h264", "aac")
    assert facts.frames == 60 and facts.keyframes == 4
    # the device's local time with its own offset, not the UTC creation_time
    assert facts.taken_at == datetime(2025, 5, 1, 18, 0, 5, tzinfo=timezone(timedelta(hours=8)))
    assert facts.taken_at.utcoffset() == timedelta(hours=8)
    assert facts.taken_at_source == "quicktime_creationdate"
    assert (facts.make, facts.model, facts.software) == ("Apple", "iPhone 13", "17.5")
    assert facts.handler == "Core Media Video" and facts.encoder is None
    assert facts.edited is False and facts.edited_by is None
    assert facts.truncated is False and facts.warnings == []
    assert facts.size_bytes == videos["phone_mov"].stat().st_size


def test_ffmpeg_remux_is_flagged_and_utc_time_shown_in_china_time(
    videos: dict[str, Path],
) -> None:
    facts = parse_video(videos["lavf_mp4"])
    assert facts.format == "mp4" and facts.rotation == 0
    assert facts.duration_s == pytest.approx(10.0, abs=0.1)
    assert facts.encoder is not None and facts.encoder.startswith("Lavf")
    assert facts.edited is True and facts.edited_by == "FFmpeg (Lavf)"
    assert facts.taken_at_source == "creation_time"
    assert facts.taken_at == datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
    assert facts.taken_at.utcoffset() == timedelta(hours=8)


def test_editor_signature_wins_over_device_tags(videos: dict[str, Path]) -> None:
    facts = parse_video(videos["capcut"])
    assert facts.make == "Apple"
    assert facts.edited is True and facts.edited_by == "剪映 / CapCut"


def test_samsung_utc_offset_and_android_tags(videos: dict[str, Path]) -> None:
    facts = parse_video(videos["samsung"])
    assert facts.taken_at_source == "creation_time_utc_offset"
    assert facts.taken_at == datetime(2025, 5, 1, 9, 0, 5, tzinfo=UTC)
    assert facts.taken_at.utcoffset() == timedelta(hours=9)
    assert (facts.make, facts.model, facts.software) == ("samsung", "SM-S9180", "Android 14")
    assert facts.edited is False


def test_3gp_without_audio_or_time(videos: dict[str, Path]) -> None:
    facts = parse_video(videos["3gp"])
    assert facts.format == "3gp" and facts.audio_codec is None
    assert facts.taken_at is None and facts.taken_at_source is None
    assert any("拍摄时间" in w and "capture time" in w for w in facts.warnings)


def test_facts_json_round_trip(videos: dict[str, Path]) -> None:
    facts = parse_video(videos["phone_mov"])
    again = type(facts).model_validate_json(facts.model_dump_json())
    assert again == facts
    assert '"taken_at":"2025-05-01T18:00:05+08:00"' in facts.model_dump_json()


@pytest.mark.parametrize(
    ("ccw", "tag", "expected"),
    [(-90, None, 90), (90, None, 270), (180, None, 180), (0, "90", 90), (None, None, 0)],
)
def test_rotation_conventions(ccw: float | None, tag: str | None, expected: int) -> None:
    assert clockwise_degrees(ccw, tag) == expected


# --- editor table ---------------------------------------------------------------------


def test_editor_table_specific_before_generic() -> None:
    names = [e.name for e in editor_table().editor]
    assert names.index("剪映 / CapCut") < names.index("FFmpeg (Lavf)")
    assert names[-1] == "FFmpeg (Lavf)"
    lavf_and_capcut = {"encoder": ["Lavf58.76.100"], "software": ["CapCut"]}
    assert find_editor(lavf_and_capcut).name == "剪映 / CapCut"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tags", "name"),
    [
        ({"encoder": ["InShot 1.9"]}, "InShot"),
        ({"software": ["VivaCut"]}, "VivaCut / VivaVideo (小影)"),
        ({"comment": ["vid:v0d00fg10000cabc"]}, "抖音 / TikTok"),
        ({"encoder": ["HandBrake 1.6.1 2023012300"]}, "HandBrake"),
        ({"handler": ["ISO Media file produced by Google Inc."]}, "YouTube / Google re-encode"),
        ({"software": ["iMovie 10.4"]}, "iMovie"),
        ({"handler": ["Core Media Video"], "software": ["17.5"]}, None),
        ({"handler": ["VideoHandle", "SoundHandle"]}, None),  # Android's own muxer
    ],
)
def test_editor_signatures(tags: dict, name: str | None) -> None:
    found = find_editor(tags)
    assert (found.name if found else None) == name


# --- truncation -----------------------------------------------------------------------


def test_cut_after_the_index_is_truncated_with_playable_length(
    videos: dict[str, Path], tmp_path: Path
) -> None:
    data = videos["lavf_mp4"].read_bytes()  # faststart: moov before mdat
    half = tmp_path / "half.mp4"
    half.write_bytes(data[: len(data) // 2])
    facts = parse_video(half)
    assert facts.truncated is True
    assert facts.declared_duration_s == pytest.approx(10.0, abs=0.1)
    assert 1.0 < facts.duration_s < 9.0
    assert any("不完整" in w and "Incomplete" in w for w in facts.warnings)
    frames = keyframes(half, 6, duration=facts.duration_s)
    assert frames and frames[-1].t <= facts.duration_s + 0.1


def test_cut_before_the_index_is_unreadable(videos: dict[str, Path], tmp_path: Path) -> None:
    data = videos["phone_mov"].read_bytes()  # camera layout: mdat first, moov at the end
    assert [b.type for b in walk(videos["phone_mov"]).boxes][-1] == "moov"
    half = tmp_path / "IMG_0001_half.MOV"
    half.write_bytes(data[: len(data) // 2])
    with pytest.raises(VideoUnreadable) as caught:
        parse_video(half)
    assert caught.value.truncated is True
    assert "moov" in caught.value.en and "不完整" in caught.value.zh


def test_box_walk_reports_overrun(videos: dict[str, Path], tmp_path: Path) -> None:
    data = videos["lavf_mp4"].read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[:-100])
    layout = walk(cut)
    assert layout.overrun is not None and layout.overrun.type == "mdat"
    assert not layout.complete and walk(videos["lavf_mp4"]).complete


def test_ffmpeg_never_writes_to_the_terminal(
    videos: dict[str, Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = videos["lavf_mp4"].read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(data[: len(data) * 2 // 3])
    warnings: list[str] = []
    facts = parse_video(broken)
    keyframes(broken, 12, warnings=warnings)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert facts.truncated and warnings  # the decoder's complaints became warnings
    assert all(" / " in w for w in warnings)


# --- frames ---------------------------------------------------------------------------


def test_keyframes_spread_and_monotone(videos: dict[str, Path]) -> None:
    frames = keyframes(videos["lavf_mp4"], 12)
    assert len(frames) == 12
    times = [f.t for f in frames]
    assert times == sorted(times) and len(set(times)) == 12
    assert times[0] < 1.0 and times[-1] > 9.0
    for frame, i in zip(frames, range(12), strict=True):
        assert abs(frame.t - 10 * (i + 0.5) / 12) <= 1 / FPS + 1e-6
        assert frame.image.mode == "RGB" and max(frame.image.size) <= FRAME_SIDE


def test_frame_at_is_the_frame_shown_then(videos: dict[str, Path]) -> None:
    frame = frame_at(videos["lavf_mp4"], parse_timestamp("00:07"))
    assert abs(frame.t - 7.0) <= 1 / FPS
    assert frame_at(videos["lavf_mp4"], 7.0, side=80).image.size == (80, 48)
    # frame i has its red bar at column i mod 160: the decoded picture is frame 210
    red = np.asarray(frame.image)[:, :, 0].astype(int) - np.asarray(frame.image)[:, :, 1]
    assert int(red.mean(axis=0).argmax()) == pytest.approx(210 % 160, abs=1)


def test_frame_at_outside_the_video(videos: dict[str, Path]) -> None:
    with pytest.raises(FrameTimeError) as caught:
        frame_at(videos["lavf_mp4"], 61.0)
    assert "00:10" in caught.value.zh and "01:01" in caught.value.en


def test_rotated_video_gives_upright_portrait_frames(videos: dict[str, Path]) -> None:
    frames = keyframes(videos["phone_mov"], 4)
    assert frames and all(f.image.height > f.image.width for f in frames)
    pixels = np.asarray(frames[0].image).mean(axis=2)
    # the stored frame's bright top band is on the right once turned 90° clockwise
    assert pixels[:, -10:].mean() > pixels[:, :10].mean() + 100


def test_contact_sheet_layout() -> None:
    frames = [Frame(t=float(i * 65), image=Image.new("RGB", (160, 90), "red")) for i in range(7)]
    sheet = contact_sheet(frames, columns=3)
    gap = 8
    assert sheet.size == (3 * 160 + 4 * gap, 3 * (90 + LABEL_HEIGHT) + 4 * gap)
    assert [f.label for f in frames[:3]] == ["00:00", "01:05", "02:10"]
    # the label band under the first frame has dark text pixels
    band = np.asarray(sheet.convert("L"))[gap + 90 : gap + 90 + LABEL_HEIGHT, gap : gap + 160]
    assert band.min() < 100
    with pytest.raises(ValueError):
        contact_sheet([])


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:41", 41.0),
        ("0:41", 41.0),
        ("1:02:03", 3723.0),
        ("41.5", 41.5),
        ("41", 41.0),
        ("41s", 41.0),
        ("00:41.5", 41.5),
        ("００：４１", 41.0),  # typed with a Chinese input method
        ("1分2秒", 62.0),
        ("75:10", 4510.0),
    ],
)
def test_parse_timestamp(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-3", "00:61", "1:60:00", "1:2:3:4", "秒"])
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(FrameTimeError):
        parse_timestamp(text)


def test_format_timestamp() -> None:
    assert format_timestamp(41.9) == "00:41"
    assert format_timestamp(3723) == "1:02:03"


# --- a big file is not read whole -----------------------------------------------------


def _rchar() -> int:
    with open("/proc/self/io") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("rchar:"))


@pytest.mark.skipif(not os.path.exists("/proc/self/io"), reason="needs Linux /proc/self/io")
def test_big_video_is_not_read_whole(tmp_path: Path) -> None:
    """~200 MB of raw frames (camera layout, moov at the end): parsing reads a few MB."""
    path = tmp_path / "big.mov"
    out = av.open(str(path), "w", options={"fflags": "+bitexact"})
    stream = out.add_stream("rawvideo", rate=FPS)
    stream.width, stream.height, stream.pix_fmt = 640, 480, "rgb24"
    stream.codec_context.time_base = Fraction(1, FPS)
    pixels = np.random.default_rng(1).integers(0, 255, (480, 640, 3), np.uint8)
    for i in range(220):
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts = i
        out.mux(stream.encode(frame))
    out.mux(stream.encode())
    out.close()
    size = path.stat().st_size
    assert size > 200_000_000
    before = _rchar()
    facts = parse_video(path)
    frames = keyframes(path, 3, duration=facts.duration_s)
    read = _rchar() - before
    assert facts.frames == 220 and len(frames) == 3
    assert read < 12_000_000, f"read {read} bytes of a {size}-byte file"
