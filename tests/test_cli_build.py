"""End-to-end: draft and build through the CLI, as the README's main command runs them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit import sample_case
from disputekit.cli.main import cli

pytestmark = pytest.mark.slow
NOW_A = "2025-04-21T09:00:00+08:00"


def run(*args: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--lang", lang, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def case_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_case("signed-not-received", tmp_path_factory.mktemp("cli") / "case")


def test_draft_prints_reason_within_limit(case_a: Path) -> None:
    result = run("draft", str(case_a), "--now", NOW_A, lang="zh")
    assert result.exit_code == 0
    reason = result.stdout.strip()
    assert reason.startswith("您好，本单商品已于2025年04月16日通过中通快递发出（运单号73518294603127，见证据E2）。")
    assert "签收人：本人（见证据E2）" in reason
    assert "哦家里人可能拿了吧" not in reason  # marked, but it states no fact of this ground
    assert "买家" not in reason  # the buyer is addressed as 您 throughout
    assert 2 <= len(reason) <= 200
    assert f"（{len(reason)} 字，上限 200；完整版）" in result.stderr


def test_draft_json_and_english(case_a: Path) -> None:
    data = json.loads(run("draft", str(case_a), "--now", NOW_A, "--case-lang", "en", "--json").stdout)
    # English is longer: the full template exceeds 200 characters, so the short one is used
    assert data["ground"] == "goods_signed" and data["lang"] == "en" and data["variant"] == "short"
    assert data["chars"] == len(data["reason"]) <= 200
    assert data["message_bytes"] == len(data["message"].encode()) <= 400
    assert "Signed for at 2025-04-18 14:05, before the request (exhibit E2)" in data["reason"]
    assert "Signer: the addressee (本人) (exhibit E2)" in data["reason"]
    assert (data["draft"], data["ready"]) == (False, True)


def test_draft_of_an_unverified_ground_exits_3_and_lists_the_findings(case_a: Path) -> None:
    result = run("draft", str(case_a), "--now", NOW_A, "--ground", "custom_made", lang="zh")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "还有阻断问题，不生成可粘贴的拒绝理由（用 --draft 查看草稿）：" in result.stderr
    assert "(grounds.facts-established)" in result.stderr
    labelled = run("draft", str(case_a), "--now", NOW_A, "--ground", "custom_made", "--draft", lang="zh")
    assert labelled.exit_code == 0
    lines = labelled.stdout.splitlines()
    assert lines[0] == "【草稿，不可提交】"
    assert "定制" not in lines[1]  # nothing states the unestablished fact


def test_build_json_contract_and_upload_limits(case_a: Path) -> None:
    result = run("build", str(case_a), "--now", NOW_A, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"dossier", "upload", "pages", "sha256"}
    dossier = Path(data["dossier"])
    assert dossier == case_a / "out" / "dossier.pdf"
    assert hashlib.sha256(dossier.read_bytes()).hexdigest() == data["sha256"]
    upload = Path(data["upload"])
    assert len((upload / "reason.txt").read_text("utf-8")) <= 200
    assert len((upload / "message.txt").read_bytes()) <= 400
    assert (upload / "proof.jpg").stat().st_size <= 130_000
    bundle = json.loads((upload / "bundle.json").read_text("utf-8"))
    for entry in bundle["files"]:
        assert hashlib.sha256((upload / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    assert not list((case_a / "out").glob(".dk-*"))


def test_build_en_to_other_folder(case_a: Path, tmp_path: Path) -> None:
    result = run("build", str(case_a), "--now", NOW_A, "--lang", "en", "--out", str(tmp_path / "x"))
    assert result.exit_code == 0
    assert "Checking the evidence…" in result.stderr and "Verifying the dossier…" in result.stderr
    assert (tmp_path / "x" / "dossier.pdf").is_file()


def test_build_refuses_blocking_with_exit_3(tmp_path: Path) -> None:
    case = sample_case("signed-not-received", tmp_path / "b")
    toml = case / "case.toml"
    toml.write_text(toml.read_text("utf-8").replace('ground = "goods_signed"', 'ground = "beyond_7day_window"'), "utf-8")
    result = run("build", str(case), "--now", NOW_A)
    assert result.exit_code == 3
    assert "Blocking findings remain; no final dossier:" in result.stderr
    assert "the request at 2025-04-20 10:02 is inside it" in result.stderr
    assert not (case / "out" / "dossier.pdf").exists()
    draft = run("build", str(case), "--now", NOW_A, "--draft")
    assert draft.exit_code == 0


def test_upload_requires_fresh_approval_when_the_shop_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = sample_case("signed-not-received", tmp_path / "r")
    monkeypatch.setenv("DISPUTEKIT_REQUIRE_APPROVAL", "1")
    refused = run("build", str(case), "--now", NOW_A)
    assert refused.exit_code == 3
    assert not (case / "out" / "dossier.pdf").exists()
    assert run("approve", str(case), "--by", "lead", "-m", "ok", "--now", NOW_A).exit_code == 0
    assert run("build", str(case), "--now", NOW_A).exit_code == 0
    assert (case / "out" / "upload" / "proof.jpg").is_file()
