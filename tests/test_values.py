"""Values as agents type them (issue 13): amounts and times, and what a bad one says."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputekit.values import ValueProblem, parse_amount, parse_typed_time


@pytest.mark.parametrize(("typed", "amount"), [
    ("¥12", "12.00"), ("12元", "12.00"), ("1,280.00", "1280.00"), ("9.9", "9.90"),
    ("￥ 1,280.5 元", "1280.50"), ("RMB 3", "3.00"), ("１２８．５", "128.50"), (128.5, "128.50"),
    (7, "7.00"), ("0", "0.00"),
])
def test_amounts_as_typed(typed: object, amount: str) -> None:
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(("typed", "en", "zh"), [
    ("9.999", "amount: cannot read '9.999' (at most 2 decimals); e.g. 128.50",
     "amount 的值“9.999”无法识别：最多两位小数。示例：128.50"),
    ("abc", "amount: cannot read 'abc' (an amount; ¥, 元 and thousands commas are fine); e.g. 128.50",
     "amount 的值“abc”无法识别：应为金额，可带 ¥、元或千位逗号。示例：128.50"),
    ("-1", "amount: cannot read '-1' (must not be negative); e.g. 128.50",
     "amount 的值“-1”无法识别：金额不能为负。示例：128.50"),
    ("1,28", "amount: cannot read '1,28' (an amount; ¥, 元 and thousands commas are fine); e.g. 128.50",
     "amount 的值“1,28”无法识别：应为金额，可带 ¥、元或千位逗号。示例：128.50"),
    ("nan", "amount: cannot read 'nan' (not an amount); e.g. 128.50", "amount 的值“nan”无法识别：应为金额。示例：128.50"),
])
def test_bad_amounts_name_field_value_and_example(typed: str, en: str, zh: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_amount(typed)
    assert (caught.value.en, caught.value.zh) == (en, zh)


@pytest.mark.parametrize(("typed", "iso", "assumed"), [
    ("2025/4/20 10:02", "2025-04-20T10:02:00+08:00", None),
    ("2025年4月20日 10:02", "2025-04-20T10:02:00+08:00", None),
    ("2025年4月20日", "2025-04-20T00:00:00+08:00", None),
    ("4月20日 10:02", "2025-04-20T10:02:00+08:00", 2025),
    ("4月20日 10时02分", "2025-04-20T10:02:00+08:00", 2025),
    ("4-20 10:02", "2025-04-20T10:02:00+08:00", 2025),
    ("2025-04-20T10:02:00Z", "2025-04-20T10:02:00+00:00", None),
])
def test_times_as_typed(typed: str, iso: str, assumed: int | None) -> None:
    found = parse_typed_time(typed, "--requested-at", year=2025)
    assert (found.at.isoformat(), found.year_assumed) == (iso, assumed)


def test_a_time_without_year_needs_the_case() -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_typed_time("4月20日 10:02", "signed_at")
    assert caught.value.en == "signed_at: cannot read '4月20日 10:02' (no year; add the year); e.g. 2025-04-20 10:02"


@pytest.mark.parametrize("typed", ["soon", "2025-02-30 10:00", "99999-1-1", "5月32日", "2025年13月1日"])
def test_bad_times_refused(typed: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_typed_time(typed, "deadline", year=2025)
    assert caught.value.en.startswith(f"deadline: cannot read {typed!r}")
    assert caught.value.en.endswith("e.g. 2025-04-20 10:02")


@given(st.text(max_size=30))
def test_any_text_is_an_amount_or_a_value_problem(text: str) -> None:
    with contextlib.suppress(ValueProblem):
        assert parse_amount(text) >= 0


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_value_problem(text: str) -> None:
    with contextlib.suppress(ValueProblem):
        parse_typed_time(text, "x", year=2025)
