"""Benchmark: a dossier built from a case whose chat has 100,000 messages (issue 13 §4, target
≤ 10 s). Prints wall and CPU seconds of ``build --draft`` (no upload bundle) and the page count.

Run: ``.venv/bin/python benchmarks/bench_big_chat.py [--messages N]``. The chat is the
generated Qianniu export of ``bench_chat.py``; the case is made with ``init`` and ``add`` in a
temporary folder, and the build runs in a fresh process (``disputekit build``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_chat import BUYER, SELLER, make_export

NOW = "2025-04-21T09:00:00+08:00"
TARGET_S = 10.0


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "disputekit", "--lang", "en", *args],
                          capture_output=True, text=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        case, chat = Path(tmp) / "CASE", Path(tmp) / "chat.txt"
        chat.write_bytes(make_export(args.messages))
        made = cli("init", str(case), "--order-id", "1", "--refund-id", "2", "--buyer", BUYER,
                   "--seller", SELLER, "--amount", "12", "--requested-at", "2025-04-20 10:02",
                   "--now", NOW)
        added = cli("add", str(case), str(chat), "--now", NOW)
        if made.returncode or added.returncode:
            raise SystemExit(made.stderr + added.stderr)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        built = cli("build", str(case), "--draft", "--json", "--now", NOW)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if built.returncode:
            raise SystemExit(built.stderr[-3000:])
        pages = json.loads(built.stdout)["pages"]
    verdict = "within" if wall <= TARGET_S else "over"
    print(f"messages {args.messages:,}  build {wall:.1f} s wall, {cpu:.1f} s CPU  "
          f"pages {pages:,}  ({verdict} the {TARGET_S:.0f} s target)")


if __name__ == "__main__":
    main()
