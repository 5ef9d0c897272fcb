"""Benchmark: facts and a 12-frame contact sheet of a long phone-like video, with peak memory.

Run: ``.venv/bin/python benchmarks/bench_video.py [minutes] [clip_kbps]`` (default 120 min at
1100 kbit/s ≈ 1 GB). A 30 s 1280×720 H.264 + AAC clip is encoded once, then stream-copied
end to end (no re-encode) into one MOV laid out like a phone's (mdat first, moov last) with
Apple tags. Measuring runs in a fresh process so its peak RSS (VmHWM) is the reader's alone.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

CLIP_SECONDS, WIDTH, HEIGHT, FPS = 30, 1280, 720, 30
APPLE = {
    "com.apple.quicktime.creationdate": "2025-05-01T18:00:05+0800",
    "com.apple.quicktime.make": "Apple",
    "com.apple.quicktime.model": "iPhone 13",
}


def make_clip(path: Path, kbps: int) -> None:
    out = av.open(str(path), "w")
    video = out.add_stream("libx264", rate=FPS)
    video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    video.bit_rate = kbps * 1000
    video.options = {"preset": "ultrafast", "g": str(FPS)}
    sound = out.add_stream("aac", rate=44100)
    sound.layout = "mono"
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 40, (HEIGHT, WIDTH, 3), np.uint8)
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    for i in range(CLIP_SECONDS * FPS):
        base = ((x + 4 * i) % 256 // 2 + (y // 3) % 128).astype(np.uint8)
        pixels = np.stack([base, base[::-1], np.roll(base, i, 1)], -1) + np.roll(noise, i * 7, 0)
        frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
        frame.pts = i
        out.mux(video.encode(frame))
    out.mux(video.encode())
    pts = 0
    while pts < CLIP_SECONDS * 44100:
        chunk = av.AudioFrame.from_ndarray(
            (np.sin(np.arange(1024) / 9) * 0.1).astype(np.float32)[None],
            format="fltp",
            layout="mono",
        )
        chunk.sample_rate, chunk.pts = 44100, pts
        pts += 1024
        out.mux(sound.encode(chunk))
    out.mux(sound.encode())
    out.close()


def repeat_clip(clip: Path, path: Path, repeats: int) -> None:
    """Stream-copy ``clip`` ``repeats`` times into one file (timestamps shifted, no decode)."""
    out = av.open(str(path), "w", options={"fflags": "+bitexact", "movflags": "use_metadata_tags"})
    out.metadata.update(APPLE)
    with av.open(str(clip)) as source:
        streams = {s.index: out.add_stream_from_template(s) for s in source.streams}
        bases = {s.index: s.time_base for s in source.streams}
        span = source.duration / 1_000_000 + 0.5  # seconds per copy, with a gap for B-frame dts
    for rep in range(repeats):
        with av.open(str(clip)) as source:
            for packet in source.demux():
                if packet.dts is None:
                    continue
                shift = round(rep * span / bases[packet.stream.index])
                packet.pts, packet.dts = packet.pts + shift, packet.dts + shift
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    out.close()


def measure(path: Path) -> None:
    from disputekit.collect.parse.video import parse_video
    from disputekit.collect.video_frames import contact_sheet, frame_at, keyframes

    baseline = _vm("VmRSS")
    start = time.perf_counter()
    facts = parse_video(path)
    parsed = time.perf_counter() - start
    start = time.perf_counter()
    frames = keyframes(path, 12, duration=facts.duration_s)
    sheet = contact_sheet(frames)
    sheeted = time.perf_counter() - start
    start = time.perf_counter()
    frame_at(path, facts.duration_s * 0.61)
    marked = time.perf_counter() - start
    peak = _vm("VmHWM")
    size = path.stat().st_size
    print(f"file: {size / 1e9:.2f} GB, {facts.duration_s / 60:.1f} min, {facts.frames} frames")
    print(f"parse_video: {parsed * 1000:.0f} ms  (keyframes in index: {facts.keyframes})")
    print(f"12 keyframes + contact sheet {sheet.size}: {sheeted * 1000:.0f} ms")
    print(f"frame_at (one marked frame): {marked * 1000:.0f} ms")
    print(f"peak RSS (VmHWM): {peak:.0f} MB (after imports, before reading: {baseline:.0f} MB)")


def _vm(key: str) -> float:
    """A /proc/self/status memory figure in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure(Path(sys.argv[2]))
        return
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 120
    kbps = int(sys.argv[2]) if len(sys.argv) > 2 else 1100
    with tempfile.TemporaryDirectory() as tmp:
        clip, big = Path(tmp) / "clip.mp4", Path(tmp) / "IMG_0001.MOV"
        start = time.perf_counter()
        make_clip(clip, kbps)
        repeat_clip(clip, big, max(1, round(minutes * 60 / CLIP_SECONDS)))
        print(f"(made test video in {time.perf_counter() - start:.0f} s)")
        subprocess.run([sys.executable, __file__, "--measure", str(big)], check=True)


if __name__ == "__main__":
    main()
