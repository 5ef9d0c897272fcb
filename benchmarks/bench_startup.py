"""Benchmark: start-up of light commands (target ≤ 0.25 s), hyperfine-style.

Runs each command --runs times in fresh processes, interleaved (one run of each command in
turn, so a burst of load on a shared machine hits all of them alike), and prints the median
wall time, the median CPU time (user + sys, less sensitive to other processes) and the
slowest imports of one run (``python -X importtime``).

    python benchmarks/bench_startup.py --runs 15
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.25


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one ``python -m disputekit ARGS``."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "disputekit", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"failed: disputekit {' '.join(args)}")
    return wall, usage.ru_utime + usage.ru_stime


def slowest_imports(args: list[str], env: dict[str, str], top: int = 8) -> list[tuple[int, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "disputekit", *args],
                          env=env, capture_output=True, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        shutil.copytree(ROOT / "samples" / "signed-not-received", case,
                        ignore=shutil.ignore_patterns("out", ".disputekit"))
        env = {**os.environ, "DISPUTEKIT_LANG": "en"}
        commands = {"--help": ["--help"], "list": ["list", str(case)], "--version": ["--version"]}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(run(argv, env))
        print(f"median of {args.runs} interleaved runs (target ≤ {TARGET} s wall)")
        print("| command | wall s | CPU s | |")
        print("|---|---|---|---|")
        for name, values in times.items():
            wall = statistics.median(v[0] for v in values)
            cpu = statistics.median(v[1] for v in values)
            print(f"| disputekit {name} | {wall:.3f} | {cpu:.3f} | {'ok' if wall <= TARGET else 'over'} |")
        for name in ("--help", "list"):
            print(f"\nslowest imports of `disputekit {name}` (cumulative µs):")
            for micros, module in slowest_imports(commands[name], env):
                print(f"  {micros:>8}  {module.strip()}")


if __name__ == "__main__":
    main()
