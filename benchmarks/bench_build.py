"""Benchmark: dossier build vs img2pdf (the I/O floor), size and peak memory.

Generates a case with N photos 4000×3000 (~4.5 MB JPEG each), a 2,000-message chat, 5 PNG
screenshots and a tracking record; times img2pdf wrapping the same JPEGs losslessly, then the
dossier build, each in a fresh subprocess (median of --runs), and prints the ratio, the
dossier size and the peak RSS of the build process and of its image workers.

    python benchmarks/bench_build.py --photos 50 --runs 3
    python benchmarks/bench_build.py --photos 200 --runs 1     # memory stays flat?
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "signed-not-received"


def make_photo(path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:3000, 0:4000]
    base = ((x / 4000 * 180 + y / 3000 * 60 + seed * 7) % 255).astype(np.uint8)
    noise = rng.integers(0, 60, (3000, 4000, 3), dtype=np.uint8)
    rgb = np.stack([base, base[::-1], np.roll(base, seed * 31, axis=1)], axis=2) // 2 + noise
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = f"2025:04:16 14:{seed % 60:02d}:00"
    Image.fromarray(rgb.astype(np.uint8)).save(path, "JPEG", quality=88, exif=exif)


def make_chat(path: Path, count: int) -> None:
    lines = []
    for i in range(count):
        who = "tb_小明2021" if i % 2 else "悦家旗舰店:小林"
        lines += [f"{who} 2025-4-{19 + i // 1500} {8 + (i // 60) % 14}:{i % 60:02d}:00",
                  f"第{i}条消息 关于订单3712345678901234567 的物流 😊 已读"]
    path.write_bytes("\r\n".join(lines).encode("utf-8"))


def make_case(root: Path, photos: int) -> tuple[Path, list[Path]]:
    from disputekit.clock import parse_time
    from disputekit.collect.evidence_ops import add_files

    case = root / "case"
    case.mkdir()
    (case / "case.toml").write_bytes((SAMPLE / "case.toml").read_bytes())
    media = root / "media"
    media.mkdir()
    jpegs = []
    for n in range(photos):
        jpegs.append(media / f"IMG_{n:04d}.jpg")
        make_photo(jpegs[-1], n)
    shots = []
    for n in range(5):
        shots.append(media / f"shot_{n}.png")
        Image.new("RGB", (1080, 2340), (250, 250, 250 - n)).save(shots[-1])
    make_chat(media / "chat.txt", 2000)
    now = parse_time("2025-04-21T09:00:00+08:00")
    add_files(case, [media / "chat.txt", SAMPLE / "tracking.json", *shots], at=now, actor="bench")
    add_files(case, jpegs, at=now, actor="bench", tag="before_shipment")
    return case, jpegs


def timed(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, as wait4 reports it) of a subprocess."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {cmd}")
    return time.perf_counter() - start, usage.ru_maxrss


BUILD = """
import json, resource, sys
from pathlib import Path
from disputekit.assemble.build import build_dossier
from disputekit.clock import parse_time
from disputekit.models.build import BuildOptions
r = build_dossier(Path(sys.argv[1]), BuildOptions(now=parse_time('2025-04-21T09:00:00+08:00'),
                  out_dir=Path(sys.argv[2]), upload=False, draft=True, jobs=2))
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
# VmHWM is this process's own peak (ru_maxrss would include the parent's pages at fork)
own = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
print(json.dumps({"pages": r.pages, "bytes": r.dossier.stat().st_size, "worker_rss_kib": kids, "rss_kib": own}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        case, jpegs = make_case(root, args.photos)
        print(f"generated case with {args.photos} photos in {time.perf_counter() - t0:.1f} s "
              f"({sum(p.stat().st_size for p in jpegs) / len(jpegs) / 1e6:.2f} MB per JPEG)")
        floor, builds, rss, info = [], [], [], {}
        for run in range(args.runs):
            t, _ = timed([sys.executable, "-c",
                          "import img2pdf,sys; open(sys.argv[1],'wb').write(img2pdf.convert(sys.argv[2:]))",
                          str(root / "floor.pdf"), *map(str, jpegs)])
            floor.append(t)
            out = root / f"out{run}"
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", BUILD, str(case), str(out)],
                                  capture_output=True, text=True, check=True)
            builds.append(time.perf_counter() - start)
            info = json.loads(proc.stdout.strip().splitlines()[-1])
            # measured inside the child (VmHWM): ru_maxrss counts the parent's pages present at
            # fork time (the generator above holds large arrays), which are not the build's
            rss.append(info["rss_kib"])
        f, b = statistics.median(floor), statistics.median(builds)
        print(f"img2pdf (lossless, I/O floor): median {f:.2f} s over {args.runs} runs")
        print(f"dossier build:                 median {b:.2f} s  → ratio {b / f:.2f}× (target ≤ 2.5×)")
        print(f"dossier: {info['pages']} pages, {info['bytes'] / 1e6:.2f} MB (target ≤ 12 MB)")
        print(f"peak RSS: build process {statistics.median(rss) / 1024:.0f} MB, "
              f"largest image worker {info['worker_rss_kib'] / 1024:.0f} MB (target ≤ 200 MB)")


if __name__ == "__main__":
    main()
