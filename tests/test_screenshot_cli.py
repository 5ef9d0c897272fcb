"""Screenshots through the CLI, with the real OCR engine: add, inspect, check, the cache.

The "done when" of issue 10: a goods_signed case whose only tracking evidence is a tracking
screenshot is ready exactly as the JSON export makes it; a screenshot of another parcel is
flagged; OCR runs once per object (check/build never run it).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import screenkit
from disputekit.cli.main import cli

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
A = SAMPLES / "signed-not-received"
NOW = "2025-04-21T09:00:00+08:00"

pytestmark = pytest.mark.slow


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["--lang", "en", *args], catch_exceptions=False)


def sample_case(root: Path, name: str) -> Path:
    case = root / name
    case.mkdir()
    shutil.copyfile(A / "case.toml", case / "case.toml")
    assert run("add", str(case), str(A / "chat.txt"), "--now", NOW).exit_code == 0
    return case


def check_json(case: Path) -> dict[str, Any]:
    result = run("check", str(case), "--json", "--now", NOW)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _verdict(report: dict[str, Any]) -> tuple[Any, ...]:
    return (report["ready"], report["advice"],
            sorted((f["rule"], f["severity"], f["message_en"]) for f in report["findings"]))


def test_tracking_screenshot_alone_makes_the_case_ready_as_the_export_does(tmp_path: Path) -> None:
    exported, shot = sample_case(tmp_path, "exported"), sample_case(tmp_path, "shot")
    assert run("add", str(exported), str(A / "tracking.json"), "--now", NOW).exit_code == 0
    added = run("add", str(shot), str(A / "screenshots" / "tracking.png"), "--tag", "shipment", "--now", NOW)
    assert added.exit_code == 0, added.output
    assert _verdict(check_json(shot)) == _verdict(check_json(exported))
    assert check_json(shot)["ready"] is True


def test_inspect_json_names_engine_lines_and_where_each_value_was_read() -> None:
    result = run("inspect", str(A / "screenshots" / "tracking.png"), "--json")
    facts = json.loads(result.stdout)
    assert facts["kind"] == "screenshot" and facts["reads_as"] == "tracking"
    assert facts["text"]["engine"].startswith("rapidocr")
    line = facts["text"]["lines"][0]
    assert set(line) == {"text", "box", "confidence"} and len(line["box"]) == 4
    tracking = facts["tracking"]
    assert (tracking["courier"], tracking["waybill"], tracking["signer"]) == ("zhongtong", "73518294603127", "本人")
    where = tracking["sources"]["waybill"]
    assert "73518294603127" in facts["text"]["lines"][where["line"]]["text"]
    assert 0 < where["confidence"] <= 1


def test_a_screenshot_of_another_parcel_is_flagged(tmp_path: Path) -> None:
    case = sample_case(tmp_path, "other")
    image = tmp_path / "other.png"
    screenkit.phone_tracking_taobao(waybill="75123456789012").save(image)
    assert run("add", str(case), str(image), "--tag", "shipment", "--now", NOW).exit_code == 0
    report = check_json(case)
    found = [f for f in report["findings"] if f["rule"] == "tracking.matches-case"]
    assert [f["severity"] for f in found] == ["blocking"]
    assert "75123456789012" in found[0]["message_en"] and "73518294603127" in found[0]["message_en"]
    assert report["ready"] is False


def test_ocr_runs_once_per_object_check_and_build_never_run_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = sample_case(tmp_path, "cached")
    assert run("add", str(case), str(A / "screenshots" / "tracking.png"), "--tag", "shipment",
               "--now", NOW).exit_code == 0
    cached = list((case / ".disputekit" / "ocr").glob("*.json"))
    assert len(cached) == 1 and json.loads(cached[0].read_text("utf-8"))["lines"]

    def no_ocr(*args: object, **kwargs: object) -> object:
        raise AssertionError("OCR must not run again")

    import disputekit.collect.ocr as ocr
    import disputekit.collect.ocr.engine as engine

    monkeypatch.setattr(ocr, "ocr_image", no_ocr)
    monkeypatch.setattr(engine, "default_engine", no_ocr)
    assert check_json(case)["ready"] is True
    built = run("build", str(case), "--now", NOW)
    assert built.exit_code == 0, built.output
    # inspect of the same bytes inside no case folder would OCR; the case's own cache is used by add
    again = tmp_path / "again"
    shutil.copytree(case, again)
    assert run("add", str(again), str(A / "screenshots" / "tracking.png"), "--now", NOW).exit_code == 0


def test_engine_failure_keeps_the_file_as_a_plain_image(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from disputekit.collect.ocr import OcrFailed

    class Broken:
        name = "broken 1.0"

        def read(self, image: object) -> list[object]:
            raise OcrFailed("model file damaged")

    import disputekit.collect.ocr as ocr

    monkeypatch.setattr(ocr, "default_engine", lambda: Broken())
    monkeypatch.setattr(ocr, "engine_name", lambda: Broken.name)
    case = sample_case(tmp_path, "broken")
    added = run("add", str(case), str(A / "screenshots" / "tracking.png"), "--tag", "shipment", "--now", NOW)
    assert added.exit_code == 0, added.output
    listed = json.loads(run("list", str(case), "--json").stdout)
    facts = listed[-1]["facts"]
    assert (facts["kind"], facts["text_status"], facts["reads_as"]) == ("screenshot", "failed", None)
    report = check_json(case)
    read = [f for f in report["findings"] if f["rule"] == "screenshot.read"]
    assert [(f["severity"], f["exhibits"]) for f in read] == [("warning", ["E2"])]
    assert not report["ready"]  # the tracking record the ground needs is still missing


def test_a_misread_waybill_is_corrected_by_the_agent_and_audited(tmp_path: Path) -> None:
    case = sample_case(tmp_path, "misread")
    image = tmp_path / "misread.png"
    screenkit.phone_tracking_taobao(waybill="75123456789012").save(image)
    original = image.read_bytes()
    assert run("add", str(case), str(image), "--tag", "shipment", "--now", NOW).exit_code == 0
    assert check_json(case)["ready"] is False  # another parcel's number, as read
    fixed = run("facts", str(case), "E2", "--waybill", "73518294603127", "--now", NOW)
    assert fixed.exit_code == 0, fixed.output
    item = json.loads(run("list", str(case), "--json").stdout)[-1]
    assert item["typed"] == {"waybill": "73518294603127"}
    assert item["facts"]["tracking"]["waybill"] == "75123456789012"  # what OCR read stays as read
    assert [f["rule"] for f in check_json(case)["findings"] if f["rule"] == "tracking.matches-case"] == []
    audit = [json.loads(line) for line in (case / ".disputekit" / "audit.jsonl").read_text("utf-8").splitlines()]
    assert audit[-1]["action"] == "facts" and audit[-1]["details"]["fields"]["waybill"] == "73518294603127"
    assert image.read_bytes() == original
    assert run("verify", str(case)).exit_code == 0
