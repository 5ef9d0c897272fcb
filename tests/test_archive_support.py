"""Shared builders for the review/archive/verify/search/stats tests (this module has no tests).

- ``make_sample_case``: a case folder built from ``samples/<name>/`` (case.toml + every file,
  photos tagged as the sample's README describes) through the library, as an agent would.
- ``fake_dossier``: the ``make_dossier`` seam's test double — a two-page reportlab PDF whose
  only font is reportlab's bundled Bitstream Vera (``reportlab/fonts/Vera.ttf``), embedded, so
  the file can become PDF/A. ``unembedded_dossier`` uses standard-14 Helvetica (not embedded):
  PDF/A validation must reject it.
- ``add_synthetic_cases``: cases with made-up facts sealed straight into an archive, for the
  search and stats tests.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from disputekit.case import init_case
from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files
from disputekit.models.case import CaseFile

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NOW = {
    "signed-not-received": parse_time("2025-04-21 09:00"),
    "returned-not-ours": parse_time("2025-05-13 10:00"),
}
TAGS = {"outbound_sn.jpg": "before_shipment", "return_unboxing.jpg": "returned_item",
        "packing_1.jpg": "before_shipment", "packing_2.jpg": "before_shipment"}
VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


def sample_files(name: str) -> list[Path]:
    folder = SAMPLES / name
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "case.toml")


def make_sample_case(dest: Path, name: str = "signed-not-received") -> Path:
    facts = CaseFile.model_validate(tomllib.loads((SAMPLES / name / "case.toml").read_text()))
    at = NOW[name]
    init_case(dest, facts, at=at, actor="客服小林")
    for path in sample_files(name):
        add_files(dest, [path], at=at, actor="客服小林", tag=TAGS.get(path.name))
    return dest


def copy_case(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest)
    for lock in dest.rglob("lock"):
        lock.unlink()
    return dest


def _register_vera() -> None:
    if "Vera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Vera", str(VERA)))


def fake_dossier(case_dir: Path, out_dir: Path, now: datetime) -> Path:
    """Two pages of text in an embedded TrueType font; deterministic (invariant=1)."""
    _register_vera()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "dossier.pdf"
    canvas = Canvas(str(path), invariant=1, initialFontName="Vera", initialFontSize=12)
    canvas.drawString(72, 760, f"Dossier of {case_dir.name} at {now.isoformat()}")
    canvas.showPage()
    canvas.drawString(72, 760, "Exhibits")
    canvas.showPage()
    canvas.save()
    return path


def unembedded_dossier(case_dir: Path, out_dir: Path, now: datetime) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "dossier.pdf"
    canvas = Canvas(str(path), invariant=1)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 760, "Helvetica is not embedded: not PDF/A")
    canvas.showPage()
    canvas.save()
    return path


def flip_bit(path: Path, offset: int | None = None, bit: int = 0) -> None:
    """Flip one bit of a (read-only) file in place; default: the middle byte."""
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    where = len(data) // 2 if offset is None else offset
    data[where] ^= 1 << bit
    path.write_bytes(bytes(data))


SYNTH_GROUNDS = ("goods_signed", "returned_item_not_ours", "resale_affected")
SYNTH_OUTCOMES = ("won", "lost", "withdrawn", "agreed", "partial", None)


def synthetic_facts(number: int) -> CaseFile:
    requested = parse_time("2025-01-05 10:00") + timedelta(days=number * 3)
    return CaseFile.model_validate({
        "order_id": f"37{number:017d}", "refund_id": f"2025{number:07d}",
        "buyer": f"buyer_{number % 7}", "seller": "悦家旗舰店" if number % 2 else "声屿数码旗舰店",
        "amount": str(Decimal(100 + number) + Decimal("0.50")), "requested_at": requested,
        "state": "seller_refused", "state_since": requested + timedelta(hours=20 + number),
        "ground": SYNTH_GROUNDS[number % 3],
    })


def write_synthetic_version(root: Path, facts: CaseFile, outcome: str | None,
                            archived_at: datetime, reviewer: str = "王组长",
                            version: int = 1) -> Path:
    """A sealed manifest with no files (enough for the index, search and stats)."""
    from disputekit.archive.paths import ARCHIVE_FORMAT, case_folder_for, ensure_archive
    from disputekit.archive.record import dumps, sealed

    ensure_archive(root)
    folder = case_folder_for(root, facts.case_id, facts.requested_at) / f"v{version}"
    folder.mkdir(parents=True)
    manifest = sealed({
        "format": ARCHIVE_FORMAT, "case_id": facts.case_id, "version": version,
        "previous": None, "state_hash": f"{version:064d}", "archived_at": archived_at.isoformat(),
        "archived_by": "test", "tool_version": "0", "profile": {"id": "taobao", "version": "0"},
        "outcome": {"outcome": outcome, "recorded_at": archived_at.isoformat(),
                    "recorded_by": "test"},
        "approval": {"reviewer": reviewer}, "case": facts.model_dump(mode="json"),
        "exhibits": [], "files": {},
    })
    (folder / "manifest.json").write_bytes(dumps(manifest))
    return folder


def add_synthetic_cases(root: Path, count: int) -> None:
    for number in range(count):
        facts = synthetic_facts(number)
        write_synthetic_version(root, facts, SYNTH_OUTCOMES[number % len(SYNTH_OUTCOMES)],
                                facts.requested_at + timedelta(days=10))


def write_bundle_json(upload: Path, case_id: str = "taobao-20250420001") -> None:
    """A bundle.json listing every file under ``upload`` as `build` would (archive seals an
    upload bundle only when it matches its bundle.json)."""
    import hashlib
    import json as _json

    files = [{"path": p.relative_to(upload).as_posix(), "bytes": p.stat().st_size,
              "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in sorted(upload.rglob("*")) if p.is_file() and p.name != "bundle.json"]
    data = {"case": case_id, "draft": False, "files": files}
    (upload / "bundle.json").write_text(_json.dumps(data), "utf-8")
