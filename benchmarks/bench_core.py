"""Benchmark the core: adding 50 photos to a case (target ≤ 10 s) and the daily queue over
1,000 cases (target ≤ 2 s). Prints medians of --runs.

    python benchmarks/bench_core.py --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_build import make_photo  # noqa: E402


def bench_add(tmp: Path, runs: int) -> list[float]:
    photos = tmp / "photos"
    photos.mkdir()
    for n in range(50):
        make_photo(photos / f"IMG_{n:04d}.jpg", n)
    times = []
    for run in range(runs):
        case = tmp / f"add{run}"
        case.mkdir()
        shutil.copyfile(ROOT / "samples/signed-not-received/case.toml", case / "case.toml")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "disputekit", "add", str(case), *map(str, sorted(photos.iterdir())),
                        "--tag", "before_shipment", "--now", "2025-04-21T09:00+08:00"],
                       check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def bench_queue(tmp: Path, runs: int, count: int = 1000) -> list[float]:
    from casekit import sample_case

    template = sample_case("signed-not-received", tmp / "template")
    cases = tmp / "cases"
    for n in range(count):
        dest = cases / f"{n // 100:02d}" / f"case{n:04d}"
        shutil.copytree(template, dest)
        toml = dest / "case.toml"
        toml.write_text(toml.read_text("utf-8").replace('refund_id = "20250420001"', f'refund_id = "2025042{n:04d}"'), "utf-8")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "disputekit", "queue", str(cases), "--json",
                        "--now", "2025-04-21T09:00+08:00"], capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        add = bench_add(Path(tmp), args.runs)
        print(f"add 50 photos (12 MP, ~4.9 MB): median {statistics.median(add):.2f} s (target ≤ 10 s); runs {[round(t, 2) for t in add]}")
        queue = bench_queue(Path(tmp), args.runs)
        print(f"queue over 1,000 cases:         median {statistics.median(queue):.2f} s (target ≤ 2 s); runs {[round(t, 2) for t in queue]}")


if __name__ == "__main__":
    main()
