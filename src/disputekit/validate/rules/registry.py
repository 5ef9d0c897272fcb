"""Rules are small pure functions ``(RuleContext) -> list[Finding]`` registered by id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity

RuleFn = Callable[[RuleContext], list[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity  # the most severe finding it can produce
    zh: str
    en: str
    source: str
    ground_specific: bool
    fn: RuleFn


RULES: dict[str, RuleSpec] = {}


def rule(
    rule_id: str, severity: Severity, *, zh: str, en: str, source: str,
    ground_specific: bool = False,
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. Ground-specific rules run only when the chosen ground lists them."""

    def register(fn: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = RuleSpec(rule_id, severity, zh, en, source, ground_specific, fn)
        return fn

    return register


def make(spec_id: str, severity: Severity, zh: str, en: str, exhibits: list[str] | None = None) -> Finding:
    return Finding(rule=spec_id, severity=severity, zh=zh, en=en, exhibits=exhibits or [])


def all_rules() -> dict[str, RuleSpec]:
    """Import every rule module once, then return the registry."""
    from disputekit.validate.rules import (  # noqa: F401
        chat_rules,
        deadline_rules,
        ground_rules,
        photo_rules,
        state_rules,
        timeline_rules,
        tracking_rules,
    )

    return RULES
