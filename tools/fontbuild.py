"""Maintainer's font tool: time CJK subset builds, or rebuild the shipped Noto Emoji file.

    python tools/fontbuild.py bench 100 3000 6000
    python tools/fontbuild.py derive-emoji 'NotoEmoji[wght].ttf' src/disputekit/fonts/NotoEmoji-Regular.ttf
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from disputekit.assemble.pdf import fontbuild


def main(argv: list[str] | None = None) -> int:
    """``python tools/fontbuild.py bench | derive-emoji SRC DST``."""
    parser = argparse.ArgumentParser(prog="python tools/fontbuild.py")
    commands = parser.add_subparsers(dest="command", required=True)
    bench = commands.add_parser("bench", help="time CJK subset builds")
    bench.add_argument("counts", nargs="*", type=int, default=[100, 3000])
    derive = commands.add_parser("derive-emoji", help="rebuild the shipped Noto Emoji file")
    derive.add_argument("source", type=Path, help="NotoEmoji[wght].ttf")
    derive.add_argument("destination", type=Path)
    args = parser.parse_args(argv)
    if args.command == "bench":
        start = time.perf_counter()
        fontbuild.cjk_source().font["CFF "]  # parse the CFF table once, timed apart from the builds
        print(f"load Noto Sans CJK SC: {(time.perf_counter() - start) * 1000:.0f} ms")
        for count, ms in fontbuild.benchmark(args.counts).items():
            print(f"{count} distinct characters: {ms:.0f} ms")
    else:
        fontbuild.derive_emoji_font(args.source, args.destination)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
