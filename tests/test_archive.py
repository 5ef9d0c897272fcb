"""Archive: sealed layout and contents, PDF/A-3b dossier, idempotence, versions, refusals, CLI."""

from __future__ import annotations

import json
import stat
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from pikepdf import pdfa

from disputekit.archive import Query, archive_case, search
from disputekit.archive.paths import (
    MARKER,
    STAGING,
    case_folder_for,
    ensure_archive,
    versions,
)
from disputekit.archive.pdfa import pdf_date
from disputekit.archive.record import dumps, read_manifest, sealed
from disputekit.case import open_case, write_case_file
from disputekit.cli.main import cli
from disputekit.clock import parse_time
from disputekit.errors import BlockingFindings, CaseError, InputFileError, VerificationFailed
from disputekit.manifest import state_hash
from disputekit.models.case import CaseFile
from disputekit.review.decisions import ApprovalMissing, approve
from disputekit.store.hashing import sha256_file
from test_archive_support import (
    NOW,
    copy_case,
    fake_dossier,
    flip_bit,
    make_sample_case,
    unembedded_dossier,
    write_bundle_json,
)

T0 = NOW["signed-not-received"]
CASE_ID = "taobao-20250420001"
REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "1"}
NOT_REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("tpl") / "case")


@pytest.fixture
def case_dir(template: Path, tmp_path: Path) -> Path:
    return copy_case(template, tmp_path / "case")


def seal(case_dir: Path, root: Path, outcome: str | None = "won", **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("make_dossier", fake_dossier)
    kw.setdefault("env", NOT_REQUIRED)
    return archive_case(case_dir, root, outcome, T0, actor="归档员", **kw)  # type: ignore[arg-type]


def edit_facts(case_dir: Path, **update: object) -> None:
    case = open_case(case_dir)
    write_case_file(case.paths, CaseFile.model_validate({**case.facts.model_dump(mode="json"),
                                                         **update}))


# --------------------------------------------------------------------------- tier 1


def test_manifest_round_trip_and_each_kind_of_damage(tmp_path: Path) -> None:
    manifest = sealed({"format": "disputekit-archive/1", "files": {}, "case": {"buyer": "小明"}})
    path = tmp_path / "manifest.json"
    path.write_bytes(dumps(manifest))
    assert read_manifest(path).problems == []
    path.write_bytes(dumps({**manifest, "case": {"buyer": "小红"}}))
    assert read_manifest(path).problems == ["content changed (seal does not match)"]
    path.write_bytes(json.dumps(manifest, ensure_ascii=False).encode())
    assert read_manifest(path).problems == [
        "layout changed (bytes differ from the canonical form)"]
    path.write_bytes(b"{not json")
    assert read_manifest(path).problems[0].startswith("is not valid JSON")
    path.write_bytes(b"{}")
    assert read_manifest(path).problems == ["is not a disputekit-archive/1 manifest"]


def test_case_folder_is_the_request_month_or_the_existing_one(tmp_path: Path) -> None:
    when = parse_time("2025-04-30 23:30")
    assert case_folder_for(tmp_path, "c", when) == tmp_path / "2025" / "04" / "c"
    (tmp_path / "2024" / "12" / "c").mkdir(parents=True)
    assert case_folder_for(tmp_path, "c", when) == tmp_path / "2024" / "12" / "c"


def test_a_folder_that_is_not_an_archive(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputFileError) as err:
        ensure_archive(tmp_path)
    assert err.value.exit_code == 5
    assert err.value.message("en") == (
        f"{tmp_path} is not a disputekit archive (no .disputekit-archive file). "
        "Give an existing archive folder, or an empty or new folder.")
    ensure_archive(tmp_path / "new")
    assert (tmp_path / "new" / MARKER).is_file()


def test_pdf_date() -> None:
    assert pdf_date(T0) == "D:20250421090000+08'00'"


# --------------------------------------------------------------------------- tier 2: sealing


def test_sealed_layout_contents_and_read_only(case_dir: Path, tmp_path: Path) -> None:
    approve(case_dir, "王组长", "证据充分", T0)
    root = tmp_path / "archive"
    result = seal(case_dir, root)
    assert result.created and result.version == 1
    assert result.path == root / "2025" / "04" / CASE_ID / "v1"
    case = open_case(case_dir)
    manifest = read_manifest(result.path / "manifest.json")
    assert manifest.problems == []
    data = manifest.data
    assert data is not None
    assert (data["case_id"], data["version"], data["previous"]) == (CASE_ID, 1, None)
    assert data["state_hash"] == state_hash(case)
    assert data["outcome"] == {"outcome": "won", "recorded_at": T0.isoformat(),
                               "recorded_by": "归档员"}
    assert data["approval"]["reviewer"] == "王组长"
    assert data["approval"]["fresh"] is True
    assert data["profile"]["id"] == "taobao"
    assert data["case"]["order_id"] == "3712345678901234567"
    objects = {f"objects/{i.sha256[:2]}/{i.sha256[2:]}" for i in case.evidence.items}
    assert set(data["files"]) == {"case.toml", "evidence.json", "audit.jsonl", "outcome.json",
                                  "dossier.pdf", *objects}
    for rel, entry in data["files"].items():
        assert sha256_file(result.path / rel) == (entry["sha256"], entry["size"])
        assert not (result.path / rel).stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP)
    assert not result.path.stat().st_mode & stat.S_IWUSR
    assert (result.path / "evidence.json").read_bytes() == case.paths.evidence.read_bytes()


def test_archive_dossier_is_valid_pdfa3b_with_the_originals(case_dir: Path,
                                                             tmp_path: Path) -> None:
    result = seal(case_dir, tmp_path / "archive")
    dossier = result.path / "dossier.pdf"
    assert pdfa.validate_written(dossier, "3b").passed
    case = open_case(case_dir)
    with pikepdf.open(dossier) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "sRGB"
        assert len(pdf.pages) == 2
        assert all("/Trans" not in page.obj for page in pdf.pages)
        names = {str(spec.UF) for spec in pdf.Root.AF}
        expected = {f"{i.id}_{i.name}" for i in case.evidence.items} | {"manifest.json"}
        assert names == expected
        for name, spec in pdf.attachments.items():
            assert str(spec.obj.UF) == name
            rel = "/Data" if name == "manifest.json" else "/Source"
            assert spec.obj.AFRelationship == pikepdf.Name(rel)
        embedded = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())
        for item in case.evidence.items:
            data = pdf.attachments[f"{item.id}_{item.name}"].get_file().read_bytes()
            assert len(data) == item.size
            assert embedded["attachments"][f"{item.id}_{item.name}"]["sha256"] == item.sha256
        assert str(pdf.docinfo["/Title"]).endswith(CASE_ID)


@pytest.mark.parametrize("sample", ["signed-not-received", "returned-not-ours"])
def test_both_samples_archive_as_pdfa3b(sample: str, tmp_path: Path) -> None:
    case = make_sample_case(tmp_path / "case", sample)
    result = archive_case(case, tmp_path / "archive", "won", NOW[sample], env=NOT_REQUIRED,
                          make_dossier=fake_dossier)
    assert pdfa.validate_written(result.path / "dossier.pdf", "3b").passed


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["signed-not-received", "returned-not-ours"])
def test_both_samples_real_dossier_archive_as_pdfa3b(sample: str, tmp_path: Path) -> None:
    case = make_sample_case(tmp_path / "case", sample)
    result = archive_case(case, tmp_path / "archive", "won", NOW[sample], env=NOT_REQUIRED)
    report = pdfa.validate_written(result.path / "dossier.pdf", "3b")
    assert report.passed, report.summary()
    with pikepdf.open(result.path / "dossier.pdf") as pdf:
        assert len(pdf.attachments) == len(open_case(case).evidence.items) + 1


@pytest.mark.slow
def test_a_two_line_reportlab_pdf_archives(case_dir: Path, tmp_path: Path) -> None:
    """Issue 15 §6: a plain reportlab PDF (unembedded base-14 Helvetica) made `archive` fail
    for good. Its page is drawn as an image now; the original is the attached source file."""
    from reportlab.pdfgen.canvas import Canvas

    from disputekit.collect.evidence_ops import add_files

    source = tmp_path / "invoice.pdf"
    canvas = Canvas(str(source), invariant=1)
    canvas.drawString(72, 720, "Invoice 2025-0420")
    canvas.drawString(72, 700, "Paid: 128.50")
    canvas.save()
    with pikepdf.open(source) as original:  # really the font PDF/A refuses
        font = original.pages[0].Resources.Font.F1
        assert font.BaseFont == pikepdf.Name.Helvetica and "/FontDescriptor" not in font
    add_files(case_dir, [source], at=T0, actor="t")
    item = open_case(case_dir).evidence.items[-1]
    result = seal(case_dir, tmp_path / "archive", make_dossier=None)
    dossier = result.path / "dossier.pdf"
    report = pdfa.validate_written(dossier, "3b")
    assert report.passed, report.summary()
    with pikepdf.open(dossier) as pdf:
        spec = pdf.attachments[f"{item.id}_invoice.pdf"]
        assert spec.obj.AFRelationship == pikepdf.Name.Source
        assert spec.get_file().read_bytes() == source.read_bytes()
        fonts = [str(font.get("/BaseFont")) for page in pdf.pages
                 for font in page.obj.get("/Resources", {}).get("/Font", {}).values()]
        assert fonts and not any("Helvetica" in name for name in fonts)


def test_same_inputs_give_the_same_bytes(case_dir: Path, tmp_path: Path) -> None:
    a = seal(case_dir, tmp_path / "a")
    b = seal(case_dir, tmp_path / "b")
    assert (a.path / "dossier.pdf").read_bytes() == (b.path / "dossier.pdf").read_bytes()
    # the second archive saw the first one's "archive" audit entry, so the logs differ
    assert a.state_hash == b.state_hash


def test_idempotent(case_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    first = seal(case_dir, root)
    again = seal(case_dir, root)
    no_outcome = seal(case_dir, root, outcome=None)
    assert (again.created, again.path, again.manifest_sha256) == (
        False, first.path, first.manifest_sha256)
    assert no_outcome.path == first.path
    assert [n for n, _ in versions(first.path.parent)] == [1]
    actions = [e["action"] for e in open_case(case_dir).audit.entries()]
    assert actions.count("archive") == 1


def test_a_changed_case_becomes_a_linked_new_version(case_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    first = seal(case_dir, root)
    edit_facts(case_dir, state="seller_refused", state_since="2025-04-21 08:30")
    second = seal(case_dir, root)
    third = seal(case_dir, root, outcome="lost")
    assert (second.version, third.version) == (2, 3)
    assert second.previous == first.path
    link = read_manifest(second.path / "manifest.json").data["previous"]  # type: ignore[index]
    assert link == {"version": 1, "path": "../v1", "manifest_sha256": first.manifest_sha256}
    assert read_manifest(first.path / "manifest.json").sha256 == first.manifest_sha256
    hits = search(root, Query())
    assert [(h["version"], h["outcome"]) for h in hits] == [(3, "lost")]


def test_upload_bundle_as_submitted_is_sealed(case_dir: Path, tmp_path: Path) -> None:
    upload = case_dir / "out" / "upload"
    (upload / "images").mkdir(parents=True)
    (upload / "reason.txt").write_text("买家已本人签收。", "utf-8")
    (upload / "images" / "E3.jpg").write_bytes(b"\xff\xd8jpeg")
    write_bundle_json(upload)
    result = seal(case_dir, tmp_path / "archive")
    files = read_manifest(result.path / "manifest.json").data["files"]  # type: ignore[index]
    assert {"upload/reason.txt", "upload/images/E3.jpg"} <= set(files)
    assert (result.path / "upload" / "reason.txt").read_text("utf-8") == "买家已本人签收。"


def test_past_deadline_does_not_block_archiving(case_dir: Path, tmp_path: Path) -> None:
    late = parse_time("2025-06-01 09:00")
    result = archive_case(case_dir, tmp_path / "archive", "lost", late, env=NOT_REQUIRED,
                          make_dossier=fake_dossier)
    assert result.created


# --------------------------------------------------------------------------- refusals


def test_refused_with_blocking_findings(case_dir: Path, tmp_path: Path) -> None:
    edit_facts(case_dir, ground=None)
    with pytest.raises(BlockingFindings) as err:
        seal(case_dir, tmp_path / "archive")
    assert err.value.exit_code == 3
    text = err.value.message("en")
    assert text.startswith(f"Case {CASE_ID} has 1 blocking finding(s) and cannot be archived:\n")
    assert "(grounds.chosen)" in text
    assert not (tmp_path / "archive").exists()


def test_refused_without_approval_when_required(case_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ApprovalMissing) as err:
        seal(case_dir, tmp_path / "archive", env=REQUIRED)
    assert err.value.exit_code == 3
    assert err.value.message("en").startswith(
        "The shop requires a lead's approval first; this case has not been approved.")
    approve(case_dir, "王组长", "ok", T0)
    edit_facts(case_dir, state="seller_refused", state_since="2025-04-21 08:30")
    assert seal(case_dir, tmp_path / "archive", env=REQUIRED).created


def test_refused_into_a_folder_that_is_not_an_archive(case_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "x.txt").write_text("x")
    with pytest.raises(InputFileError) as err:
        seal(case_dir, tmp_path / "docs")
    assert err.value.message("en").startswith(f"{tmp_path / 'docs'} is not a disputekit archive")


def test_a_dossier_that_is_not_pdfa_is_not_written(case_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    with pytest.raises(VerificationFailed) as err:
        seal(case_dir, root, make_dossier=unembedded_dossier)
    assert err.value.exit_code == 4
    text = err.value.message("en")
    assert text.startswith(
        "The archive dossier does not validate as PDF/A-3b; nothing was archived:\nPDF/A-3b: ")
    assert "Type 1 font has no /FontDescriptor, so it is not embedded" in text
    assert list(root.glob("2025/*/*/v*")) == []
    assert list((root / STAGING).iterdir()) == []
    assert "archive" not in [e["action"] for e in open_case(case_dir).audit.entries()]


def test_a_damaged_case_is_not_sealed(case_dir: Path, tmp_path: Path) -> None:
    item = open_case(case_dir).evidence.items[2]
    flip_bit(open_case(case_dir).store.path_for(item.sha256))
    with pytest.raises(VerificationFailed) as err:
        seal(case_dir, tmp_path / "archive")
    assert err.value.message("en") == (
        f"The case is damaged and cannot be archived:\n  - {item.id}: {item.name}\n "
        "Run `disputekit verify CASE` for details.")


def test_a_case_changed_while_archiving_is_not_sealed(case_dir: Path, tmp_path: Path) -> None:
    def meddling(case: Path, out_dir: Path, now: datetime) -> Path:
        edit_facts(case, buyer_claim="买家又改口了")
        return fake_dossier(case, out_dir, now)

    with pytest.raises(CaseError) as err:
        seal(case_dir, tmp_path / "archive", make_dossier=meddling)
    assert err.value.exit_code == 5
    assert err.value.message("en") == (
        "The case changed while archiving; nothing was archived. Run `archive` again.")
    assert list((tmp_path / "archive").glob("2025/*/*/v*")) == []


# --------------------------------------------------------------------------- tier 3: CLI


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env={"DISPUTEKIT_REQUIRE_APPROVAL": "0", **(env or {})}).invoke(
        cli, ["--lang", "en", *args])


@pytest.fixture
def real_seam(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI uses the default seam; point it at the fake dossier."""
    monkeypatch.setattr("disputekit.archive.seal.default_make_dossier", fake_dossier)


def test_cli_archive(case_dir: Path, tmp_path: Path, real_seam: None) -> None:
    root = tmp_path / "archive"
    args = ("archive", str(case_dir), "--to", str(root), "--outcome", "won", "--now",
            "2025-04-21T09:00+08:00", "--by", "归档员")
    result = run(*args)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Archived as v1: {root}/2025/04/{CASE_ID}/v1"
    assert lines[1].startswith("Manifest SHA-256: ")
    result = run(*args)
    assert result.output == (f"Already archived as v1 (same state); nothing new written: "
                             f"{root}/2025/04/{CASE_ID}/v1\n")
    data = json.loads(run(*args, "--json").output)
    assert (data["version"], data["created"], data["outcome"]) == (1, False, "won")


def test_cli_archive_errors(case_dir: Path, tmp_path: Path, real_seam: None) -> None:
    now = ("--now", "2025-04-21T09:00+08:00")
    result = run("archive", str(case_dir), "--to", str(tmp_path / "a"), *now,
                 env={"DISPUTEKIT_REQUIRE_APPROVAL": "1"})
    assert result.exit_code == 3
    assert result.output == (
        "Error: The shop requires a lead's approval first; this case has not been approved. "
        "Ask the lead to review and approve: disputekit approve CASE --by NAME\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("a")
    result = run("archive", str(case_dir), "--to", str(tmp_path / "mine"), *now)
    assert result.exit_code == 5
    assert result.output == (
        f"Error: {tmp_path / 'mine'} is not a disputekit archive (no .disputekit-archive file). "
        "Give an existing archive folder, or an empty or new folder.\n")
    result = run("archive", str(case_dir), "--to", str(tmp_path / "a"), "--outcome", "maybe")
    assert result.exit_code == 2
    assert "Invalid value for '--outcome'" in result.output
