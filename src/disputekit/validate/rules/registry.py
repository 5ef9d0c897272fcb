"""Rules are small pure functions ``(RuleContext) -> list[Finding]`` registered by id."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from disputekit.validate import rules as rules_package
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
RULE_MODULE_SUFFIX = "_rules"


def rule(
    rule_id: str, severity: Severity, *, zh: str, en: str, source: str,
    ground_specific: bool = False,
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. Ground-specific rules run only when the chosen ground lists them.

    The findings a rule returns carry its id: rules build them with :func:`make`, which
    leaves the id to this decorator, so a finding can never name another rule.
    """

    def register(fn: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")

        @functools.wraps(fn)
        def stamped(ctx: RuleContext) -> list[Finding]:
            return [f.model_copy(update={"rule": rule_id}) for f in fn(ctx)]

        RULES[rule_id] = RuleSpec(rule_id, severity, zh, en, source, ground_specific, stamped)
        return stamped

    return register


def make(severity: Severity, zh: str, en: str, exhibits: list[str] | None = None) -> Finding:
    """A finding of the rule being run (its id is set by :func:`rule`)."""
    return Finding(rule="", severity=severity, zh=zh, en=en, exhibits=exhibits or [])


def all_rules() -> dict[str, RuleSpec]:
    """Import every ``*_rules`` module of this package once, then return the registry."""
    for found in pkgutil.iter_modules(rules_package.__path__):
        if found.name.endswith(RULE_MODULE_SUFFIX):
            importlib.import_module(f"{rules_package.__name__}.{found.name}")
    return RULES
