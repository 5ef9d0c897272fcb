"""The two sample cases, parsed for real and checked: A is ready, B's verdict depends on --now.

The case folders are copied from samples/ (see samples/README.md); their files are added with
the real parsers through evidence_ops.add_files, exactly as `disputekit add` would.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from disputekit.case import open_case
from disputekit.cli.main import cli
from disputekit.collect.evidence_ops import add_files
from disputekit.validate.check import CheckReport, check_case
from rulekit import t

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

# (files, tag) in the order a clerk would add them
PLANS = {
    "signed-not-received": [
        (["chat.txt"], None),
        (["tracking.json"], None),
        (["photos/packing_1.jpg", "photos/packing_2.jpg"], "before_shipment"),
        (["screenshots/tracking.png"], None),
    ],
    "returned-not-ours": [
        (["chat.txt"], None),
        (["photos/outbound_sn.jpg"], "before_shipment"),
        (["photos/return_unboxing.jpg"], "returned_item"),
        (["return_tracking.json"], "return"),
        (["tracking.json"], "shipment"),
        (["screenshots/return_tracking.png"], None),
    ],
}


def sample(name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(SAMPLES / name, root)
    for files, tag in PLANS[name]:
        add_files(root, [root / f for f in files], at=t("2025-06-01 09:00"), actor="test", tag=tag)
    return root


def check_day_after_request(root: Path) -> CheckReport:
    case = open_case(root)
    return check_case(case, now=case.facts.requested_at + timedelta(days=1))


def by_severity(report: CheckReport, severity: str) -> list[tuple[str, list[str]]]:
    return [(f.rule, f.exhibits) for f in report.findings if f.severity == severity]


@pytest.fixture(scope="module")
def sample_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample("signed-not-received", tmp_path_factory.mktemp("a"))


@pytest.fixture(scope="module")
def sample_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample("returned-not-ours", tmp_path_factory.mktemp("b"))


def test_sample_a_evidence_is_parsed_as_expected(sample_a: Path) -> None:
    ev = open_case(sample_a).evidence
    assert [(i.id, i.kind, i.tag) for i in ev.items] == [
        ("E1", "chat", None), ("E2", "tracking", "shipment"), ("E3", "photo", "before_shipment"),
        ("E4", "photo", "before_shipment"),
        # the screenshot is read as the 物流详情 page of the case's waybill: tagged as the shipment's
        ("E5", "screenshot", "shipment")]
    shot = ev.items[4].facts
    assert (shot["reads_as"], shot["tracking"]["waybill"]) == ("tracking", "73518294603127")
    tracking = ev.items[1].facts
    assert (tracking["signer"], tracking["signed_at"]) == ("本人", "2025-04-18T14:05:37+08:00")


def test_sample_a_is_ready(sample_a: Path) -> None:
    report = check_day_after_request(sample_a)
    assert report.ready, report.findings
    assert by_severity(report, "blocking") == []
    assert by_severity(report, "warning") == []
    assert by_severity(report, "info") == [("chat.complete", ["E1"])]  # one recalled message
    assert report.deadline is not None and not report.deadline.estimated
    assert report.deadline.hours_left(report.now) == 96.0
    assert report.advice.action == "refuse"


def test_sample_b_the_day_after_the_request_is_blocked_by_evidence_from_the_future(
    sample_b: Path,
) -> None:
    """On 05-09 the return had not arrived yet: its signing (E4) and unboxing photo (E3) lie
    in the future of --now, and state_since too. The message says what to check."""
    report = check_day_after_request(sample_b)
    assert not report.ready
    blocking = [f for f in report.findings if f.severity == "blocking"]
    assert {(f.rule, *f.exhibits) for f in blocking} == {
        ("timeline.future", "E3"), ("timeline.future", "E4"), ("timeline.future",)}
    e3 = next(f for f in blocking if f.exhibits == ["E3"])
    assert e3.en.startswith("E3 carries the time 2025-05-12 16:30, in the future")
    assert "--now" in e3.en and "--now" in e3.zh
    since = next(f for f in blocking if not f.exhibits)
    assert since.en.startswith("The current state's start time 2025-05-12 16:00 is in the future")
    assert report.advice.action == "negotiate"


def test_sample_b_once_the_return_is_in_is_ready(sample_b: Path) -> None:
    case = open_case(sample_b)
    report = check_case(case, now=t("2025-05-13 09:30"))
    assert report.ready, report.findings
    assert by_severity(report, "warning") == []
    assert ("chat.complete", ["E1"]) in by_severity(report, "info")  # weekend gap, recall
    assert report.deadline is not None and report.deadline.estimated
    # the clock starts when the buyer shipped the return (first scan 05-09 15:05:09), not at
    # the warehouse's registration (state_since): + 10 days (low confidence)
    assert report.deadline.at == t("2025-05-19 15:05:09")
    assert report.advice.action == "refuse"


def test_sample_b_ground_rules_have_what_they_need(sample_b: Path) -> None:
    case = open_case(sample_b)
    report = check_case(case, now=t("2025-05-13 09:30"))
    ground_rules = {"tracking.return-known", "photo.before-shipment-time",
                    "photo.returned-item-time", "grounds.evidence-present"}
    assert [f for f in report.findings if f.rule in ground_rules] == []


def cli_check(root: Path, now: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", "check", str(root), "--now", now, "--json"],
                              catch_exceptions=False)


def test_sample_a_check_exits_0(sample_a: Path) -> None:
    result = cli_check(sample_a, "2025-04-21T10:02:00+08:00")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["ready"], data["ground"], data["advice"]["action"]) == (True, "goods_signed", "refuse")
    assert data["deadline"] == {**data["deadline"], "at": "2025-04-25T10:02:00+08:00",
                                "estimated": False, "hours_left": 96.0}


def test_sample_b_check_exits_3_then_0(sample_b: Path) -> None:
    early = cli_check(sample_b, "2025-05-09T09:30:00+08:00")
    assert early.exit_code == 3
    messages = [f["message"] for f in json.loads(early.stdout)["findings"]
                if f["severity"] == "blocking"]
    assert all("--now" in m for m in messages), messages
    assert cli_check(sample_b, "2025-05-13T09:30:00+08:00").exit_code == 0
