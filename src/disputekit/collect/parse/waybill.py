"""Couriers and waybill numbers: the UPU S10 check digit and per-courier plausibility patterns.

Courier data lives in ``disputekit/data/couriers.toml`` (names, aliases, patterns with their
source and confidence). Patterns are heuristics (taobao.md §7): they say whether a number looks
like one of a *known* courier's, never which courier a number belongs to.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field, field_validator, model_validator

from disputekit.models.facts import Frozen

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10 = re.compile(r"([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})")
_SEPARATORS = re.compile(r"[\s\-]+")


class WaybillPattern(Frozen):
    regex: str = Field(description="full-match pattern, ASCII digits, upper-case letters")
    source: str
    confidence: Literal["high", "medium", "low"]
    check: Literal["s10"] | None = None
    note: str = ""

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value)
        return value

    def matches(self, waybill: str) -> bool:
        if not re.fullmatch(self.regex, waybill, flags=re.ASCII):
            return False
        return self.check != "s10" or is_valid_s10(waybill)


class Courier(Frozen):
    code: str = Field(pattern=r"^[a-z0-9]+$", description="kuaidi100 company code (`com`)")
    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()
    waybill: tuple[WaybillPattern, ...] = ()


class CourierTable(Frozen):
    courier: tuple[Courier, ...]

    @model_validator(mode="after")
    def _unique_keys(self) -> CourierTable:
        seen: dict[str, str] = {}
        for courier in self.courier:
            for key in {_key(k) for k in (courier.code, *courier.aliases)}:
                if seen.setdefault(key, courier.code) != courier.code:
                    raise ValueError(f"alias {key!r} names both {seen[key]} and {courier.code}")
        return self


def _key(name: str) -> str:
    return _SEPARATORS.sub("", name).casefold()


def normalize_waybill(waybill: str) -> str:
    """Upper-case, without spaces or hyphens: the form patterns and comparisons use."""
    return _SEPARATORS.sub("", waybill).upper()


def s10_check_digit(serial8: str) -> int:
    """The UPU S10 check digit of an 8-digit serial number (weights 8 6 4 2 3 5 9 7, mod 11)."""
    if not re.fullmatch(r"[0-9]{8}", serial8):
        raise ValueError(f"an S10 serial number is 8 ASCII digits, not {serial8!r}")
    remainder = 11 - sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def is_valid_s10(code: str) -> bool:
    """True for a UPU S10 item identifier (e.g. ``RB123456785GB``) whose check digit is right."""
    match = _S10.fullmatch(normalize_waybill(code))
    return match is not None and s10_check_digit(match.group(2)) == int(match.group(3))


@cache
def load_couriers() -> CourierTable:
    """The validated courier table shipped with disputekit."""
    text = resources.files("disputekit.data").joinpath("couriers.toml").read_text("utf-8")
    return CourierTable.model_validate(tomllib.loads(text))


@cache
def _index() -> dict[str, Courier]:
    table = load_couriers()
    return {_key(k): c for c in table.courier for k in (c.code, *c.aliases)}


def resolve_courier(name_or_code: str) -> Courier | None:
    """The courier for a kuaidi100 code (``shunfeng``) or a name/alias (``顺丰``, ``SF``)."""
    return _index().get(_key(name_or_code))


def matching_pattern(courier: str | None, waybill: str) -> WaybillPattern | None:
    """The first of the courier's patterns the waybill matches, if any."""
    known = resolve_courier(courier) if courier else None
    if known is None:
        return None
    number = normalize_waybill(waybill)
    return next((p for p in known.waybill if p.matches(number)), None)


def waybill_plausible(courier: str | None, waybill: str) -> bool | None:
    """Whether ``waybill`` looks like one of ``courier``'s numbers.

    None when the courier is unknown or has no pattern on file (nothing to judge by).
    S10 patterns also need a correct check digit.
    """
    known = resolve_courier(courier) if courier else None
    if known is None or not known.waybill:
        return None
    return matching_pattern(known.code, waybill) is not None
