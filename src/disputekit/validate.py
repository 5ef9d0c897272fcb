"""Validate stage: run every applicable rule and give the verdict, deadline and advice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from disputekit.advice import Advice, advise
from disputekit.case import Case
from disputekit.deadline import Deadline, compute_deadline
from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Profile
from disputekit.rules.context import RuleContext, exhibits_of
from disputekit.rules.finding import SEVERITY_ORDER, Finding, Severity
from disputekit.rules.registry import all_rules


@dataclass(frozen=True)
class CheckReport:
    case_id: str
    ground: str | None
    findings: list[Finding]
    deadline: Deadline | None
    advice: Advice
    now: datetime

    @property
    def ready(self) -> bool:
        return not any(f.severity == Severity.BLOCKING for f in self.findings)

    def to_json(self, lang: str) -> dict[str, object]:
        return {
            "case": self.case_id,
            "ready": self.ready,
            "ground": self.ground,
            "deadline": self.deadline.to_json(self.now) if self.deadline else None,
            "advice": self.advice.to_json(lang),
            "findings": [f.to_json(lang) for f in self.findings],
        }


def evaluate(ctx: RuleContext) -> list[Finding]:
    """All findings, blocking first; ground-specific rules only for the chosen ground."""
    chosen = set(ctx.ground.rules) if ctx.ground else set()
    findings: list[Finding] = []
    for spec in all_rules().values():
        if spec.ground_specific and spec.id not in chosen:
            continue
        findings.extend(spec.fn(ctx))
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def context_for(case: Case, profile: Profile, now: datetime, ground: str | None) -> RuleContext:
    return RuleContext(
        case=case.facts, exhibits=exhibits_of(case.evidence.items), profile=profile, now=now,
        ground_id=ground if ground is not None else case.facts.ground,
    )


def check_case(
    case: Case, *, now: datetime, ground: str | None = None, profile_path: Path | None = None
) -> CheckReport:
    profile = load_profile(case.facts.platform, profile_path)
    ctx = context_for(case, profile, now, ground)
    findings = evaluate(ctx)
    return CheckReport(
        case_id=case.case_id, ground=ctx.ground_id, findings=findings,
        deadline=compute_deadline(case.facts, profile), advice=advise(case.facts, profile, findings),
        now=now,
    )
