"""Anchors outside the case and no path followed out (issue 15): the archive index checked
against the sealed versions, links refused in the archive and its staging, the upload bundle
sealed only as build wrote it, SQLite URIs from any path, and the review gate on archiving.

Each reproduction of the red-team pass on 3803c83 is one test here."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from disputekit.archive import Query, archive_case, search
from disputekit.archive.paths import STAGING
from disputekit.archive.verify import verify_path
from disputekit.case import CasePaths
from disputekit.cli.main import cli
from disputekit.errors import InputFileError, VerificationFailed
from disputekit.review.decisions import approve, return_case
from test_archive_support import NOW, copy_case, fake_dossier, make_sample_case

T0 = NOW["signed-not-received"]
NOT_REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}
REQUIRED = {"DISPUTEKIT_REQUIRE_APPROVAL": "1"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("tpl") / "case")


@pytest.fixture(scope="module")
def sealed_template(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding v1 (outcome pending) and v2 (won) of the sample case."""
    base = tmp_path_factory.mktemp("sealed")
    case = copy_case(template, base / "case")
    seal(case, base / "archive", None)
    seal(case, base / "archive", "won")
    return base


@pytest.fixture
def case_dir(template: Path, tmp_path: Path) -> Path:
    return copy_case(template, tmp_path / "case")


@pytest.fixture
def archive(sealed_template: Path, tmp_path: Path) -> Path:
    shutil.copytree(sealed_template / "archive", tmp_path / "archive", symlinks=True)
    for path in (tmp_path / "archive").rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    return tmp_path / "archive"


def seal(case_dir: Path, root: Path, outcome: str | None = "won", **kw: object):  # type: ignore[no-untyped-def]
    kw.setdefault("make_dossier", fake_dossier)
    kw.setdefault("env", NOT_REQUIRED)
    return archive_case(case_dir, root, outcome, T0, actor="归档员", **kw)  # type: ignore[arg-type]


def problems(path: Path) -> list[str]:
    return [str(p) for p in verify_path(path).problems]


def case_folder(archive: Path) -> Path:
    return next(archive.glob("2025/04/*"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


# --------------------------------------------------------------------------- the index


def test_an_intact_archive_verifies(archive: Path) -> None:
    assert problems(archive) == [] and verify_path(archive).warnings == []


@pytest.mark.parametrize("gone", ["v1", "v2", "case"])
def test_deleted_versions_or_case_are_caught_through_the_index(archive: Path, gone: str) -> None:
    folder = case_folder(archive)
    target = folder if gone == "case" else folder / gone
    shutil.rmtree(target)
    rel = folder.relative_to(archive).as_posix()
    missing = [f"{rel}/{v}: in the index but missing on disk (a version or case deleted)"
               for v in (["v1", "v2"] if gone == "case" else [gone])]
    assert [p for p in problems(archive) if "in the index" in p] == missing


def test_an_amount_edited_in_the_index_is_caught(archive: Path) -> None:
    with sqlite3.connect(archive / "index.sqlite") as conn:
        conn.execute("UPDATE versions SET amount = '928.50', amount_fen = 92850")
    rel = case_folder(archive).relative_to(archive).as_posix()
    assert problems(archive) == [
        f"index.sqlite:{rel}/v1: amount is '928.50', the sealed manifest says '128.50'",
        f"index.sqlite:{rel}/v1: amount_fen is 92850, the sealed manifest says 12850",
        f"index.sqlite:{rel}/v2: amount is '928.50', the sealed manifest says '128.50'",
        f"index.sqlite:{rel}/v2: amount_fen is 92850, the sealed manifest says 12850"]


def test_a_resealed_manifest_is_caught_by_the_index(archive: Path) -> None:
    from disputekit.archive.record import dumps, read_manifest, sealed

    v2 = case_folder(archive) / "v2"
    manifest = read_manifest(v2 / "manifest.json").data
    assert manifest is not None
    manifest = {k: v for k, v in manifest.items() if k != "seal"}
    manifest["archived_by"] = "someone else"
    os.chmod(v2, 0o755)
    os.chmod(v2 / "manifest.json", 0o644)
    (v2 / "manifest.json").write_bytes(dumps(sealed(manifest)))
    rel = v2.relative_to(archive).as_posix()
    found = problems(archive)
    assert len(found) == 1 and found[0].startswith(
        f"{rel}/manifest.json: differs from the manifest the index recorded (sha256 ")
    assert found[0].endswith("): re-sealed")


def test_a_version_not_yet_indexed_is_a_warning(archive: Path) -> None:
    with sqlite3.connect(archive / "index.sqlite") as conn:
        conn.execute("DELETE FROM versions WHERE version = 2")
    report = verify_path(archive)
    rel = case_folder(archive).relative_to(archive).as_posix()
    assert report.problems == []
    assert [str(w) for w in report.warnings] == [
        f"{rel}/v2: not in the index yet (run `disputekit reindex`)"]


# --------------------------------------------------------------------------- links


def test_a_symlink_in_staging_is_removed_not_followed(case_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret"
    secret.write_text("x")
    os.chmod(secret, 0o600)
    os.chmod(outside, 0o700)
    root = tmp_path / "archive"
    seal(case_dir, root, None)
    evil = root / STAGING / "evil"
    evil.symlink_to(outside)
    old = time.time() - 3 * 86400
    os.utime(evil, (old, old), follow_symlinks=False)
    seal(case_dir, root, "won")
    assert stat.S_IMODE(outside.stat().st_mode) == 0o700
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert not evil.is_symlink() and secret.exists()


def test_a_symlinked_case_folder_in_the_archive_is_never_followed(archive: Path,
                                                                  tmp_path: Path) -> None:
    foreign = tmp_path / "foreign"
    link = case_folder(archive)
    shutil.move(link, foreign)
    link.symlink_to(foreign)
    rel = link.relative_to(archive).as_posix()
    found = problems(archive)
    assert f"{rel}: a symbolic link (never followed)" in found
    assert f"{rel}/v1: in the index but missing on disk (a version or case deleted)" in found


def test_symlinked_index_is_refused(archive: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    shutil.move(archive / "index.sqlite", other)
    (archive / "index.sqlite").symlink_to(other)
    with pytest.raises(InputFileError) as err:
        search(archive, Query())
    assert err.value.en == "The archive index cannot be used (index.sqlite is a symbolic link)."


# --------------------------------------------------------------------------- the upload bundle


def _bundle(case_dir: Path) -> Path:
    upload = case_dir / "out" / "upload"
    upload.mkdir(parents=True)
    reason = "买家签收后申请仅退款，物流显示本人签收。".encode()
    (upload / "reason.txt").write_bytes(reason)
    import hashlib

    data = {"case": "taobao-20250420001", "draft": False, "files": [
        {"path": "reason.txt", "bytes": len(reason), "sha256": hashlib.sha256(reason).hexdigest()}]}
    (upload / "bundle.json").write_text(json.dumps(data))
    return upload


def test_the_bundle_build_wrote_is_sealed(case_dir: Path, tmp_path: Path) -> None:
    _bundle(case_dir)
    result = seal(case_dir, tmp_path / "archive")
    assert (result.path / "upload" / "reason.txt").is_file()
    assert (result.path / "upload" / "bundle.json").is_file()


@pytest.mark.parametrize(("tamper", "why"), [
    ("planted", "its files differ from bundle.json (+payload.exe)"),
    ("edited", "reason.txt changed after it was built"),
    ("symlink", "it is a symbolic link or not a folder"),
])
def test_a_bundle_not_as_built_is_refused(case_dir: Path, tmp_path: Path, tamper: str,
                                          why: str) -> None:
    upload = _bundle(case_dir)
    if tamper == "planted":
        (upload / "payload.exe").write_bytes(b"MZ")
    elif tamper == "edited":
        (upload / "reason.txt").write_text("我已经收到货了")
    else:
        ssh = tmp_path / "ssh"
        shutil.move(upload, ssh)
        upload.symlink_to(ssh)
    with pytest.raises(VerificationFailed) as err:
        seal(case_dir, tmp_path / "archive")
    assert err.value.en == (f"{upload} is not the upload bundle `build` wrote: {why}; nothing "
                            "was archived.")
    assert not list((tmp_path / "archive").glob("2025/04/*/v1"))


# --------------------------------------------------------------------------- SQLite URIs


@pytest.mark.parametrize("name", ["a#b", "a?b", "100%"])
def test_search_and_stats_on_paths_with_uri_characters(case_dir: Path, tmp_path: Path,
                                                       name: str) -> None:
    root = tmp_path / name / "archive"
    seal(case_dir, root)
    before = sorted(p.name for p in (tmp_path / name).iterdir())
    assert [r["case_id"] for r in search(root, Query())] == ["taobao-20250420001"]
    result = run("stats", str(root), "--no-chart")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / name).iterdir()) == before  # no stray file


# --------------------------------------------------------------------------- the review gate


def test_archive_refuses_a_case_whose_last_decision_was_cut_from_the_log(
        case_dir: Path, tmp_path: Path) -> None:
    approve(case_dir, "王组长", "ok", T0)
    return_case(case_dir, "王组长", "缺少开箱视频", T0)
    audit = CasePaths(case_dir).audit
    audit.write_bytes(b"".join(audit.read_bytes().splitlines(keepends=True)[:-1]))
    with pytest.raises(VerificationFailed) as err:
        seal(case_dir, tmp_path / "archive", env=REQUIRED)
    assert "lines were removed from the end" in err.value.en
    assert not (tmp_path / "archive" / "2025").exists()


# --------------------------------------------------------------------------- the case against its archive


def test_a_case_rewritten_or_rolled_back_before_its_archived_state(case_dir: Path,
                                                                   tmp_path: Path) -> None:
    from disputekit.archive import VerifyOptions
    from disputekit.store.audit import AuditLog
    from test_integrity import write_chain

    root = tmp_path / "archive"
    approve(case_dir, "王组长", "ok", T0)
    version = seal(case_dir, root).path
    entries = AuditLog(CasePaths(case_dir).audit).entries()
    approval = len(entries) - 1
    entries[approval - 1]["details"]["comment"] = "证据不足，不批准"
    write_chain(case_dir, entries)  # chain and head recomputed: only the archive knows
    expected = (f".disputekit/audit.jsonl: entry {approval} differs from the one sealed in "
                f"{version}: rewritten")
    assert problems(case_dir) == [expected]
    write_chain(case_dir, entries[:approval - 1])  # rolled back before the approval
    assert problems(case_dir) == []  # the log no longer names the archive…
    against = verify_path(case_dir, VerifyOptions(against=root)).problems
    assert [str(p) for p in against] == [  # …but the archive still holds what it sealed
        f".disputekit/audit.jsonl: ends at entry {approval - 1}, but {version} sealed "
        f"{approval} entries: the case was rolled back"]
    result = run("verify", str(case_dir), "--against", str(root))
    assert result.exit_code == 4 and "the case was rolled back" in result.output


# --------------------------------------------------------------------------- active content


def test_verify_finds_active_content_nothing_references(tmp_path: Path) -> None:
    """What a page-level merge copies through resources: JavaScript, a launch action and an
    executable in objects no reader follows (issue 15 §5)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(pdf, b'{"exhibits": []}')
    script = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)"))
    launch = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.Launch, F="payload.exe"))
    exe = pdf.make_stream(b"MZ", Type=pikepdf.Name.EmbeddedFile)
    hidden = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, X=pikepdf.Array([script, launch, exe]))
    pdf.pages[0].obj.Resources = pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(GS0=hidden))
    path = tmp_path / "dossier.pdf"
    pdf.save(path)
    found = problems(path)
    assert f"dossier.pdf: active content: obj {script.objgen[0]}: /JS" in found
    assert f"dossier.pdf: active content: obj {script.objgen[0]}: action /JavaScript" in found
    assert f"dossier.pdf: active content: obj {launch.objgen[0]}: action /Launch" in found
    assert (f"dossier.pdf: active content: obj {exe.objgen[0]}: an embedded file that is not "
            "an attachment") in found
