"""The third-party robustness corpus (../shared/corpus): every file parses or is refused as
MANIFEST.tsv allows, and never with anything but InputFileError.

Images go through ``parse_image`` and ``load_display_image(…, 1600)``, PDFs through
``parse_pdf`` (by sniffed content, not folder). Tracking and chat files are only sniffed
here; their parsers have their own tests. Skipped cleanly where the corpus is absent.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from disputekit.collect.parse.document import parse_pdf
from disputekit.collect.parse.imageio import load_display_image
from disputekit.collect.parse.photo import parse_image
from disputekit.collect.sniff import sniff
from disputekit.errors import InputFileError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"

pytestmark = pytest.mark.corpus

KNOWN_DEVIATIONS = {
    "images/formats/bmp_g_rgb32bf.bmp": "Pillow 13 has no decoder for this BI_BITFIELDS "
    "layout (red in the top byte); refused with a clear error",
    "pdfs/valid/unreadablemetadata.pdf": "the page tree (object 172) lies in a zero-filled "
    "region of the file; pypdf and qpdf both fail; refused with a clear error",
    "images/corrupt/truncated.heic": "only the second top-level image is cut off; the primary "
    "image is intact and is the only one shown, so it is accepted with a decode warning "
    "(test_corpus_damage.py)",
    "images/corrupt/invalid_id.heic": "pillow-heif keeps this file among its valid test "
    "images (heif_other/) and decodes its one image; accepted with a decode warning (no valid "
    "primary image)",
    "images/corrupt/crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif": "libtiff decodes "
    "this fax image without an error, complaining 'Bad code word' on fd 2; accepted with that "
    "complaint as a decode warning, nothing printed",
}
"""Rows where we knowingly differ from MANIFEST.tsv, and why (strict xfail: a fix shows)."""

ORIENTATION_GROUPS = {
    "images/exif-orientation/Landscape_1.jpg": [
        f"images/exif-orientation/Landscape_{n}.jpg" for n in (0, 2, 3, 4, 5, 6, 7, 8)
    ],
    "images/exif-orientation/Portrait_1.jpg": [
        f"images/exif-orientation/Portrait_{n}.jpg" for n in (0, 2, 3, 4, 5, 6, 7, 8)
    ],
    "images/formats/hopper.jpg": [
        f"images/exif-orientation/hopper_orientation_{n}.{ext}"
        for n in range(2, 9)
        for ext in ("jpg", "webp")
    ],
    "images/exif-orientation/g4_orientation_6.tif": [
        "images/exif-orientation/g4_orientation_8.tif"
    ],
}
"""Files that must look the same once their orientation is applied."""

SAME_PICTURE = [
    ("images/cmyk/pil_sample_rgb.jpg", "images/cmyk/pil_sample_cmyk.jpg"),
    ("images/formats/hopper.tif", "images/cmyk/hopper.Lab.tif"),
]
"""CMYK and LAB files that must show the same picture as their RGB twin."""

BOMBS = "images/decompression-bomb", "pdfs/bomb"
MEMORY_LIMIT = 1_500_000_000  # address space of the child process
PEAK_RSS = 400_000_000  # what the child may actually touch: far below any bomb's claim


@dataclass(frozen=True)
class Row:
    path: str
    expected: str

    @property
    def folder(self) -> str:
        parts = Path(self.path).parts
        return "/".join(parts[:2]) if parts[0] in ("images", "pdfs") else parts[0]


def _rows() -> list[Row]:
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as fh:
        return [Row(r["path"], r["expected_behaviour"]) for r in csv.DictReader(fh, delimiter="\t")]


ROWS = _rows()
OUTCOMES: Counter[tuple[str, str]] = Counter()


def _params() -> list[object]:
    if not ROWS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus absent: {CORPUS}"))]
    return [
        pytest.param(
            row,
            id=row.path,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DEVIATIONS[row.path])]
            if row.path in KNOWN_DEVIATIONS
            else [],
        )
        for row in ROWS
    ]


def allowed_outcomes(expected: str) -> frozenset[str]:
    """``accept``/``reject`` outcomes a manifest text allows.

    The first word is the expectation; "or …"/"… also OK" add alternatives. Clauses for
    environments we are not in ("else reject" without a plugin, "if rasterising") are dropped.
    """
    text = expected.strip().strip('"').lower()
    text = re.sub(r"else reject[^;)]*|reject[^;)]* if rasteris[^;)]*", "", text)
    first = "accept" if text.startswith("accept") else "reject"
    rest = text[len(first) :]
    found = {first}
    if re.search(r"\bor\b|also ok", rest):
        if "accept" in rest or "route to image" in rest:
            found.add("accept")
        if "reject" in rest:
            found.add("reject")
    return frozenset(found)


def ingest(path: Path) -> str:
    """Parse ``path`` as disputekit would: 'accept', 'reject' (InputFileError), or 'sniffed'
    for chat and tracking files outside images/ (their parsers are tested elsewhere)."""
    try:
        found = sniff(path)
        if found.kind in ("chat", "tracking") and "images" not in path.parts:
            return "sniffed"
        if found.kind == "pdf":
            parse_pdf(path)
        else:
            parse_image(path)
            load_display_image(path, 1600)
    except InputFileError as error:
        assert error.zh.strip() and error.en.strip(), "refusal without a message"
        return "reject"
    return "accept"


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """After the module: accepted/rejected counts per folder on the terminal."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not OUTCOMES:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.section("corpus: accepted / rejected per folder", sep="-")
        for line in summary_lines():
            reporter.write_line(line)


def summary_lines() -> list[str]:
    lines = []
    for folder in [*sorted({folder for folder, _ in OUTCOMES}), "total"]:
        accepted, rejected, sniffed = (
            sum(
                n
                for (where, what), n in OUTCOMES.items()
                if what == outcome and folder in (where, "total")
            )
            for outcome in ("accept", "reject", "sniffed")
        )
        extra = f" {sniffed:>4} sniffed only" if sniffed else ""
        lines.append(f"{folder:<36} {accepted:>4} accepted {rejected:>4} rejected{extra}")
    return lines


@pytest.mark.parametrize("row", _params())
def test_corpus_file(row: Row) -> None:
    outcome = ingest(CORPUS / row.path)
    OUTCOMES[row.folder, outcome] += 1
    if outcome == "sniffed":
        assert sniff(CORPUS / row.path).kind == row.folder.split("/")[0]
        return
    allowed = allowed_outcomes(row.expected)
    assert outcome in allowed, f"{row.path}: {outcome}, manifest says {row.expected!r}"


def _require_corpus() -> None:
    if not ROWS:
        pytest.skip(f"corpus absent: {CORPUS}")


def _shown(relative: str) -> np.ndarray:
    return np.asarray(load_display_image(CORPUS / relative, 1600), dtype=np.int16)


@pytest.mark.parametrize("reference", sorted(ORIENTATION_GROUPS))
def test_orientation_is_applied(reference: str) -> None:
    _require_corpus()
    expected = _shown(reference)
    for other in ORIENTATION_GROUPS[reference]:
        shown = _shown(other)
        assert shown.shape == expected.shape, other
        assert np.abs(shown - expected).mean() < 8, other


@pytest.mark.parametrize(("reference", "other"), SAME_PICTURE)
def test_colour_conversions_keep_the_picture(reference: str, other: str) -> None:
    _require_corpus()
    assert np.abs(_shown(reference) - _shown(other)).mean() < 8


def test_transparent_pixels_become_white() -> None:
    _require_corpus()
    shown = load_display_image(CORPUS / "images/palette-transparency/transparent.png", 1600)
    assert shown.mode == "RGB"
    assert shown.getpixel((0, 0)) == (255, 255, 255)


@pytest.mark.parametrize(
    ("expected", "outcomes"),
    [
        ("accept-after-rotation", {"accept"}),
        ("accept (needs libheif; else reject-with-clear-error)", {"accept"}),
        ("reject-with-clear-error (or accept default image)", {"accept", "reject"}),
        ("reject-with-clear-error unless password supplied", {"reject"}),
        ("accept (Pillow loads) or accept-with-warning", {"accept"}),
        (
            "reject-with-clear-error as PDF (or route to image ingester by sniffing)",
            {"accept", "reject"},
        ),
        ("accept if not rasterised; reject-with-clear-error if rasterising", {"accept"}),
    ],
)
def test_allowed_outcomes(expected: str, outcomes: set[str]) -> None:
    assert allowed_outcomes(expected) == outcomes


_BOMB_RUNNER = """
import json, resource, sys, time
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path[:0] = {paths!r}
from tests.test_corpus_parse import ingest
for name in sys.argv[1:]:
    start = time.perf_counter()
    outcome = ingest(Path(name))
    print(json.dumps([name, outcome, time.perf_counter() - start]), flush=True)
try:  # VmHWM starts afresh at exec; ru_maxrss would carry the parent's (pytest's) peak
    status = Path("/proc/self/status").read_text()
    peak = int(status.split("VmHWM:")[1].split()[0])
except (OSError, IndexError):
    peak = 0
print(json.dumps(["peak-rss-kb", peak, 0]))
"""


@pytest.mark.slow
def test_bombs_run_in_bounded_memory_and_time() -> None:
    """Decompression bombs in a child process limited to 1.5 GB of address space: each is
    handled within 10 s and the child's peak memory stays small (refused before decoding)."""
    _require_corpus()
    pytest.importorskip("resource")
    rows = [row for row in ROWS if row.path.startswith(BOMBS)]
    root = Path(__file__).resolve().parents[1]
    code = _BOMB_RUNNER.format(limit=MEMORY_LIMIT, paths=[str(root), str(root / "src")])
    files = [str(CORPUS / row.path) for row in rows]
    done = subprocess.run(
        [sys.executable, "-c", code, *files], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    *results, (_, peak_kb, _) = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(rows)
    assert peak_kb * 1024 < PEAK_RSS, f"peak RSS {peak_kb / 1024:.0f} MB"
    for row, (_, outcome, seconds) in zip(rows, results, strict=True):
        assert outcome in allowed_outcomes(row.expected), row.path
        assert seconds < 10, f"{row.path} took {seconds:.1f} s"
