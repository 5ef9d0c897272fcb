"""UPU S10 check digits, courier lookup and waybill plausibility (disputekit.collect.parse.waybill)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disputekit.collect.parse.waybill import (
    is_valid_s10,
    load_couriers,
    matching_pattern,
    normalize_waybill,
    resolve_courier,
    s10_check_digit,
    waybill_plausible,
)


# ------------------------------------------------------------------------------ S10
def test_s10_reference_values() -> None:
    # taobao.md §7 (jkeen/tracking_number_data): RB123456785GB is valid.
    assert s10_check_digit("12345678") == 5
    assert is_valid_s10("RB123456785GB")
    assert not is_valid_s10("RB123456786US")


@pytest.mark.parametrize(
    ("serial", "digit"),
    [
        ("00000000", 5),  # sum 0 → 11 - 0 = 11 → 5
        ("00000001", 4),  # sum 7 → 4
        ("00000010", 2),  # sum 9 → 2
        ("10000000", 3),  # sum 8 → 3
        ("00000100", 6),  # sum 5 → 6
        ("00100000", 7),  # sum 4 → 7
        ("00001000", 8),  # sum 3 → 8
        ("00010000", 9),  # sum 2 → 9
        ("01000000", 5),  # sum 6 → 5
    ],
)
def test_s10_weights_and_special_remainders(serial: str, digit: int) -> None:
    assert s10_check_digit(serial) == digit


def test_s10_remainder_ten_gives_zero() -> None:
    # weights 3 (5th digit) + 9 (7th digit) = 12; 12 % 11 = 1; 11 - 1 = 10 → 0
    assert s10_check_digit("00001010") == 0


@pytest.mark.parametrize("bad", ["1234567", "123456789", "1234567a", "１２３４５６７８", ""])
def test_s10_serial_must_be_eight_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="8 ASCII digits"):
        s10_check_digit(bad)


@pytest.mark.parametrize(
    "code", ["rb123456785gb", " RB 123 456 785 GB ", "RB-123456785-GB", "EA000000005CN"]
)
def test_s10_accepts_case_and_separators(code: str) -> None:
    assert is_valid_s10(code)


@pytest.mark.parametrize(
    "code", ["RB12345678GB", "R1123456785GB", "RB123456785G", "RB１２３４５６７８５GB", ""]
)
def test_s10_rejects_malformed(code: str) -> None:
    assert not is_valid_s10(code)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_s10_exactly_one_check_digit_is_valid(serial: str) -> None:
    valid = [d for d in range(10) if is_valid_s10(f"EE{serial}{d}CN")]
    assert valid == [s10_check_digit(serial)]


# ------------------------------------------------------------------------------ couriers
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("shunfeng", "shunfeng"),
        ("顺丰", "shunfeng"),
        ("顺丰速运", "shunfeng"),
        ("SF", "shunfeng"),
        ("中通", "zhongtong"),
        ("圆通", "yuantong"),
        ("申通快递", "shentong"),
        ("韵达", "yunda"),
        ("极兔", "jtexpress"),
        ("J&T Express", "jtexpress"),
        ("京东", "jd"),
        ("debangkuaidi", "debangwuliu"),
        ("德邦", "debangwuliu"),
        ("EMS", "ems"),
        ("中国邮政", "youzhengguonei"),
        ("baishi", "huitongkuaidi"),
        ("百世快递", "huitongkuaidi"),
        ("菜鸟", "cainiao"),
        ("lianhaowuliu", "lianhaowuliu"),
        ("联昊通", "lianhaowuliu"),
        (" YuanTong ", "yuantong"),
    ],
)
def test_resolve_courier_by_code_or_alias(name: str, code: str) -> None:
    courier = resolve_courier(name)
    assert courier is not None
    assert courier.code == code


@pytest.mark.parametrize("name", ["安能物流", "", "shunfengx", "顺"])
def test_unknown_courier_is_none(name: str) -> None:
    assert resolve_courier(name) is None


def test_every_pattern_has_source_and_confidence() -> None:
    table = load_couriers()
    assert len(table.courier) >= 13
    for courier in table.courier:
        for pattern in courier.waybill:
            assert pattern.source.startswith("taobao.md §7")
            assert pattern.confidence in ("high", "medium", "low")


# ------------------------------------------------------------------------------ plausibility
@pytest.mark.parametrize(
    ("courier", "waybill", "expected"),
    [
        ("shunfeng", "SF1234567890123", True),
        ("顺丰", "sf1234567890123", True),
        ("shunfeng", "123456789012", True),  # legacy 12 digits
        ("shunfeng", "SF123456789012", False),  # one digit short
        ("shunfeng", "YT1234567890123", False),
        ("zhongtong", "73123456789012", True),
        ("zhongtong", "79123456789012", False),  # 14 digits, prefix outside 73–78
        ("yuantong", "YT1234567890123", True),
        ("yuantong", "807209844896", True),  # legacy alphanumeric 10–12 (corpus number)
        ("yuantong", "8072098448961234", False),
        ("shentong", "773123456789012", True),
        ("shentong", "66123456789012", True),
        ("shentong", "1234567", False),
        ("yunda", "312345678901234", True),
        ("yunda", "512345678901234", False),
        ("yunda", "5123456789012", True),  # legacy 13 digits
        ("jtexpress", "JT1234567890123", True),
        ("jtexpress", "JT123456789012", False),
        ("jd", "JDVA12345678901", True),
        ("jd", "JDX123456789012", True),
        ("jd", "78785333107", False),  # the corpus JD number: 11 bare digits, no known pattern
        ("debangwuliu", "DPK123456789012", True),
        ("debangwuliu", "12345678", True),
        ("debangwuliu", "1234567", False),
        ("ems", "1012345678901", True),
        ("ems", "PA12345678901", True),
        ("ems", "EA000000005CN", True),  # S10 with the right check digit
        ("ems", "EA000000006CN", False),  # S10 shape, wrong check digit
        ("youzhengguoji", "RB123456785GB", True),
        ("youzhengguoji", "RB123456786US", False),
        ("youzhengguonei", "9812345678901", True),
        ("huitongkuaidi", "A123456789012", True),
        ("cainiao", "621123456789012", True),
        ("cainiao", "622123456789012", False),
    ],
)
def test_waybill_plausible(courier: str, waybill: str, expected: bool) -> None:
    assert waybill_plausible(courier, waybill) is expected


@pytest.mark.parametrize(
    ("courier", "waybill"),
    [(None, "SF1234567890123"), ("安能物流", "SF1234567890123"), ("lianhaowuliu", "532071843804")],
)
def test_plausibility_unknown_without_courier_or_patterns(
    courier: str | None, waybill: str
) -> None:
    assert waybill_plausible(courier, waybill) is None


def test_fullwidth_digits_do_not_match_ascii_patterns() -> None:
    assert waybill_plausible("shunfeng", "SF１２３４５６７８９０１２３") is False


def test_matching_pattern_reports_source() -> None:
    pattern = matching_pattern("极兔", "JT1234567890123")
    assert pattern is not None
    assert pattern.confidence == "high"
    assert "JT.ts" in pattern.source


def test_normalize_waybill() -> None:
    assert normalize_waybill(" yt 1234-5678 ") == "YT12345678"
