"""Benchmark ``verify`` against ``sha256sum`` and ``search`` over a 10,000-case index.

Run: ``.venv/bin/python benchmarks/bench_archive.py [--cases 200] [--indexed 10000]
[--repeat 3] [--keep DIR]``.

1. Seals a few real cases (the signed-not-received sample plus two 1.5 MB noise photos each,
   through ``archive_case`` with a small reportlab dossier), then copies their sealed folders
   under ``--cases`` distinct case ids: a ~7 MB archive case each. Times ``verify`` of the
   whole archive (default: every file hashed + every dossier's attachments decoded and
   checked; and hashing only) against ``sha256sum`` over exactly the same files, warm cache,
   median of ``--repeat`` runs. Target: verify ≥ 80 % of sha256sum's throughput.
2. Writes ``--indexed`` synthetic sealed manifests, ``reindex``es them and times typical
   searches (median of 25 each). Target: ≤ 100 ms.
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
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PIL import Image
from reportlab import __file__ as reportlab_file
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from disputekit.archive import Query, VerifyOptions, archive_case, reindex, search, verify_path
from disputekit.archive.paths import ARCHIVE_FORMAT, case_folder_for, ensure_archive
from disputekit.archive.record import dumps, sealed
from disputekit.case import init_case
from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files
from disputekit.models.case import CaseFile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "signed-not-received"
NOW = parse_time("2025-04-21 09:00")
DISTINCT = 4  # real sealed cases; the rest are copies under other case ids
VERA = Path(reportlab_file).parent / "fonts" / "Vera.ttf"


def small_dossier(case_dir: Path, out_dir: Path, now: datetime) -> Path:
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(VERA)))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "dossier.pdf"
    canvas = Canvas(str(path), invariant=1, initialFontName="Vera")
    canvas.drawString(72, 760, f"Benchmark dossier {case_dir.name}")
    canvas.showPage()
    canvas.save()
    return path


def noise_jpeg(path: Path) -> None:
    """~1.5 MB of incompressible JPEG (random pixels)."""
    Image.frombytes("RGB", (1000, 750), os.urandom(1000 * 750 * 3)).save(path, quality=95)


def make_case(dest: Path, number: int, tmp: Path) -> Path:
    data = tomllib.loads((SAMPLE / "case.toml").read_text("utf-8"))
    data["refund_id"] = f"20250420{number:03d}"
    init_case(dest, CaseFile.model_validate(data), at=NOW, actor="bench")
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.name != "case.toml")
    for path in files:
        tag = "before_shipment" if path.name.startswith("packing") else None
        add_files(dest, [path], at=NOW, actor="bench", tag=tag)
    for extra in range(2):
        photo = tmp / f"noise_{number}_{extra}.jpg"
        noise_jpeg(photo)
        add_files(dest, [photo], at=NOW, actor="bench", tag="other")
    return dest


def build_archive(root: Path, cases: int, work: Path) -> None:
    env = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}
    sealed_versions = []
    for number in range(DISTINCT):
        case = make_case(work / f"case{number}", number, work)
        result = archive_case(case, root, "won", NOW, env=env, make_dossier=small_dossier)
        sealed_versions.append(result.path)
    month = sealed_versions[0].parent.parent
    for number in range(DISTINCT, cases):
        source = sealed_versions[number % DISTINCT]
        shutil.copytree(source, month / f"taobao-copy{number:05d}" / "v1")


def sealed_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("[0-9]*/[0-9]*/*/v*/**/*") if p.is_file())


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm the page cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_sha256sum(files: list[Path]) -> None:
    listing = b"\0".join(str(p).encode() for p in files)
    subprocess.run(["xargs", "-0", "sha256sum"], input=listing, check=True,
                   stdout=subprocess.DEVNULL)


def bench_verify(root: Path, repeat: int) -> None:
    files = sealed_files(root)
    total = sum(p.stat().st_size for p in files)
    print(f"archive: {len({p.parents[1] for p in files if p.name == 'manifest.json'})} cases, "
          f"{len(files)} files, {total / 1e6:.0f} MB")
    baseline = median_time(lambda: run_sha256sum(files), repeat)
    print(f"sha256sum:                    {baseline:6.2f} s  {total / baseline / 1e6:7.0f} MB/s")
    for label, options in (
        ("verify (default, attachments)", VerifyOptions()),
        ("verify (hashes only)", VerifyOptions(attachments=False)),
        ("verify (hashes only, 1 job)", VerifyOptions(attachments=False, jobs=1)),
    ):
        def once(opts: VerifyOptions = options) -> None:
            report = verify_path(root, opts)
            assert report.ok, report.problems[:3]

        took = median_time(once, repeat)
        print(f"{label:<29} {took:6.2f} s  {total / took / 1e6:7.0f} MB/s  "
              f"{baseline / took:6.0%} of sha256sum")


def write_synthetic(root: Path, count: int) -> None:
    ensure_archive(root)
    grounds = ("goods_signed", "returned_item_not_ours", "resale_affected")
    outcomes = ("won", "lost", "withdrawn", "agreed", "partial", None)
    start = parse_time("2023-01-01 10:00")
    for n in range(count):
        requested = start + timedelta(hours=5 * n)
        facts = CaseFile.model_validate({
            "order_id": f"37{n:017d}", "refund_id": f"R{n:09d}", "buyer": f"buyer_{n % 997}",
            "seller": f"shop_{n % 5}", "amount": str(Decimal(50 + n % 900) + Decimal("0.50")),
            "requested_at": requested, "ground": grounds[n % 3], "state": "seller_refused",
            "state_since": requested + timedelta(hours=30)})
        folder = case_folder_for(root, facts.case_id, facts.requested_at) / "v1"
        folder.mkdir(parents=True)
        manifest = sealed({
            "format": ARCHIVE_FORMAT, "case_id": facts.case_id, "version": 1, "previous": None,
            "state_hash": "0" * 64, "archived_at": (requested + timedelta(days=9)).isoformat(),
            "archived_by": "bench", "tool_version": "0",
            "profile": {"id": "taobao", "version": "0"},
            "outcome": {"outcome": outcomes[n % 6], "recorded_at": "", "recorded_by": "bench"},
            "approval": {"reviewer": "lead"}, "case": facts.model_dump(mode="json"),
            "exhibits": [], "files": {}})
        (folder / "manifest.json").write_bytes(dumps(manifest))


def bench_search(root: Path, count: int) -> None:
    start = time.perf_counter()
    write_synthetic(root, count)
    written = time.perf_counter() - start
    start = time.perf_counter()
    result = reindex(root)
    print(f"index: wrote {count} manifests in {written:.1f} s; reindex {result.indexed} in "
          f"{time.perf_counter() - start:.2f} s")
    queries = {
        "--order": Query(order=f"37{4242:017d}"),
        "--buyer": Query(buyer="buyer_17"),
        "--ground --outcome": Query(ground="goods_signed", outcome="won"),
        "--since --until": Query(since=parse_time("2024-01-01"), until=parse_time("2024-02-01")),
        "no filter (limit 100)": Query(),
    }
    medians = []
    for label, query in queries.items():
        times = []
        for _ in range(25):
            t0 = time.perf_counter()
            hits = search(root, query)
            times.append(time.perf_counter() - t0)
        medians.append(statistics.median(times))
        print(f"search {label:<22} {len(hits):4d} hits  median {medians[-1] * 1000:6.2f} ms")
    cli = [sys.executable, "-m", "disputekit", "search", str(root), "--buyer", "buyer_17",
           "--json"]
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cli, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    print(f"search via the CLI (new process, incl. Python start-up): median "
          f"{statistics.median(times) * 1000:.0f} ms")
    print(f"worst library median {max(medians) * 1000:.2f} ms (target ≤ 100 ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--indexed", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="Work here and keep the files.")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-archive-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        build_archive(work / "archive", args.cases, work)
        print(f"built the archive in {time.perf_counter() - start:.1f} s")
        bench_verify(work / "archive", args.repeat)
        bench_search(work / "index", args.indexed)
    finally:
        if args.keep is None:
            for current, dirs, _ in os.walk(work):
                for name in dirs:
                    os.chmod(os.path.join(current, name), 0o755)
            shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
