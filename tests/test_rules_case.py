"""case.toml rules: an unreadable optional time is reported (and ignored by the other rules)."""

from __future__ import annotations

import dataclasses

from disputekit.validate.rules.case_rules import UNREADABLE_TIMES
from disputekit.validate.rules.finding import Severity
from rulekit import Fires, Quiet, ctx

B = Severity.BLOCKING


def unreadable(**bad: object) -> object:
    base = ctx()
    return dataclasses.replace(base, extra={UNREADABLE_TIMES: bad})


FIRES = [
    Fires("case.times", "shipped-at-garbage", lambda: unreadable(shipped_at="5月29日"), B,
          "case.toml 中 shipped_at = '5月29日' 无法识别为时间",
          "case.toml: shipped_at = '5月29日' is not a time"),
]

QUIET = [
    Quiet("case.times", "all-times-readable", ctx),
]



def test_one_finding_per_unreadable_time_in_field_order() -> None:
    from rulekit import run_rule

    found = run_rule("case.times", unreadable(state_since="x", deadline="y"))  # type: ignore[arg-type]
    assert [f.zh.split(" = ")[0] for f in found] == ["case.toml 中 deadline", "case.toml 中 state_since"]
