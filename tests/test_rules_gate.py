"""The gate: check finds what build, approve or archive would refuse (issue 11 §3)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from disputekit.case import open_case
from disputekit.validate.check import check_case
from disputekit.validate.rules.finding import Severity
from disputekit.validate.rules.gate_rules import APPROVAL, BAD_OBJECTS, INTEGRITY
from rulekit import (
    NOW,
    Fires,
    Quiet,
    case,
    ctx,
    make_case_dir,
    signed_evidence,
)

B, W = Severity.BLOCKING, Severity.WARNING


FIRES = [
    Fires("gate.objects-intact", "tampered", lambda: replace(ctx(), extra={BAD_OBJECTS: ["E2"]}), B,
          "证据 E2 的原始文件已缺失或被改动(SHA-256 不符)",
          "The original of E2 is missing or changed (SHA-256 mismatch)", ("E2",)),
    Fires("gate.objects-intact", "audit-log",
          lambda: replace(ctx(), extra={INTEGRITY: ("案件与其审计日志不符。", "The case does not match its audit log.")}),
          B, "案件与其审计日志不符。", "The case does not match its audit log."),
    Fires("gate.reason-text", "abusive-custom-reason", lambda: ctx(case(reason="您这个骗子，已签收了")), B,
          "拒绝理由无法通过检查，build 会拒绝:拒绝理由不符合要求:含有不当用语:骗子",
          "The refusal reason fails its checks, so build would refuse: The refusal reason fails its "
          "checks: Contains abusive words: 骗子"),
    Fires("gate.approval", "required-not-given",
          lambda: replace(ctx(), extra={APPROVAL: ("此案尚未批准。", "Not approved.")}), W,
          "此案尚未批准。 生成上传包前需要组长批准", "Not approved. The upload bundle needs the lead's approval"),
]

QUIET = [
    Quiet("gate.objects-intact", "intact", ctx),
    Quiet("gate.reason-text", "template", ctx),
    Quiet("gate.reason-text", "no-ground", lambda: ctx(case(ground=None))),
    Quiet("gate.approval", "not-required", ctx),
]



def test_a_tampered_original_makes_check_not_ready(tmp_path: Path) -> None:
    the_case = make_case_dir(tmp_path / "a", case(), signed_evidence())
    assert check_case(the_case, now=NOW).ready
    the_case.store.path_for(the_case.evidence.items[1].sha256).write_bytes(b"changed")
    report = check_case(open_case(tmp_path / "a"), now=NOW)
    assert not report.ready
    assert [(f.rule, f.exhibits) for f in report.findings if f.severity == B] == [("gate.objects-intact", ["E2"])]


def test_a_required_approval_makes_check_not_ready_without_blocking(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    the_case = make_case_dir(tmp_path / "a", case(), [])
    monkeypatch.setenv("DISPUTEKIT_REQUIRE_APPROVAL", "1")
    report = check_case(the_case, now=NOW)
    assert "gate.approval" in [f.rule for f in report.findings]
    assert "gate.objects-intact" not in [f.rule for f in report.findings]
    assert not report.ready
