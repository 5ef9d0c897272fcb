"""Benchmark: evidence PDFs drawn as images (issue 15 §5, §6 and the Flate bomb at build).

Run: ``.venv/bin/python benchmarks/bench_evidence_pdf.py [--runs 3] [--corpus DIR]``.

Builds (``build --draft``, both editions, no upload bundle) the signed-not-received sample:

1. as it is (no evidence PDF);
2. with five corpus PDFs (text, Google Docs, CMYK photo, LaTeX, four scanned pages: 11 pages),
   when ``../shared/corpus`` (or ``--corpus``) is there;
3. with a 1.5 MB Flate bomb whose page content inflates to 1.5 GiB of spaces.

Prints per case the median build wall time over ``--runs`` fresh builds, the review and
submission editions' sizes, and the peak RSS of this process and of its largest child (the
PDFium renderer; Linux counts a child from its fork, so this is at least this process's size
at that moment — the renderer alone measures 45-84 MB on the corpus with ``/usr/bin/time``;
the bomb's figure is the renderer at its 512 MiB cap). Compare with the numbers before (in docs/dossier.md): git stash is not
needed — run the same script with ``PYTHONPATH`` pointing at an older checkout's ``src``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
import tomllib
import zlib
from pathlib import Path

import pikepdf

from disputekit.assemble.build import build_dossier
from disputekit.case import init_case
from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files
from disputekit.models.build import BuildOptions
from disputekit.models.case import CaseFile

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "signed-not-received"
AT = parse_time("2025-04-21 09:00")
CORPUS_PDFS = ("pdfs/valid/google-doc-document.pdf", "pdfs/valid/pdfkit.pdf",
               "pdfs/valid/cmyk-image.pdf", "pdfs/valid/pdflatex-4-pages.pdf",
               "pdfs/valid/cardinal.pdf")
MIB = 1024 * 1024


def flate_bomb(path: Path, inflated: int = 1536 * MIB) -> Path:
    """One page whose content stream is ~1.5 MB of Flate inflating to ``inflated`` bytes of
    spaces (one 64 MiB block deflated after a full flush, repeated; checksum computed)."""
    block = b" " * (64 * MIB)
    packer = zlib.compressobj(6)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()[:-4]
    count = inflated // len(block)
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(block, adler)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    stream = pikepdf.Stream(pdf, first + again * (count - 1) + tail + adler.to_bytes(4, "big"))
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    pdf.save(path, compress_streams=False)
    return path


def sample_case(dest: Path) -> Path:
    facts = CaseFile.model_validate(tomllib.loads((SAMPLE / "case.toml").read_text()))
    init_case(dest, facts, at=AT, actor="bench")
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.name != "case.toml")
    add_files(dest, files, at=AT, actor="bench")
    return dest


def measure(label: str, template: Path, extra: list[Path], work: Path, runs: int) -> None:
    case = work / label
    shutil.copytree(template, case)
    if extra:
        add_files(case, extra, at=AT, actor="bench")
    times = []
    for run in range(runs):
        started = time.perf_counter()
        result = build_dossier(case, BuildOptions(now=AT, draft=True, jobs=1, upload=False,
                                                  out_dir=work / f"{label}-out{run}"))
        times.append(time.perf_counter() - started)
    assert result.submission is not None
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{label:<14} build {statistics.median(times):6.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})"
          f"  review {result.dossier.stat().st_size / 1e6:5.2f} MB"
          f"  submission {result.submission.stat().st_size / 1e6:5.2f} MB  pages {result.pages}"
          f"  peak RSS: this process {own:.0f} MB, largest child so far {child:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        work = Path(tmp)
        template = sample_case(work / "template")
        measure("no-pdf", template, [], work, args.runs)
        pdfs = [args.corpus / name for name in CORPUS_PDFS]
        if all(p.is_file() for p in pdfs):
            measure("corpus-pdfs", template, pdfs, work, args.runs)
        else:
            print(f"corpus-pdfs    skipped: no corpus at {args.corpus}")
        started = time.perf_counter()
        bomb = flate_bomb(work / "bomb.pdf")
        print(f"flate bomb: {bomb.stat().st_size / 1e6:.2f} MB on disk, inflates to 1.5 GiB "
              f"(made in {time.perf_counter() - started:.1f} s)")
        measure("flate-bomb", template, [bomb], work, args.runs)


if __name__ == "__main__":
    main()
