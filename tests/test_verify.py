"""Verify: a single flipped bit in every kind of sealed file is found and named; truncation,
missing and extra files, broken version links, case folders, lone dossiers; the CLI's exit
codes (0 intact, 4 damaged, 5 not a known kind of path)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from disputekit.archive import VerifyOptions, archive_case, verify_path
from disputekit.archive.record import dumps, read_manifest, sealed
from disputekit.case import open_case
from disputekit.cli.main import cli
from disputekit.errors import InputFileError
from test_archive_support import NOW, fake_dossier, flip_bit, make_sample_case, write_bundle_json

T0 = NOW["signed-not-received"]
CASE_ID = "taobao-20250420001"
ENV = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}


@pytest.fixture(scope="module")
def sealed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("sealed")
    case = make_sample_case(base / "case")
    upload = case / "out" / "upload"
    (upload / "images").mkdir(parents=True)
    (upload / "reason.txt").write_text("买家已本人签收,物流记录为证。", "utf-8")
    (upload / "images" / "proof.jpg").write_bytes(bytes(range(256)) * 40)
    write_bundle_json(upload)
    archive_case(case, base / "archive", "won", T0, env=ENV, make_dossier=fake_dossier)
    return base


@pytest.fixture
def world(sealed_template: Path, tmp_path: Path) -> Path:
    shutil.copytree(sealed_template, tmp_path / "w")
    return tmp_path / "w"


def v1(world: Path) -> Path:
    return world / "archive" / "2025" / "04" / CASE_ID / "v1"


def problems(path: Path, **kw: bool) -> list[str]:
    return [str(p) for p in verify_path(path, VerifyOptions(**kw)).problems]


# --------------------------------------------------------------------------- intact


def test_intact_everywhere(world: Path) -> None:
    for path in (world / "archive", v1(world).parent, v1(world), world / "case",
                 v1(world) / "dossier.pdf"):
        report = verify_path(path, VerifyOptions(deep=True))
        assert report.ok, (path, report.problems)
    assert verify_path(v1(world)).files == 13  # upload/bundle.json included


# --------------------------------------------------------------------------- one bit, each kind


def sealed_files(world: Path) -> list[str]:
    data = read_manifest(v1(world) / "manifest.json").data
    assert data is not None
    return sorted(data["files"])


def test_every_sealed_file_kind_is_covered(world: Path) -> None:
    kinds = {rel.split("/")[0] for rel in sealed_files(world)}
    assert kinds == {"audit.jsonl", "case.toml", "dossier.pdf", "evidence.json", "objects",
                     "outcome.json", "upload"}


@pytest.mark.parametrize("index", range(13))
def test_one_flipped_bit_in_any_sealed_file_is_named(world: Path, index: int) -> None:
    rel = sealed_files(world)[index]
    target = v1(world) / rel
    flip_bit(target, bit=index % 8)
    found = problems(v1(world))
    assert f"{rel}: content differs" in "\n".join(found), found
    assert all(p.startswith(rel) for p in found), found


def test_flipped_bit_in_the_manifest(world: Path) -> None:
    manifest = v1(world) / "manifest.json"
    raw = manifest.read_bytes()
    flip_bit(manifest, offset=raw.index("tb_小明2021".encode()) + 1)
    assert problems(v1(world)) == ["manifest.json: content changed (seal does not match)"]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_single_bit_flip_of_a_manifest_is_detected(tmp_path_factory: pytest.TempPathFactory,
                                                       data: st.DataObject) -> None:
    manifest = sealed({"format": "disputekit-archive/1", "files": {"a": {"sha256": "0" * 64,
                                                                         "size": 1}},
                       "case": {"buyer": "tb_小明2021", "amount": "128.50"}})
    raw = bytearray(dumps(manifest))
    offset = data.draw(st.integers(0, len(raw) - 1))
    raw[offset] ^= 1 << data.draw(st.integers(0, 7))
    path = tmp_path_factory.mktemp("m") / "manifest.json"
    path.write_bytes(bytes(raw))
    assert read_manifest(path).problems != []


def test_flipped_bits_in_the_dossier_attachments_are_named(world: Path) -> None:
    """Rewrite one attached original inside the sealed PDF (keeping it a valid PDF)."""
    dossier = v1(world) / "dossier.pdf"
    dossier.chmod(0o644)
    with pikepdf.open(dossier, allow_overwriting_input=True) as pdf:
        name = next(n for n in pdf.attachments if n.startswith("E3_"))
        stream = pdf.attachments[name].get_file().obj
        data = bytearray(stream.read_bytes())
        data[100] ^= 1
        stream.write(bytes(data))
        pdf.save()
    found = problems(v1(world))
    assert len(found) == 1
    assert found[0].startswith("dossier.pdf: size differs (sealed ")
    # the lone-dossier check finds the attachment itself, against its embedded manifest
    lone = problems(dossier)
    assert len(lone) == 1
    assert lone[0].startswith(f"dossier.pdf: attachment {name} (E3) differs from the manifest")


def test_truncated_missing_and_added_files(world: Path) -> None:
    dossier = v1(world) / "dossier.pdf"
    size = dossier.stat().st_size
    dossier.chmod(0o644)
    with dossier.open("r+b") as handle:
        handle.truncate(size // 2)
    v1(world).chmod(0o755)
    (v1(world) / "outcome.json").unlink()
    (v1(world) / "notes.txt").write_text("added later")
    assert problems(v1(world)) == [
        "notes.txt: not in the manifest (added after sealing)",
        f"dossier.pdf: size differs (sealed {size} bytes, now {size // 2})",
        "outcome.json: missing",
    ]


def test_edited_audit_line_is_named_by_line(world: Path) -> None:
    audit = v1(world) / "audit.jsonl"
    lines = audit.read_text("utf-8").splitlines(keepends=True)
    entry = json.loads(lines[0])
    entry["actor"] = "someone"
    lines[0] = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    audit.chmod(0o644)
    audit.write_text("".join(lines), "utf-8")
    found = problems(v1(world))
    assert found[0].startswith("audit.jsonl: size differs (sealed ")
    assert "audit.jsonl: line 1: entry changed (hash differs)" in found


def test_broken_link_between_versions(world: Path) -> None:
    case = world / "case"
    archive_case(case, world / "archive", "lost", T0, env=ENV, make_dossier=fake_dossier)
    first = v1(world) / "manifest.json"
    data = read_manifest(first).data
    assert data is not None
    first.chmod(0o644)
    first.write_bytes(dumps(sealed({**data, "archived_by": "forger"})))
    found = problems(v1(world).parent)
    assert found == ["v2/manifest.json: link to v1 broken (v1's manifest changed)"]


def test_whole_archive_names_the_case_and_stray_entries(world: Path) -> None:
    flip_bit(v1(world) / "case.toml")
    (world / "archive" / "junk.bin").write_bytes(b"x")
    found = problems(world / "archive")
    assert len(found) == 2
    assert found[0].startswith(f"2025/04/{CASE_ID}/v1/case.toml: content differs (sha256 sealed ")
    assert found[1] == "junk.bin: unexpected entry in the archive"


# --------------------------------------------------------------------------- case folders


def test_case_folder_object_flip(world: Path) -> None:
    case = open_case(world / "case")
    item = case.evidence.items[0]
    obj = case.store.path_for(item.sha256)
    flip_bit(obj)
    rel = f".disputekit/objects/{item.sha256[:2]}/{item.sha256[2:]}"
    found = problems(world / "case")
    assert len(found) == 1
    assert found[0].startswith(f"{rel}: content differs from its name (sha256 now ")


def test_case_folder_missing_object_audit_and_evidence(world: Path) -> None:
    case = open_case(world / "case")
    item = case.evidence.items[1]
    obj = case.store.path_for(item.sha256)
    obj.chmod(0o644)
    obj.unlink()
    with case.paths.audit.open("ab") as handle:
        handle.write(b'{"seq": 99, "broken')
    found = problems(world / "case")
    rel = f".disputekit/objects/{item.sha256[:2]}/{item.sha256[2:]}"
    assert f"{rel}: {item.id}'s original is missing" in found
    assert any(p.startswith(".disputekit/audit.jsonl: line ") for p in found)
    case.paths.evidence.write_text("{", "utf-8")
    assert problems(world / "case")[0].startswith(".disputekit/evidence.json: ")


# --------------------------------------------------------------------------- lone dossiers


def test_dossier_without_a_manifest(tmp_path: Path) -> None:
    plain = fake_dossier(tmp_path, tmp_path / "out", T0)
    assert problems(plain) == ["dossier.pdf: has no readable embedded manifest.json"]
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7 not really")
    assert problems(junk)[0].startswith("junk.pdf: cannot be read as a PDF")


@pytest.mark.skipif(importlib.util.find_spec("disputekit.assemble.build") is None,
                    reason="the dossier builder is not in this tree yet")
def test_a_built_dossier_against_its_embedded_manifest(world: Path, tmp_path: Path) -> None:
    from disputekit.assemble.build import build_dossier
    from disputekit.models.build import BuildOptions

    shop = tmp_path / "attach.toml"  # originals attached only where the shop says so (issue 12)
    shop.write_text('[privacy]\nattach_originals = { value = true, source = "test", confidence = "high" }\n',
                    "utf-8")
    built = build_dossier(world / "case", BuildOptions(now=T0, out_dir=tmp_path / "out",
                                                       upload=False, profile_path=shop)).dossier
    assert problems(built) == []
    with pikepdf.open(built, allow_overwriting_input=True) as pdf:
        name = next(n for n in pdf.attachments if n.startswith("E1_"))
        stream = pdf.attachments[name].get_file().obj
        stream.write(stream.read_bytes() + b"\n")
        pdf.save()
    item = open_case(world / "case").evidence.items[0]
    assert problems(built) == [
        f"dossier.pdf: E1 ({item.name}) is not attached with the manifest's sha256"]


def test_unknown_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as err:
        verify_path(tmp_path)
    assert err.value.exit_code == 5
    assert err.value.message("en") == (
        f"{tmp_path} is not an archive, an archived case, a case folder or a dossier PDF. "
        "Give ARCHIVE/YYYY/MM/CASE-ID (or a vN inside it), a case folder or a dossier.pdf.")


# --------------------------------------------------------------------------- CLI


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args])


def test_cli_intact_and_damaged(world: Path) -> None:
    result = run("verify", str(v1(world)))
    assert result.exit_code == 0
    assert result.output.startswith(f"Intact: {v1(world)} (13 files, ")
    flip_bit(v1(world) / "evidence.json")
    result = run("verify", str(v1(world)))
    assert result.exit_code == 4
    lines = result.output.splitlines()
    assert lines[0] == f"Verification failed: {v1(world)} has 1 problem(s)"
    assert lines[1].startswith("  ✘ evidence.json: content differs (sha256 sealed ")
    data = json.loads(run("verify", str(v1(world)), "--json").output)
    assert (data["ok"], data["kind"], data["problems"][0]["path"]) == (
        False, "sealed", "evidence.json")


def test_cli_not_a_known_path(tmp_path: Path) -> None:
    result = run("verify", str(tmp_path))
    assert result.exit_code == 5
    assert result.output == (
        f"Error: {tmp_path} is not an archive, an archived case, a case folder or a dossier "
        "PDF. Give ARCHIVE/YYYY/MM/CASE-ID (or a vN inside it), a case folder or a "
        "dossier.pdf.\n")
    result = run("verify", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
