"""Every registered rule has a firing and a quiet scenario; ground-specific rules obey the ground.

The scenario tables live in the family modules (test_rules_chat.py …); this module collects them,
so adding a rule without a test that makes it fire (and one that keeps it quiet) fails here.
"""

from __future__ import annotations

import dataclasses
import importlib
from pathlib import Path

import pytest

from disputekit.profiles.load import load_profile
from disputekit.validate.check import evaluate
from disputekit.validate.rules.registry import all_rules
from rulekit import Fires, Quiet, check_fires, check_quiet, norm

# Every tests/test_rules_*.py that declares FIRES is a family: found, not listed.
FAMILIES = tuple(
    m for m in (importlib.import_module(p.stem) for p in sorted(Path(__file__).parent.glob("test_rules_*.py"))
                if p.stem != Path(__file__).stem)
    if hasattr(m, "FIRES")
)
FIRES: list[Fires] = [s for m in FAMILIES for s in m.FIRES]
QUIET = [s for m in FAMILIES for s in m.QUIET]
PROFILE = load_profile("taobao")
GROUND_SPECIFIC = [s for s in FIRES if all_rules()[s.rule].ground_specific]


def test_every_rule_has_a_firing_scenario() -> None:
    assert sorted({s.rule for s in FIRES}) == sorted(all_rules())


def test_every_rule_has_a_quiet_scenario() -> None:
    assert sorted({s.rule for s in QUIET}) == sorted(all_rules())


def test_every_rule_fires_at_its_registered_severity() -> None:
    """A rule's registered severity is the most severe finding it gives, and some test sees it."""
    seen = {(s.rule, s.severity) for s in FIRES}
    assert sorted(r.id for r in all_rules().values() if (r.id, r.severity) not in seen) == []


def test_scenario_names_are_unique() -> None:
    ids = [s.id for s in FIRES] + [s.id for s in QUIET]
    assert len(ids) == len(set(ids))


def test_ground_rules_are_listed_by_some_ground_and_exist() -> None:
    listed = {r for g in PROFILE.grounds.values() for r in g.rules}
    specific = {r.id for r in all_rules().values() if r.ground_specific}
    assert listed == specific


def _grounds_listing(rule_id: str, listing: bool) -> list[str]:
    return [g for g, ground in PROFILE.grounds.items() if (rule_id in ground.rules) == listing]


@pytest.mark.parametrize("scenario", FIRES, ids=lambda s: s.id)
def test_fires_through_evaluate(scenario: Fires) -> None:
    """evaluate() runs the rule (ground-specific ones under a ground that lists them)."""
    context = scenario.build()
    if all_rules()[scenario.rule].ground_specific and scenario.rule not in context.ground.rules:
        context = dataclasses.replace(context, ground_id=_grounds_listing(scenario.rule, True)[0])
    found = [f for f in evaluate(context)
             if f.rule == scenario.rule and f.severity == scenario.severity
             and norm(scenario.en) in norm(f.en)]
    assert found, f"{scenario.id} did not fire through evaluate()"


@pytest.mark.parametrize("scenario", GROUND_SPECIFIC, ids=lambda s: s.id)
def test_ground_rule_is_silent_under_other_grounds(scenario: Fires) -> None:
    context = scenario.build()
    for other in [*_grounds_listing(scenario.rule, False), None]:
        found = evaluate(dataclasses.replace(context, ground_id=other))
        assert scenario.rule not in {f.rule for f in found}, other


# The scenarios of every family run here, once (the family modules only declare them).
@pytest.mark.parametrize("scenario", FIRES, ids=lambda s: s.id)
def test_fires(scenario: Fires) -> None:
    check_fires(scenario)


@pytest.mark.parametrize("scenario", QUIET, ids=lambda s: s.id)
def test_quiet(scenario: Quiet) -> None:
    check_quiet(scenario)
