"""RFC 3161 timestamps (issue 15 §3): each decision stamps the audit head it makes, each archived
version its manifest; verify finds a log rolled back past a stamped decision, a rewritten
stamped entry, a re-sealed manifest and a token from an untrusted authority. The TSA and its
CA are made by the tests and served on 127.0.0.1 (tests/tsakit.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from disputekit.archive import archive_case
from disputekit.archive.record import dumps, read_manifest, sealed
from disputekit.archive.verify import verify_path
from disputekit.case import CasePaths
from disputekit.cli.main import cli
from disputekit.review.decisions import approve, return_case
from disputekit.store.audit import AuditLog
from test_archive_support import NOW, copy_case, fake_dossier, make_sample_case
from test_integrity import write_chain
from tsakit import Tsa, make_pki, running_tsa

T0 = NOW["signed-not-received"]
ENV = {"DISPUTEKIT_REQUIRE_APPROVAL": "0"}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_case(tmp_path_factory.mktemp("tpl") / "case")


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tsa]:
    with running_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


@pytest.fixture
def shop(tmp_path: Path, tsa: Tsa) -> Path:
    (tmp_path / "shop.toml").write_text(
        f'[timestamps]\ntsa_url = "{tsa.url}"\ntsa_roots = "{tsa.roots}"\n', "utf-8")
    return tmp_path


@pytest.fixture
def case(template: Path, shop: Path) -> Path:
    return copy_case(template, shop / "case")


def problems(path: Path) -> list[str]:
    return [str(p) for p in verify_path(path).problems]


def test_each_decision_stamps_the_head_it_makes(case: Path) -> None:
    approve(case, "王组长", "ok", T0)
    return_case(case, "王组长", "缺少开箱视频", T0)
    entries = AuditLog(CasePaths(case).audit).entries()
    tokens = sorted(p.name for p in (CasePaths(case).meta / "timestamps").iterdir())
    assert tokens == [f"{len(entries) - 1}.tsr", f"{len(entries)}.tsr"]
    assert problems(case) == []


def test_a_consistent_rollback_past_a_stamped_decision_is_caught(case: Path) -> None:
    approve(case, "王组长", "ok", T0)
    return_case(case, "王组长", "缺少开箱视频", T0)
    entries = AuditLog(CasePaths(case).audit).entries()
    write_chain(case, entries[:-1])  # chain and head rewritten: only the token knows
    assert problems(case) == [f".disputekit/timestamps/{len(entries)}.tsr: stamps entry "
                              f"{len(entries)}, which the log no longer has (rolled back?)"]


def test_a_rewritten_stamped_entry_is_caught(case: Path) -> None:
    approve(case, "王组长", "缺证据也批", T0)
    entries = AuditLog(CasePaths(case).audit).entries()
    entries[-1]["details"]["comment"] = "ok"
    write_chain(case, entries)
    assert problems(case) == [f".disputekit/timestamps/{len(entries)}.tsr: stamps another hash "
                              "(the stamped content changed)"]


def test_a_decision_without_its_timestamp_is_caught(case: Path) -> None:
    approve(case, "王组长", "ok", T0)
    n = len(AuditLog(CasePaths(case).audit).entries())
    token = CasePaths(case).meta / "timestamps" / f"{n}.tsr"
    os.chmod(token, 0o644)
    token.unlink()
    assert problems(case) == [f".disputekit/timestamps/{n}.tsr: missing (the decision at entry "
                              f"{n} has no timestamp)"]


def test_a_token_from_an_untrusted_authority(case: Path, shop: Path, tsa: Tsa) -> None:
    approve(case, "王组长", "ok", T0)
    other = shop / "other-roots.pem"
    from cryptography.hazmat.primitives import serialization

    other.write_bytes(make_pki()[0].public_bytes(serialization.Encoding.PEM))
    (shop / "shop.toml").write_text(
        f'[timestamps]\ntsa_url = "{tsa.url}"\ntsa_roots = "other-roots.pem"\n', "utf-8")
    n = len(AuditLog(CasePaths(case).audit).entries())
    assert problems(case) == [f".disputekit/timestamps/{n}.tsr: signed by an authority not in "
                              "the trusted roots"]


def test_no_timestamp_no_decision(case: Path, shop: Path) -> None:
    (shop / "shop.toml").write_text('[timestamps]\ntsa_url = "http://127.0.0.1:9/"\n')
    before = CasePaths(case).audit.read_bytes()
    result = CliRunner().invoke(cli, ["--lang", "en", "approve", str(case), "--by", "王组长",
                                      "--now", T0.isoformat()])
    assert result.exit_code == 5
    assert "The time-stamping authority http://127.0.0.1:9/ did not issue a timestamp" \
        in result.output
    assert CasePaths(case).audit.read_bytes() == before


def test_archived_manifest_is_stamped_and_a_reseal_is_caught(case: Path, shop: Path) -> None:
    root = shop / "archive"
    result = archive_case(case, root, "won", T0, env=ENV, make_dossier=fake_dossier)
    token = result.path / "manifest.tsr"
    assert token.is_file() and problems(root) == []
    manifest = read_manifest(result.path / "manifest.json").data
    assert manifest is not None
    os.chmod(result.path, 0o755)
    os.chmod(result.path / "manifest.json", 0o644)
    forged = {k: v for k, v in manifest.items() if k != "seal"} | {"archived_by": "someone"}
    (result.path / "manifest.json").write_bytes(dumps(sealed(forged)))
    found = problems(result.path)
    assert found == ["manifest.tsr: stamps another hash (the stamped content changed)"]
    assert json.loads((result.path / "manifest.json").read_bytes())["archived_by"] == "someone"
