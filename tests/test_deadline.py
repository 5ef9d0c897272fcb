"""Deadlines: the 千牛 countdown wins; otherwise estimated from the profile, in working days
when the profile says so (Chinese holidays and 调休 via chinese-calendar)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Profile, Timeout
from disputekit.validate.deadline import add_timeout, compute_deadline, is_workday
from disputekit.validate.rules.finding import Severity
from rulekit import case, ctx, run_rule, t

TAOBAO = load_profile("taobao")


def working_days(amount: int) -> Timeout:
    return Timeout(amount=amount, unit="working_days", source="test timeout", confidence="low")


def test_countdown_from_case_wins_and_is_not_estimated() -> None:
    d = compute_deadline(case(deadline=t("2025-04-23 08:00")), TAOBAO)
    assert d is not None
    assert (d.at, d.estimated, d.confidence) == (t("2025-04-23 08:00"), False, "high")
    assert d.source == "case.toml deadline (千牛 countdown)"


def test_waiting_seller_agree_is_five_days_from_state_since() -> None:
    d = compute_deadline(case(deadline=None, state_since=t("2025-04-20 12:00")), TAOBAO)
    assert d is not None
    assert (d.at, d.estimated, d.actor) == (t("2025-04-25 12:00"), True, "seller")
    assert d.confidence == "low"
    assert d.source.startswith("taobao.md §1.2")


def test_waiting_seller_agree_falls_back_to_requested_at() -> None:
    d = compute_deadline(case(deadline=None, state_since=None), TAOBAO)
    assert d is not None
    assert d.at == t("2025-04-25 10:02")


def test_other_states_need_state_since() -> None:
    facts = case(state="waiting_seller_confirm", deadline=None, state_since=None)
    assert compute_deadline(facts, TAOBAO) is None
    d = compute_deadline(facts.model_copy(update={"state_since": t("2025-05-12 16:00")}), TAOBAO)
    assert d is not None
    assert d.at == t("2025-05-22 16:00")


def test_unshipped_order_has_48_hours() -> None:
    facts = case(order_status="paid", shipped_at=None, signed_at=None, deadline=None,
                 state_since=t("2025-04-20 10:00"))
    d = compute_deadline(facts, TAOBAO)
    assert d is not None
    assert (d.at, d.estimated) == (t("2025-04-22 10:00"), True)
    assert "48小时" in d.source


def test_tmall_48_hours_is_not_the_evidence_deadline() -> None:
    """天猫客服48小时内介入 is Tmall's time to step in; the evidence period is Taobao's (low)."""
    facts = case(platform="tmall", state="cs_intervening", deadline=None,
                 state_since=t("2025-04-21 09:00"))
    d = compute_deadline(facts, load_profile("tmall"))
    assert d is not None
    assert (d.at, d.actor, d.confidence) == (t("2025-04-24 09:00"), "both", "low")


def test_hours_left_and_json() -> None:
    d = compute_deadline(case(), TAOBAO)
    assert d is not None
    assert d.hours_left(t("2025-04-25 08:02")) == 2.0
    assert d.hours_left(t("2025-04-25 10:32")) == -0.5
    assert d.to_json(t("2025-04-24 10:02")) == {
        "at": "2025-04-25T10:02:00+08:00", "estimated": False, "hours_left": 24.0,
        "actor": "seller", "confidence": "high", "source": "case.toml deadline (千牛 countdown)",
    }


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2025, 9, 28), True),  # Sunday worked for National Day (调休)
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # last day of the Golden Week (Mid-Autumn added)
        (date(2025, 10, 11), True),  # Saturday worked (调休)
        (date(2025, 10, 12), False),  # ordinary Sunday
        (date(2025, 9, 30), True),  # ordinary Tuesday
    ],
)
def test_is_workday_knows_holidays_and_adjusted_days(day: date, workday: bool) -> None:
    assert is_workday(day) is workday


def test_working_days_skip_national_day() -> None:
    # Tue 09-30 → 10-01…10-08 off → Thu 10-09 (1), Fri 10-10 (2), Sat 10-11 调休 (3)
    assert add_timeout(t("2025-09-30 10:00"), working_days(3)) == t("2025-10-11 10:00")


def test_working_days_count_the_adjusted_sunday() -> None:
    # Fri 09-26 → Sat 09-27 off → Sun 09-28 is a working day (调休)
    assert add_timeout(t("2025-09-26 10:00"), working_days(1)) == t("2025-09-28 10:00")


def test_working_days_fall_back_to_weekdays_beyond_the_calendar() -> None:
    # chinese-calendar knows no holidays this far ahead: Monday to Friday count
    assert add_timeout(t("2099-01-02 10:00"), working_days(2)) == t("2099-01-06 10:00")


def test_natural_days_and_hours() -> None:
    assert add_timeout(t("2025-09-30 10:00"), Timeout(amount=3, unit="days", source="x" * 3,
                                                      confidence="low")) == t("2025-10-03 10:00")
    assert add_timeout(t("2025-09-30 10:00"), Timeout(amount=1.5, unit="hours", source="x" * 3,
                                                      confidence="low")) == t("2025-09-30 11:30")


def test_shop_profile_in_working_days_reaches_the_rule(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text(
        "[states.waiting_seller_agree]\n"
        'timeout = { amount = 2, unit = "working_days", source = "shop agreement", '
        'confidence = "medium" }\n', "utf-8")
    profile = load_profile("taobao", shop)
    facts = case(deadline=None, requested_at=t("2025-09-30 10:00"), state_since=None,
                 ordered_at=None, paid_at=None, shipped_at=t("2025-09-25 10:00"),
                 signed_at=t("2025-09-27 10:00"))
    d = compute_deadline(facts, profile)
    assert d is not None
    assert (d.at, d.confidence, d.source) == (t("2025-10-10 10:00"), "medium", "shop agreement")
    found = run_rule("deadline.timeout", ctx(facts, profile=profile, now=t("2025-10-09 12:00")))
    assert [f.severity for f in found] == [Severity.WARNING, Severity.INFO]
    assert "Only 22.0 h left until 2025-10-10 10:00" in found[0].en


@pytest.mark.parametrize(
    ("now", "severities"),
    [
        ("2025-04-24 10:01", []),  # 24.02 h left
        ("2025-04-24 10:03", [Severity.WARNING]),  # 23.98 h left
        ("2025-04-25 10:01", [Severity.WARNING]),
        ("2025-04-25 10:03", [Severity.BLOCKING]),
    ],
)
def test_near_and_passed(now: str, severities: list[Severity]) -> None:
    found = run_rule("deadline.timeout", ctx(now=t(now)))
    assert [f.severity for f in found] == severities


@pytest.mark.parametrize("state", ["waiting_buyer_return", "seller_refused", "closed", "success"])
def test_no_seller_findings_when_the_seller_need_not_act(state: str) -> None:
    facts = case(state=state, deadline=None, state_since=t("2025-04-01 10:00"))
    assert run_rule("deadline.timeout", ctx(facts, now=t("2025-04-21 10:00"))) == []
    facts = case(state=state)  # even a passed countdown from 千牛
    assert run_rule("deadline.timeout", ctx(facts, now=t("2025-05-21 10:00"))) == []


def working_days_profile(amount: int) -> Profile:
    state = TAOBAO.states["waiting_seller_agree"]
    timeout = Timeout(amount=amount, unit="working_days", source="test: S1 第83条 style", confidence="high")
    states = {**TAOBAO.states, "waiting_seller_agree": state.model_copy(update={"timeout": timeout})}
    return TAOBAO.model_copy(update={"states": states})


def test_working_days_past_the_calendar_skip_new_year_and_warn() -> None:
    """Issue 11: 2026-12-30 + 4 working days must not count 1 January as a working day."""
    facts = case(deadline=None, requested_at=t("2026-12-30 10:00"), state_since=t("2026-12-30 10:00"),
                 ordered_at=None, paid_at=None, shipped_at=None, signed_at=None)
    d = compute_deadline(facts, working_days_profile(4))
    assert d is not None
    assert (d.at, d.beyond_calendar) == (t("2027-01-06 10:00"), True)
    inside = compute_deadline(facts.model_copy(update={"state_since": t("2026-12-01 10:00")}),
                              working_days_profile(4))
    assert inside is not None and inside.beyond_calendar is False
    context = ctx(facts, [], profile=working_days_profile(4), now=t("2027-01-02 10:00"))
    found = [f for f in run_rule("deadline.timeout", context) if f.severity == Severity.WARNING]
    assert [f.zh[:40] for f in found] == ["期限按工作日估算到 2027-01-06，但节假日表（chinese-calendar）不含该年份："[:40]]
    assert "past the years the holiday table (chinese-calendar) covers" in found[0].en


def test_waiting_seller_confirm_counts_from_the_returns_first_scan() -> None:
    facts = case(state="waiting_seller_confirm", deadline=None, state_since=t("2025-04-24 16:00"))
    d = compute_deadline(facts, TAOBAO, return_shipped=t("2025-04-22 15:05"))
    assert d is not None
    assert d.at == t("2025-05-02 15:05")
    assert d.source.endswith("; clock from the return's first scan")
    other = compute_deadline(case(deadline=None, state_since=t("2025-04-20 12:00")), TAOBAO,
                             return_shipped=t("2025-04-22 15:05"))
    assert other is not None and other.at == t("2025-04-25 12:00")  # only that state's clock
