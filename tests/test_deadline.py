"""Deadlines: the 千牛 countdown wins; otherwise estimated from the profile, in working days
when the profile says so (Chinese holidays and 调休 via chinese-calendar)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Timeout
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


def test_tmall_intervention_is_48_hours() -> None:
    facts = case(platform="tmall", state="cs_intervening", deadline=None,
                 state_since=t("2025-04-21 09:00"))
    d = compute_deadline(facts, load_profile("tmall"))
    assert d is not None
    assert (d.at, d.actor) == (t("2025-04-23 09:00"), "both")


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
