"""Benchmark ``parse_chat`` on a generated 100,000-message GB18030 Qianniu export.

Run: ``.venv/bin/python benchmarks/bench_chat.py [--messages N] [--repeat N] [--profile]``.
Prints the median time of the runs and messages per second (target: ≥ 100,000/s).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from disputekit.collect.parse.chat import parse_chat

TARGET = 100_000
BUYER, SELLER = "买家小王", "旗舰店"
_BODIES = (
    "在吗？这个什么时候发货",
    "亲，今天下午五点前发出哦~ 😀",
    "我收到的商品有破损，要退款\n图片见下面",
    "https://item.taobao.com/item.htm?id=123456789",
    "¥129.00 已付款",
    "好的，谢谢",
)


def make_export(count: int) -> bytes:
    """A Qianniu text export with ``count`` messages, CRLF line ends, GB18030 encoded."""
    start = datetime(2025, 4, 20, 9, 0, 0)
    lines: list[str] = ["----以下为新消息----"]
    for i in range(count):
        when = start + timedelta(seconds=7 * i)
        sender = BUYER if i % 2 == 0 else f"{SELLER}:客服{i % 3}"
        stamp = f"{when.year}-{when.month}-{when.day} {when.hour}:{when.minute:02}:{when.second:02}"
        lines.append(f"{sender} {stamp}")
        lines.append(_BODIES[i % len(_BODIES)])
        if i % 4 == 1:
            lines.append("已读")
        lines.append("")
    return "\r\n".join(lines).encode("gb18030")


def run(data: bytes) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of one ``parse_chat`` call."""
    wall, cpu = time.perf_counter(), time.process_time()
    facts = parse_chat(data, name="bench.txt", buyer=BUYER, seller=SELLER)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if len(facts.messages) != data.count(b"\r\n\r\n") + 1:
        raise SystemExit("benchmark: wrong number of messages parsed")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the top 20 functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qianniu-export.txt"
        path.write_bytes(make_export(args.messages))
        data = path.read_bytes()
        if args.profile:
            cProfile.runctx("run(data)", globals(), {"data": data}, str(path) + ".prof")
            pstats.Stats(str(path) + ".prof").sort_stats("cumulative").print_stats(20)
        runs = [run(data) for _ in range(args.repeat)]
    median = statistics.median(wall for wall, _ in runs)
    median_cpu = statistics.median(cpu for _, cpu in runs)
    rate = args.messages / median
    print(f"{args.messages:,} messages, {len(data) / 2**20:.1f} MB GB18030")
    print(f"median of {args.repeat}: {median * 1000:.0f} ms → {rate:,.0f} messages/s")
    print(
        f"(CPU time median {median_cpu * 1000:.0f} ms → {args.messages / median_cpu:,.0f}/s; "
        "wall clock is higher when the machine is busy)"
    )
    verdict = "meets" if rate >= TARGET else f"misses by {TARGET / rate:.2f}×"
    print(f"target {TARGET:,} messages/s: {verdict}")


if __name__ == "__main__":
    main()
