"""Every corpus PDF that `add` accepts archives as valid PDF/A-3b and verifies (issue 15 §6).

The evidence PDFs of ../shared/corpus — unembedded base-14 and Type 3 fonts, CMYK images,
patterns, forms, annotations, attachments, broken cross-reference tables, a 8,400-point page —
are added to a sample case in four groups (one archive each, to keep the run short) and the
case is archived with the real builder: each evidence page is drawn as an image, so nothing of
the evidence's fonts or colour spaces reaches the PDF/A dossier. Each archived dossier must
validate as PDF/A-3b (``verify --deep``), hold every original as an attachment, and show
every page of every evidence PDF drawn (no notice page). Skipped cleanly where the corpus is
absent (CI runs from a clone with ../shared beside it).
"""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

import pikepdf
import pytest
from pikepdf import pdfa

from disputekit.archive import archive_case
from disputekit.archive.verify import VerifyOptions, verify_path
from disputekit.case import open_case
from disputekit.collect.evidence_ops import add_files
from disputekit.collect.parse.document import parse_pdf
from disputekit.collect.sniff import sniff
from disputekit.errors import InputFileError
from test_archive_support import NOW, make_sample_case

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MANIFEST = CORPUS / "MANIFEST.tsv"
GROUPS = 4
NOT_REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}
AT = NOW["signed-not-received"]

pytestmark = pytest.mark.corpus


def accepted_pdfs() -> list[tuple[Path, int]]:
    """Every corpus file `add` takes as a PDF (by content, wherever it lies), with its pages."""
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as fh:
        rows = [r["path"] for r in csv.DictReader(fh, delimiter="\t")]
    found = []
    for relative in rows:
        path = CORPUS / relative
        try:
            if path.is_file() and sniff(path).kind == "pdf":
                found.append((path, parse_pdf(path).pages))
        except InputFileError:
            continue
    return found


@pytest.fixture(scope="module")
def accepted() -> list[tuple[Path, int]]:
    return accepted_pdfs()


def _groups() -> list[object]:
    if not MANIFEST.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"corpus absent: {CORPUS}"))]
    return [pytest.param(n, id=f"group{n + 1}of{GROUPS}") for n in range(GROUPS)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("corpus") / "case")


def test_the_corpus_holds_the_pdfs_the_issue_counted(accepted: list[tuple[Path, int]]) -> None:
    if not MANIFEST.is_file():
        pytest.skip(f"corpus absent: {CORPUS}")
    assert len(accepted) == 48  # issue 15: "22 of the 48 corpus PDFs that add accepts"


@pytest.mark.parametrize("group", _groups())
def test_every_accepted_corpus_pdf_archives_as_pdfa(
        group: int, accepted: list[tuple[Path, int]], template: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    chosen = accepted[group::GROUPS]
    case_dir = tmp_path / "case"
    shutil.copytree(template, case_dir, symlinks=True)
    add_files(case_dir, [path for path, _ in chosen], at=AT, actor="t")
    root = tmp_path / "archive"
    with caplog.at_level(logging.WARNING, logger="disputekit.assemble.pdf.evidence_render"):
        result = archive_case(case_dir, root, "won", AT, env=NOT_REQUIRED)
    assert [r.getMessage() for r in caplog.records] == []  # every page drawn, none a notice
    dossier = result.path / "dossier.pdf"
    report = pdfa.validate_written(dossier, "3b")
    assert report.passed, report.summary()
    deep = verify_path(root, VerifyOptions(deep=True))
    assert [str(p) for p in deep.problems] == []
    case = open_case(case_dir)
    documents = [i for i in case.evidence.items if i.kind == "document"]
    assert len(documents) == len(chosen)
    with pikepdf.open(dossier) as pdf:
        attached = {name: spec.obj for name, spec in pdf.attachments.items()}
        drawn = sum(1 for page in pdf.pages
                    for key in page.obj.get("/Resources", {}).get("/XObject", {})
                    if key.startswith("/DkPg"))
        for item in documents:  # each original is the dossier's associated source file
            assert attached[f"{item.id}_{item.name}"].AFRelationship == pikepdf.Name.Source
    assert drawn == sum(pages for _, pages in chosen)
