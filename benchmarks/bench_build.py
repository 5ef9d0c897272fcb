"""Benchmark: dossier build vs img2pdf (the I/O floor), size and peak memory.

Generates a case with N photos 4000×3000 (~4.5 MB JPEG each), a 2,000-message chat, 5 PNG
screenshots and a tracking record; times img2pdf wrapping the same JPEGs losslessly, then the
build (dossier **and** upload bundle, as `disputekit build` does), each in a fresh subprocess,
alternating, median of --runs. A "first" build runs with an empty glyph cache
(``DISPUTEKIT_CACHE_DIR`` pointing at a new folder) into a new out folder, a "second" build
of the same case into the same out folder, with the caches the first one filled (glyphs, and
the prepared images in out/.cache/images). Prints one table row per photo count: photos, build s (first/second),
img2pdf s, ratio, dossier MB, peak RSS of the build process and of its largest worker.

    python benchmarks/bench_build.py --photos 20 50 --runs 3
    python benchmarks/bench_build.py --photos 200 --runs 1     # memory stays flat?
    python benchmarks/bench_build.py --photos 20 --keep /tmp/case20   # keep the case to profile
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
    from disputekit.case import init_case, load_case_file
    from disputekit.clock import parse_time
    from disputekit.collect.evidence_ops import add_files

    case = root / "case"
    init_case(case, load_case_file(SAMPLE / "case.toml"), at=parse_time("2025-04-20T10:05:00+08:00"),
              actor="bench")  # as `disputekit init` does: the audit log starts with init
    media = root / "media"
    media.mkdir(exist_ok=True)
    jpegs = []
    for n in range(photos):
        jpegs.append(media / f"IMG_{n:04d}.jpg")
        if not jpegs[-1].exists():  # photos kept by --keep are reused (generating is slow)
            make_photo(jpegs[-1], n)
    shots = []
    for n in range(5):
        shots.append(media / f"shot_{n}.png")
        Image.new("RGB", (1080, 2340), (250, 250, 250 - n)).save(shots[-1])
    if photos < len(list(media.glob("IMG_*.jpg"))):
        raise SystemExit(f"{media} holds more photos than --photos {photos}")
    make_chat(media / "chat.txt", 2000)
    now = parse_time("2025-04-21T09:00:00+08:00")
    add_files(case, [media / "chat.txt", SAMPLE / "tracking.json", *shots], at=now, actor="bench")
    add_files(case, jpegs, at=now, actor="bench", tag="before_shipment")
    return case, jpegs


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + sys) of a subprocess."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {cmd}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


BUILD = """
import json, resource, sys
from pathlib import Path
from disputekit.assemble.build import build_dossier
from disputekit.clock import parse_time
from disputekit.models.build import BuildOptions
r = build_dossier(Path(sys.argv[1]), BuildOptions(now=parse_time('2025-04-21T09:00:00+08:00'),
                  out_dir=Path(sys.argv[2]), upload=sys.argv[3] == "1", draft=True, jobs=2))
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
kids = children.ru_maxrss
# VmHWM is this process's own peak (ru_maxrss would include the parent's pages at fork)
own = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
print(json.dumps({"pages": r.pages, "bytes": r.dossier.stat().st_size, "worker_rss_kib": kids, "rss_kib": own,
                  "cpu": me.ru_utime + me.ru_stime, "worker_cpu": children.ru_utime + children.ru_stime}))
"""


def run_build(case: Path, out: Path, cache: Path, upload: bool) -> tuple[float, dict]:
    env = {**os.environ, "DISPUTEKIT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", BUILD, str(case), str(out), "1" if upload else "0"],
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    # rss_kib is measured inside the child (VmHWM): ru_maxrss counts the parent's pages present
    # at fork time (the generator above holds large arrays), which are not the build's
    return elapsed, json.loads(proc.stdout.strip().splitlines()[-1])


def measure(root: Path, photos: int, runs: int, upload: bool) -> dict[str, float]:
    t0 = time.perf_counter()
    if (root / "case").is_dir():  # --keep of an earlier run: reuse the generated case
        case, jpegs = root / "case", sorted((root / "media").glob("IMG_*.jpg"))
    else:  # (a kept media folder without its case: the case is made anew from those photos)
        case, jpegs = make_case(root, photos)
    print(f"generated case with {photos} photos in {time.perf_counter() - t0:.1f} s "
          f"({sum(p.stat().st_size for p in jpegs) / len(jpegs) / 1e6:.2f} MB per JPEG)", flush=True)
    floor, first, second, rss, workers, info = [], [], [], [], [], {}
    floor_cpu, cpu1, cpu2 = [], [], []
    img2pdf = [sys.executable, "-c",
               "import img2pdf,sys; open(sys.argv[1],'wb').write(img2pdf.convert(sys.argv[2:]))",
               str(root / "floor.pdf"), *map(str, jpegs)]
    for _run in range(runs):
        t, c = timed(img2pdf)
        floor.append(t)
        floor_cpu.append(c)
        cache = Path(tempfile.mkdtemp(dir=root, prefix="cache"))  # empty: a first build
        out = Path(tempfile.mkdtemp(dir=root, prefix="out"))
        t, info = run_build(case, out, cache, upload)
        first.append(t)
        cpu1.append((info["cpu"], info["worker_cpu"]))
        rss.append(info["rss_kib"])
        workers.append(info["worker_rss_kib"])
        t, c = timed(img2pdf)
        floor.append(t)
        floor_cpu.append(c)
        # the same case built again into the same out/, as `disputekit build CASE` twice: the
        # glyph cache and out/.cache/images (prepared images) are warm now
        t, info = run_build(case, out, cache, upload)
        second.append(t)
        cpu2.append((info["cpu"], info["worker_cpu"]))
        rss.append(info["rss_kib"])
    f, b1, b2 = (statistics.median(x) for x in (floor, first, second))
    main1, work1 = (statistics.median(c[i] for c in cpu1) for i in (0, 1))
    main2, work2 = (statistics.median(c[i] for c in cpu2) for i in (0, 1))
    return {"photos": photos, "first": b1, "second": b2, "floor": f, "ratio": b1 / f,
            "ratio2": b2 / f, "mb": info["bytes"] / 1e6, "pages": info["pages"],
            "rss": max(rss) / 1024, "worker": max(workers) / 1024,
            "floor_cpu": statistics.median(floor_cpu), "main1": main1, "work1": work1,
            "main2": main2, "work2": work2}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, nargs="+", default=[50])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-upload", action="store_true", help="dossier only (no upload bundle)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate the (first) case here and keep it, e.g. to profile")
    args = parser.parse_args()
    rows = []
    for photos in args.photos:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                root, args.keep = args.keep, None
            rows.append(measure(root, photos, args.runs, not args.no_upload))
    print(f"\nmedians of {args.runs} runs, img2pdf alternating with each build "
          f"({'dossier only' if args.no_upload else 'dossier + upload bundle'})")
    print("| photos | build s (first) | build s (second, cached) | second/first | img2pdf s "
          "| ratio first (second) | dossier MB (per photo) | peak RSS MB (worker) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['photos']} | {r['first']:.2f} | {r['second']:.2f} | {r['second'] / r['first']:.0%} "
              f"| {r['floor']:.2f} | {r['ratio']:.2f}× ({r['ratio2']:.2f}×) "
              f"| {r['mb']:.2f} ({r['mb'] / r['photos']:.3f}) | {r['rss']:.0f} ({r['worker']:.0f}) |")
    print("\nCPU seconds (medians; less sensitive to other processes on a shared machine). On an idle "
          "2-core machine a build takes at least max(main, (main + workers) / 2):")
    print("| photos | img2pdf CPU | first: main + workers | second: main + workers | idle-floor estimate first (second) | ratio to img2pdf CPU |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        est1 = max(r["main1"], (r["main1"] + r["work1"]) / 2)
        est2 = max(r["main2"], (r["main2"] + r["work2"]) / 2)
        print(f"| {r['photos']} | {r['floor_cpu']:.2f} | {r['main1']:.2f} + {r['work1']:.2f} "
              f"| {r['main2']:.2f} + {r['work2']:.2f} | {est1:.2f} ({est2:.2f}) s "
              f"| {est1 / r['floor_cpu']:.2f}× ({est2 / r['floor_cpu']:.2f}×) |")
    print("targets: ratio ≤ 3.0× at 20 photos, ≤ 2.0× at 50, ≤ 1.8× at 200; second ≤ 60 % of first; "
          "≤ 0.24 MB per photo; RSS ≤ 200 MB at 50, ≤ +10 % at 200")


if __name__ == "__main__":
    main()
