"""Which refusal grounds fit a case, and what each still needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from disputekit.case import Case
from disputekit.profiles.load import load_profile
from disputekit.validate.check import context_for, evaluate
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.ground_rules import missing_needs


@dataclass(frozen=True)
class GroundFit:
    id: str
    name_zh: str
    name_en: str
    basis: str
    fits: bool
    missing_zh: list[str]
    missing_en: list[str]
    blocking: list[Finding]

    def to_json(self, lang: str) -> dict[str, object]:
        return {
            "ground": self.id, "name": self.name_zh if lang == "zh" else self.name_en,
            "basis": self.basis, "fits": self.fits,
            "missing": self.missing_zh if lang == "zh" else self.missing_en,
            "blocking": [f.to_json(lang) for f in self.blocking],
        }


def fit_grounds(case: Case, *, now: datetime, profile_path: Path | None = None) -> list[GroundFit]:
    """Evaluate every ground as if chosen; fits = no blocking finding from it."""
    profile = load_profile(case.facts.platform, profile_path)
    fits = []
    for gid, ground in profile.grounds.items():
        ctx = context_for(case, profile, now, gid)
        missing = missing_needs(ctx, gid)
        own = {"grounds.evidence-present", "grounds.refund-type", *ground.rules}
        blocking = [f for f in evaluate(ctx) if f.severity == Severity.BLOCKING and f.rule in own]
        fits.append(GroundFit(
            gid, ground.name_zh, ground.name_en, ground.basis, not blocking,
            [n.zh for n in missing], [n.en for n in missing], blocking,
        ))
    return sorted(fits, key=lambda g: (not g.fits, len(g.blocking), g.id))
