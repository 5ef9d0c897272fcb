"""Which refusal grounds fit a case, which are unverified, and what each still needs.

A ground *fits* only when its evidence is present, every fact it needs is established
(validate/facts.py) and none of its rules blocks. When only evidence or facts are missing it is
*unverified* (never ✔, never drafted as fact); when a rule contradicts it, it is *blocked*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from disputekit.case import Case
from disputekit.profiles.load import load_profile
from disputekit.validate.check import context_for, evaluate
from disputekit.validate.fact_model import EstablishedFact, alternatives
from disputekit.validate.facts import established_facts, fact_specs, missing_facts
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.ground_rules import missing_needs

Status = Literal["fits", "unverified", "blocked"]
UNVERIFIED_RULES = frozenset({"grounds.evidence-present", "grounds.facts-established"})


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
    status: Status = "blocked"
    facts: tuple[EstablishedFact, ...] = ()  # the needed facts that are established
    missing_facts_zh: tuple[str, ...] = ()
    missing_facts_en: tuple[str, ...] = ()

    def to_json(self, lang: str) -> dict[str, object]:
        return {
            "ground": self.id, "name": self.name_zh if lang == "zh" else self.name_en,
            "basis": self.basis, "fits": self.fits, "status": self.status,
            "missing": self.missing_zh if lang == "zh" else self.missing_en,
            "facts": [f.to_json(lang) for f in self.facts],
            "missing_facts": list(self.missing_facts_zh if lang == "zh" else self.missing_facts_en),
            "blocking": [f.to_json(lang) for f in self.blocking],
        }


def status_of(blocking: list[Finding]) -> Status:
    if not blocking:
        return "fits"
    return "unverified" if all(f.rule in UNVERIFIED_RULES for f in blocking) else "blocked"


ORDER = {"fits": 0, "unverified": 1, "blocked": 2}


def fit_grounds(case: Case, *, now: datetime, profile_path: Path | None = None) -> list[GroundFit]:
    """Evaluate every ground as if chosen."""
    profile = load_profile(case.facts.platform, profile_path)
    have = established_facts(context_for(case, profile, now, None))
    specs = fact_specs()
    fits = []
    for gid, ground in profile.grounds.items():
        ctx = context_for(case, profile, now, gid)
        missing = missing_needs(ctx, gid)
        own = {"grounds.evidence-present", "grounds.refund-type", "grounds.facts-established", *ground.rules}
        blocking = [f for f in evaluate(ctx) if f.severity == Severity.BLOCKING and f.rule in own]
        needed = {a for r in ground.facts for a in alternatives(r)}
        lacking = missing_facts(ctx, ground.facts, have)
        fits.append(GroundFit(
            gid, ground.name_zh, ground.name_en, ground.basis, not blocking,
            [n.zh for n in missing], [n.en for n in missing], blocking, status_of(blocking),
            tuple(f for f in have if f.id in needed),
            tuple("或".join(specs[a].zh for a in alternatives(r)) for r in lacking),
            tuple(" or ".join(specs[a].en for a in alternatives(r)) for r in lacking),
        ))
    return sorted(fits, key=lambda g: (ORDER[g.status], len(g.blocking), g.id))
