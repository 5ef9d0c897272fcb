"""OCR speed and memory: engine load, median time of a phone and a desktop page, peak RSS.

Run: .venv/bin/python benchmarks/bench_ocr.py [--runs 5]
Pages are drawn like the tests (tests/screenkit.py): a 1080×2160 Taobao 物流详情 page and a
1366×768 courier-site table. Targets (issue 10): phone ≤ 1.5 s, desktop ≤ 1.0 s, RSS ≤ 450 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import screenkit
from disputekit.collect.ocr import default_engine, ocr_image


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def median_seconds(image: object, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of one OCR (CPU time does not depend on other load)."""
    walls, cpus, count = [], [], 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        count = len(ocr_image(image).lines)  # type: ignore[arg-type]
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    phone = screenkit.phone_tracking_taobao(size=(1080, 2160))
    desktop = screenkit.desktop_tracking_table(size=(1366, 768))
    start = time.perf_counter()
    engine = default_engine()
    load = time.perf_counter() - start
    phone_s, phone_cpu, phone_lines = median_seconds(phone, runs)
    desktop_s, desktop_cpu, desktop_lines = median_seconds(desktop, runs)
    print(f"engine       {engine.name}")
    print(f"load         {load:.2f} s (once per process)")
    print(f"phone        {phone_s:.2f} s (CPU {phone_cpu:.2f} s) median of {runs}, 1080x2160, {phone_lines} lines")
    print(f"desktop      {desktop_s:.2f} s (CPU {desktop_cpu:.2f} s) median of {runs}, 1366x768, {desktop_lines} lines")
    print(f"peak RSS     {peak_rss_mb():.0f} MB")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
