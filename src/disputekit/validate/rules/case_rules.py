"""Rules about case.toml itself."""

from __future__ import annotations

from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

UNREADABLE_TIMES = "unreadable_times"  # RuleContext.extra key: {field: raw value}


@rule("case.times", Severity.BLOCKING, zh="case.toml 中的时间可以识别", en="Times in case.toml are readable",
      source="case.toml schema (docs/case-folder.md)")
def times(ctx: RuleContext) -> list[Finding]:
    bad = ctx.extra.get(UNREADABLE_TIMES) or {}
    if not isinstance(bad, dict):
        return []
    return [
        make(Severity.BLOCKING,
             f"case.toml 中 {key} = {raw!r} 无法识别为时间（应为 YYYY-MM-DD HH:MM），检查时已忽略。请改正。",
             f"case.toml: {key} = {raw!r} is not a time (expected YYYY-MM-DD HH:MM); it was ignored. Fix it.")
        for key, raw in sorted(bad.items())
    ]
