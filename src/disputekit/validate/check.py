"""Validate stage: run every applicable rule and give the verdict, deadline and advice."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from disputekit.case import Case, CasePaths, load_evidence, read_case_data, validate_case_data
from disputekit.collect.screenshot import settings as ocr_settings
from disputekit.errors import DisputekitError
from disputekit.models.case import CaseFile
from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Profile
from disputekit.validate.advice import Advice, advise
from disputekit.validate.deadline import Deadline
from disputekit.validate.fact_model import EstablishedFact
from disputekit.validate.facts import established_facts
from disputekit.validate.rules.case_rules import UNREADABLE_TIMES
from disputekit.validate.rules.context import RuleContext, exhibits_of
from disputekit.validate.rules.deadline_rules import deadline_of
from disputekit.validate.rules.finding import SEVERITY_ORDER, Finding, Severity
from disputekit.validate.rules.gate_rules import APPROVAL, BAD_OBJECTS, INTEGRITY
from disputekit.validate.rules.registry import all_rules


@dataclass(frozen=True)
class CheckReport:
    case_id: str
    ground: str | None
    findings: list[Finding]
    deadline: Deadline | None
    advice: Advice
    now: datetime
    facts: tuple[EstablishedFact, ...] = ()  # every fact the evidence establishes (validate/facts.py)

    @property
    def ready(self) -> bool:
        """Nothing blocks and nothing `build` would refuse (incl. a missing required approval)."""
        return not any(f.severity == Severity.BLOCKING or f.rule in NOT_READY for f in self.findings)

    def to_json(self, lang: str) -> dict[str, object]:
        return {
            "case": self.case_id,
            "ready": self.ready,
            "ground": self.ground,
            "deadline": self.deadline.to_json(self.now) if self.deadline else None,
            "advice": self.advice.to_json(lang),
            "findings": [f.to_json(lang) for f in self.findings],
            "facts": [f.to_json(lang) for f in self.facts],
        }


def evaluate(ctx: RuleContext) -> list[Finding]:
    """All findings, blocking first; ground-specific rules only for the chosen ground."""
    chosen = set(ctx.ground.rules) if ctx.ground else set()
    findings: list[Finding] = []
    for spec in all_rules().values():
        if spec.ground_specific and spec.id not in chosen:
            continue
        findings.extend(spec.fn(ctx))
    findings = [_unless_misread(ctx, f) for f in findings]
    return sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity])


def _unless_misread(ctx: RuleContext, finding: Finding) -> Finding:
    """A blocking finding that rests only on values read from images with low confidence is a
    warning: a misread must never decide on its own (the agent confirms or corrects it)."""
    if finding.severity != Severity.BLOCKING or not finding.exhibits:
        return finding
    limit = ocr_settings().decisive_confidence
    cited = [e for e in ctx.exhibits if e.id in finding.exhibits]
    if not cited or not all(e.read_from_image and e.low_confidence(limit) for e in cited):
        return finding
    return finding.model_copy(update={
        "severity": Severity.WARNING,
        "zh": finding.zh + "（依据的截图内容识别可信度低，暂作提醒；请核对截图。）",
        "en": finding.en + " (It rests on values read from a screenshot with low confidence, so it is a warning until they are checked.)",
    })


def context_for(case: Case, profile: Profile, now: datetime, ground: str | None) -> RuleContext:
    return RuleContext(
        case=case.facts, exhibits=exhibits_of(case.evidence.items), profile=profile, now=now,
        ground_id=ground if ground is not None else case.facts.ground,
    )


# Rules about sending a refusal *now*; they do not stop sealing a closed case or building the
# archive's dossier (otherwise nothing could be archived once the dispute is over).
# The archive also checks the originals itself, with its own (more specific) error.
NOT_FOR_ARCHIVE = frozenset({"deadline.timeout", "state.refusable", "gate.objects-intact"})
# Warnings that still make the case "not ready": build would refuse the upload bundle.
NOT_READY = frozenset({"gate.approval"})


def gate_inputs(case: Case) -> dict[str, object]:
    """What build/approve/archive check on the case folder, for the ``gate.*`` rules."""
    from disputekit.review.decisions import ApprovalMissing, assert_fresh_approval  # imports us

    extra: dict[str, object] = {}
    bad = [item.id for item in case.evidence.items if not case.store.verify(item.sha256)]
    if bad:
        extra[BAD_OBJECTS] = bad
    try:
        assert_fresh_approval(case)
    except ApprovalMissing as exc:
        extra[APPROVAL] = (exc.zh, exc.en)
    except DisputekitError as exc:  # e.g. the case no longer matches its audit log
        extra[INTEGRITY] = (exc.zh, exc.en)
    return extra

OPTIONAL_TIMES = ("ordered_at", "paid_at", "shipped_at", "signed_at", "state_since", "deadline")


def open_case_lenient(root: Path) -> tuple[Case, dict[str, object]]:
    """Open a case for checking: unreadable optional times are left out (and returned, field →
    raw value, for the ``case.times`` rule) instead of stopping the check. Anything else is
    still an error."""
    paths = CasePaths(root)
    raw = read_case_data(paths.case_toml)
    try:
        facts = CaseFile.model_validate(raw)
        return Case(paths, facts, load_evidence(paths.evidence)), {}
    except ValidationError as exc:
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        if not bad or not bad <= set(OPTIONAL_TIMES):
            validate_case_data(raw, paths.case_toml)  # raises the usual CaseError
            raise
    facts = CaseFile.model_validate({k: v for k, v in raw.items() if k not in bad})
    return Case(paths, facts, load_evidence(paths.evidence)), {key: raw[key] for key in bad}


def check_case(
    case: Case, *, now: datetime, ground: str | None = None, profile_path: Path | None = None,
    unreadable_times: dict[str, object] | None = None, gate: bool = True,
    context: RuleContext | None = None,
) -> CheckReport:
    """``gate``: also hash the originals and ask for the shop's approval (what build checks).
    ``context``: the case's rule context when the caller already made it (validating a
    100,000-message chat's facts twice cost build 1.3 s)."""
    profile = load_profile(case.facts.platform, profile_path)
    ctx = context if context is not None else context_for(case, profile, now, ground)
    if unreadable_times:
        ctx = replace(ctx, extra={**ctx.extra, UNREADABLE_TIMES: dict(unreadable_times)})
    if gate:
        ctx = replace(ctx, extra={**ctx.extra, **gate_inputs(case)})
    findings = evaluate(ctx)
    facts = established_facts(ctx)
    return CheckReport(
        case_id=case.case_id, ground=ctx.ground_id, findings=findings,
        deadline=deadline_of(ctx), advice=advise(case.facts, profile, findings, facts),
        now=now, facts=tuple(facts),
    )
