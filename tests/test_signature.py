"""The lead's PDF signature (issue 15 §3): ``approve --sign-key`` signs out/dossier.pdf with
pyHanko; ``verify`` checks it against the shop's roots and the audit entry. A CA, the lead's
PKCS#12 and a TSA are made by the tests on 127.0.0.1; nothing else is on the network."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from casekit import NOW, sample_case
from conftest import tree_snapshot
from disputekit.archive.seal import SIGNED_DOSSIER, archive_case
from disputekit.archive.verify import verify_path
from disputekit.assemble.build import build_dossier
from disputekit.case import open_case
from disputekit.cli.main import cli
from disputekit.errors import InputFileError
from disputekit.models.build import BuildOptions
from disputekit.review.approved_dossier import kept_path
from disputekit.review.decisions import approve, decisions
from disputekit.review.signature import SignKey
from signkit import PASSWORD, LeadKey, make_lead_key
from test_archive_support import fake_dossier
from tsakit import Tsa, running_tsa

pytestmark = pytest.mark.slow
T0 = NOW["signed-not-received"]
WHEN = "2025-04-21T10:00:00+08:00"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LeadKey]:
    folder = tmp_path_factory.mktemp("keys")
    return {
        "lead": make_lead_key(folder),
        "stranger": make_lead_key(folder, cn="陌生人", ca_name="another CA", name="stranger"),
        "expired": make_lead_key(folder, name="expired",
                                 not_after=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = sample_case("signed-not-received", tmp_path_factory.mktemp("sig") / "case")
    build_dossier(case, BuildOptions(now=T0, upload=False))
    return case


@pytest.fixture
def shop(tmp_path: Path, keys: dict[str, LeadKey]) -> Path:
    """A shop folder trusting the lead's CA, with a copy of the built case in it."""
    folder = tmp_path / "shop"
    folder.mkdir()
    shutil.copyfile(keys["lead"].roots, folder / "sign-roots.pem")
    (folder / "shop.toml").write_text('[timestamps]\nsign_roots = "sign-roots.pem"\n')
    return folder


@pytest.fixture
def case(shop: Path, template: Path) -> Path:
    dest = shop / "case"
    shutil.copytree(template, dest)
    return dest


def sign_key(key: LeadKey, password: str | None = PASSWORD) -> SignKey:
    return SignKey(key.p12, password.encode() if password is not None else None)


def run(*args: str, password: str | None = PASSWORD, lang: str = "en") -> Result:
    env = {"DISPUTEKIT_SIGN_PASSWORD": password} if password is not None else {}
    return CliRunner().invoke(cli, ["--lang", lang, *args], env=env)


def messages(target: Path) -> list[str]:
    return [p.message for p in verify_path(target).problems]


# --------------------------------------------------------------------------- signing


def test_approve_signs_and_the_audit_entry_names_signer_and_file(
        case: Path, keys: dict[str, LeadKey]) -> None:
    result = run("approve", str(case), "--by", "王组长", "--now", WHEN,
                 "--sign-key", str(keys["lead"].p12))
    assert result.exit_code == 0, result.output
    assert "PAdES B-B" in result.output and PASSWORD not in result.output
    record = decisions(open_case(case))[-1].dossier
    assert record is not None
    signed = (case / "out" / "dossier.pdf").read_bytes()
    assert record["sha256"] == hashlib.sha256(signed).hexdigest()
    assert record["signature"] == {
        "signer_sha256": hashlib.sha256(keys["lead"].cert_der).hexdigest(),
        "signer_subject": "CN=王组长", "level": "B-B"}
    assert kept_path(open_case(case).paths, record["sha256"]).read_bytes() == signed
    assert PASSWORD not in (case / ".disputekit" / "audit.jsonl").read_text("utf-8")
    for target in (case, case / "out" / "dossier.pdf"):
        report = verify_path(target)
        assert report.ok, report.problems
        assert report.warnings == [], report.warnings  # signer checked against sign_roots


def test_the_signature_is_an_incremental_update(case: Path, keys: dict[str, LeadKey]) -> None:
    before = (case / "out" / "dossier.pdf").read_bytes()
    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    after = (case / "out" / "dossier.pdf").read_bytes()
    assert after.startswith(before) and len(after) > len(before)


def test_a_file_modified_after_signing(case: Path, keys: dict[str, LeadKey]) -> None:
    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    target = case / "out" / "dossier.pdf"
    writer = IncrementalPdfFileWriter(io.BytesIO(target.read_bytes()), strict=False)
    writer.root["/Lang"] = pdf_string("xx")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    target.write_bytes(out.getvalue())
    assert any("does not cover the whole file" in p for p in messages(target))
    assert any("does not cover the whole file" in p for p in messages(case))


def test_a_flipped_byte_in_the_signed_range(case: Path, keys: dict[str, LeadKey]) -> None:
    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    target = case / "out" / "dossier.pdf"
    data = bytearray(target.read_bytes())
    at = data.find(b"/Producer")
    data[at + 12] ^= 0x01
    target.write_bytes(bytes(data))
    assert any("does not hold" in p for p in messages(target))


def test_an_untrusted_signer(case: Path, keys: dict[str, LeadKey]) -> None:
    approve(case, "王组长", None, T0, sign=sign_key(keys["stranger"]))
    found = messages(case / "out" / "dossier.pdf")
    assert any("does not chain to the shop's trusted roots" in p for p in found)


def test_no_sign_roots_is_a_warning_not_a_pass(case: Path, shop: Path,
                                               keys: dict[str, LeadKey]) -> None:
    approve(case, "王组长", None, T0, sign=sign_key(keys["stranger"]))
    (shop / "shop.toml").write_text("")
    report = verify_path(case / "out" / "dossier.pdf")
    assert report.ok
    assert any("names no [timestamps] sign_roots" in w.message for w in report.warnings)


def test_the_kept_copy_must_match_the_audit(case: Path, keys: dict[str, LeadKey]) -> None:
    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    record = decisions(open_case(case))[-1].dossier
    assert record is not None
    kept = kept_path(open_case(case).paths, record["sha256"])
    kept.chmod(0o644)
    kept.unlink()
    assert any("is missing" in p for p in messages(case))


def test_page_digests_still_hold_on_the_signed_file(case: Path, keys: dict[str, LeadKey]) -> None:
    import pikepdf

    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    target = case / "out" / "dossier.pdf"
    assert not [p for p in messages(target) if "page" in p]
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        del pdf.pages[1]
        pdf.save(target)
    found = messages(target)
    assert "page 2 was deleted" in found and any("does not hold" in p for p in found)


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("which", "password", "says_en", "says_zh"), [
    ("lead", "Kx9-不是这个", "wrong (or no) password", "密码不对"),
    ("lead", None, "wrong (or no) password", "密码不对"),
    ("garbage", PASSWORD, "is not a readable PKCS#12", "不是可读的 PKCS#12"),
    ("missing", PASSWORD, "cannot be read", "无法读取"),
    ("expired", PASSWORD, "expired on 2025-01-01", "已于 2025-01-01 过期"),
])
def test_bad_keys_exit_5_and_write_nothing(case: Path, keys: dict[str, LeadKey], tmp_path: Path,
                                           which: str, password: str | None, says_en: str,
                                           says_zh: str) -> None:
    paths = {"lead": keys["lead"].p12, "expired": keys["expired"].p12,
             "garbage": tmp_path / "garbage.p12", "missing": tmp_path / "nope.p12"}
    paths["garbage"].write_bytes(b"not a key at all")
    before = tree_snapshot(case)
    for lang, says in (("en", says_en), ("zh", says_zh)):
        result = run("approve", str(case), "--by", "王组长", "--now", WHEN,
                     "--sign-key", str(paths[which]), password=password, lang=lang)
        assert result.exit_code == 5, result.output
        assert says in result.output
        assert password is None or password not in result.output
    assert tree_snapshot(case) == before


def test_password_never_on_the_command_line() -> None:
    from disputekit.cli.review_cmds import approve_cmd

    options = {o for p in approve_cmd.params for o in p.opts}
    assert "--sign-key" in options and "--sign-password-env" in options
    assert not [o for o in options if "password" in o and o != "--sign-password-env"]


def test_a_password_from_another_variable(case: Path, keys: dict[str, LeadKey]) -> None:
    result = CliRunner().invoke(cli, [
        "--lang", "en", "approve", str(case), "--by", "王组长", "--now", WHEN,
        "--sign-key", str(keys["lead"].p12), "--sign-password-env", "LEAD_PW"],
        env={"LEAD_PW": PASSWORD, "DISPUTEKIT_SIGN_PASSWORD": "wrong"})
    assert result.exit_code == 0, result.output


def test_a_stale_dossier_is_not_signed(case: Path, keys: dict[str, LeadKey]) -> None:
    from disputekit.collect.edits import tag_exhibit

    tag_exhibit(case, "E4", tag=None, caption="新的说明", at=T0, actor="tester")
    before = tree_snapshot(case)
    with pytest.raises(InputFileError) as caught:
        approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    assert "built before the case last changed" in caught.value.message("en")
    assert tree_snapshot(case) == before


# --------------------------------------------------------------------------- B-T and archive


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[Tsa]:
    (tmp_path / "tsa").mkdir()
    with running_tsa(tmp_path / "tsa") as running:
        yield running


def test_with_the_shops_tsa_the_signature_is_b_t(case: Path, shop: Path, tsa: Tsa,
                                                 keys: dict[str, LeadKey]) -> None:
    shutil.copyfile(tsa.roots, shop / "tsa-roots.pem")
    (shop / "shop.toml").write_text(
        f'[timestamps]\ntsa_url = "{tsa.url}"\ntsa_roots = "tsa-roots.pem"\n'
        'sign_roots = "sign-roots.pem"\n')
    decision = approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    assert decision.dossier is not None and decision.dossier["signature"]["level"] == "B-T"
    report = verify_path(case)
    assert report.ok, report.problems


def test_the_archive_keeps_the_signed_dossier_as_signed(case: Path, tmp_path: Path,
                                                        keys: dict[str, LeadKey]) -> None:
    approve(case, "王组长", None, T0, sign=sign_key(keys["lead"]))
    signed = (case / "out" / "dossier.pdf").read_bytes()
    result = archive_case(case, tmp_path / "archive", "won", T0, make_dossier=fake_dossier)
    kept = result.path / SIGNED_DOSSIER
    assert kept.read_bytes() == signed
    manifest = json.loads((result.path / "manifest.json").read_bytes())
    assert manifest["files"][SIGNED_DOSSIER]["sha256"] == hashlib.sha256(signed).hexdigest()
    report = verify_path(result.path)
    assert report.ok, report.problems
    # checked, not skipped: the archive is outside the shop folder, so no sign_roots apply
    assert [w.path for w in report.warnings if "sign_roots" in w.message] == [SIGNED_DOSSIER]
