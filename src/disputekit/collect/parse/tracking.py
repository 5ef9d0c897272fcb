"""Tracking records → TrackingFacts: event statuses, final status, signing time and signer.

Reading the file is ``tracking_formats``; this module interprets it with the rules in
``disputekit/data/tracking_keywords.toml`` (keyword → status, signer patterns, kuaidi100 state
codes). The decisions are documented in docs/formats-tracking.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import field_validator, model_validator

from disputekit.collect.parse import tracking_formats
from disputekit.collect.parse.limits import read_capped
from disputekit.collect.parse.tracking_formats import RawEvent, RawRecord, Subject, read_record
from disputekit.collect.parse.waybill import normalize_waybill, resolve_courier, waybill_plausible
from disputekit.errors import InputFileError
from disputekit.kinds import Hints
from disputekit.models.facts import Frozen, TrackingEvent, TrackingFacts, TrackingStatus

SIGNED_CLASSES = frozenset({TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY})
BACK_TO_SENDER = frozenset({TrackingStatus.REFUSED, TrackingStatus.RETURNED})


class KeywordRule(Frozen):
    """Text contains any keyword or pattern, and none of ``exclude`` → ``status``."""

    status: TrackingStatus
    keywords: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[str, ...] = ()
    after: tuple[TrackingStatus, ...] = ()

    @model_validator(mode="after")
    def _has_trigger(self) -> KeywordRule:
        if not self.keywords and not self.patterns:
            raise ValueError("a rule needs keywords or patterns")
        return self

    def matches(self, text: str, earlier: frozenset[TrackingStatus]) -> bool:
        if self.after and not earlier.intersection(self.after):
            return False
        hit = any(k in text for k in self.keywords) or any(p.search(text) for p in self.patterns)
        return hit and not any(x in text for x in self.exclude)


class SignerPattern(Frozen):
    """A match gives its ``signer`` group, or the fixed ``value``."""

    pattern: re.Pattern[str]
    value: str | None = None

    @model_validator(mode="after")
    def _group_or_value(self) -> SignerPattern:
        if (self.value is None) == ("signer" not in self.pattern.groupindex):
            raise ValueError(f"{self.pattern.pattern!r}: give a (?P<signer>…) group or a value")
        return self


class StateCode(Frozen):
    code: str
    name_zh: str
    status: TrackingStatus | None = None
    compatible: tuple[TrackingStatus, ...]
    source: str
    confidence: Literal["high", "medium", "low"]


class TrackingRules(Frozen):
    signer_reject: tuple[str, ...] = ()
    rule: tuple[KeywordRule, ...]
    signer: tuple[SignerPattern, ...]
    state: tuple[StateCode, ...]

    @field_validator("state")
    @classmethod
    def _unique_codes(cls, states: tuple[StateCode, ...]) -> tuple[StateCode, ...]:
        codes = [s.code for s in states]
        if len(codes) != len(set(codes)):
            raise ValueError("state codes must be unique")
        return states


@cache
def load_rules() -> TrackingRules:
    """The validated rules shipped in disputekit/data/tracking_keywords.toml."""
    text = resources.files("disputekit.data").joinpath("tracking_keywords.toml").read_text("utf-8")
    return TrackingRules.model_validate(tomllib.loads(text))


# ------------------------------------------------------------------------------ per event
def classify_text(
    text: str, earlier: Iterable[TrackingStatus] = (), rules: TrackingRules | None = None
) -> TrackingStatus:
    """The status class of one event's text; ``earlier`` are the classes of preceding events."""
    before = frozenset(earlier)
    for rule in (rules or load_rules()).rule:
        if rule.matches(text, before):
            return rule.status
    return TrackingStatus.IN_TRANSIT


def classify_events(raw: Sequence[RawEvent]) -> list[TrackingEvent]:
    """Events in chronological order, each with its status class."""
    events: list[TrackingEvent] = []
    seen: set[TrackingStatus] = set()
    for item in chronological(raw):
        status = classify_text(item.text, seen)
        seen.add(status)
        events.append(
            TrackingEvent(time=item.time, text=item.text, status=status, location=item.location)
        )
    return events


def chronological(raw: Sequence[RawEvent]) -> list[RawEvent]:
    """Oldest first. Newest-first lists (kuaidi100's default) are reversed before a stable sort,
    so events with the same timestamp keep their true order."""
    ordered = list(raw)
    if len(ordered) > 1 and ordered[0].time > ordered[-1].time:
        ordered.reverse()
    return sorted(ordered, key=lambda e: e.time)


def extract_signer(text: str, rules: TrackingRules | None = None) -> str | None:
    """Who signed, from a signing event's text (``签收人：张三`` → ``张三``), else None."""
    rules = rules or load_rules()
    for signer in rules.signer:
        match = signer.pattern.search(text)
        if match is None:
            continue
        if signer.value is not None:
            return signer.value
        found = match.group("signer").strip(" 【】[]()（）:：")
        if found and not any(bad in found for bad in rules.signer_reject):
            return found
    return None


# ------------------------------------------------------------------------------ whole record
def state_code(code: str | None) -> StateCode | None:
    """The kuaidi100 ``state`` entry for ``code``, if known."""
    return next((s for s in load_rules().state if s.code == code), None) if code else None


def final_status(
    events: Sequence[TrackingEvent], state: str | None
) -> tuple[TrackingStatus | None, list[str]]:
    """The record's final status and any warning.

    The last event's class decides, unless the record's own state disagrees: a state code is
    the courier's classification, so it wins over an uninformative (in_transit) or
    incompatible last event — with a warning when the text said something else.
    """
    last = events[-1].status if events else None
    known = state_code(state)
    if known is None or known.status is None:
        return last, []
    if last is None or last in known.compatible:
        return last or known.status, []
    if last is TrackingStatus.IN_TRANSIT:
        return known.status, []
    return known.status, [
        warn(
            f"记录状态 {known.code}（{known.name_zh}）与最后一条轨迹（{last.value}）不一致，"
            f"按记录状态处理。",
            f"The record's state {known.code} ({known.status.value}) disagrees with the last "
            f"event ({last.value}); the state is used.",
        )
    ]


def signing(
    events: Sequence[TrackingEvent], final: TrackingStatus | None
) -> tuple[TrackingEvent | None, list[str]]:
    """The event that completed delivery, and any warning.

    The first signed/signed_proxy event before anything went back to the sender. A locker
    deposit is not signing; a later pickup is. If only the record's state says "signed", the
    last event is taken (with a warning).
    """
    for index, event in enumerate(events):
        if event.status in BACK_TO_SENDER:
            return None, _late_signing_warning(events[index + 1 :])
        if event.status in SIGNED_CLASSES:
            return event, []
    if final in SIGNED_CLASSES and events:
        return events[-1], [
            warn(
                "记录状态为已签收，但轨迹文字中没有签收，签收时间取最后一条轨迹。",
                "The record's state says signed but no event text does; the last event's time "
                "is taken as the signing time.",
            )
        ]
    return None, []


def _late_signing_warning(rest: Sequence[TrackingEvent]) -> list[str]:
    if not any(e.status in SIGNED_CLASSES for e in rest):
        return []
    return [
        warn(
            "签收发生在拒收/退回之后，可能是寄件人签收，未计为收件人签收。",
            "A signing comes after a refusal/return, probably by the sender; it is not counted "
            "as the recipient signing.",
        )
    ]


def warn(zh: str, en: str) -> str:
    """Warnings are stored once, in both languages."""
    return f"{zh} / {en}"


# ------------------------------------------------------------------------------ courier
def courier_facts(
    recorded: str | None, given: str | None
) -> tuple[str | None, str | None, list[str]]:
    """(courier code or raw name, Chinese name, warnings). The record wins over ``given``."""
    chosen = recorded or (given.strip() if given else None) or None
    known = resolve_courier(chosen) if chosen else None
    warnings = []
    if recorded and given and given.strip() and not _same_courier(recorded, given):
        warnings.append(
            warn(
                f"记录中的快递公司“{recorded}”与指定的“{given.strip()}”不一致，按记录处理。",
                f"The record's courier \"{recorded}\" differs from the given "
                f"\"{given.strip()}\"; the record's is used.",
            )
        )
    if known is None:
        return chosen, None, warnings
    return known.code, known.name_zh, warnings


def _same_courier(a: str, b: str) -> bool:
    known_a, known_b = resolve_courier(a), resolve_courier(b)
    if known_a and known_b:
        return known_a.code == known_b.code
    return a.strip().casefold() == b.strip().casefold()


def plausibility(courier: str | None, waybill: str | None) -> tuple[bool | None, list[str]]:
    if not waybill:
        return None, []
    plausible = waybill_plausible(courier, waybill)
    if plausible is not False:
        return plausible, []
    return False, [
        warn(
            f"运单号 {waybill} 不符合 {courier} 已知的单号格式（仅为经验判断），请核对。",
            f"Waybill {waybill} does not match {courier}'s known number formats (a heuristic); "
            "check it.",
        )
    ]


# ------------------------------------------------------------------------------ public
def parse_tracking(data: bytes, *, name: str = "", courier: str | None = None) -> TrackingFacts:
    """Read a kuaidi100 JSON, disputekit-tracking/1 JSON or CSV tracking record.

    ``courier`` names the courier when the record does not (a record's own ``com`` wins).
    Raises InputFileError for anything that is not a usable tracking record.
    """
    record = read_record(data, name)
    if not record.events:
        raise _no_events(name)
    return build_facts(record, courier)


def build_facts(record: RawRecord, courier: str | None = None) -> TrackingFacts:
    """Interpret a read record: statuses, final status, signing, courier and waybill checks."""
    events = classify_events(record.events)
    code, courier_name, warnings = courier_facts(record.courier, courier)
    waybill = normalize_waybill(record.waybill) if record.waybill else None
    plausible, plausible_warnings = plausibility(code, waybill)
    final, final_warnings = final_status(events, record.state)
    signed, signed_warnings = signing(events, final)
    warnings += plausible_warnings + final_warnings + signed_warnings
    if record.ischeck and signed is None:
        warnings.append(
            warn(
                "记录标记为已签收（ischeck=1），但没有找到签收轨迹。",
                "The record is flagged as signed (ischeck=1) but no signing event was found.",
            )
        )
    return TrackingFacts(
        format=record.format,
        courier=code,
        courier_name=courier_name,
        waybill=waybill or None,
        waybill_plausible=plausible,
        state=record.state,
        signed_at=signed.time if signed else None,
        signer=extract_signer(signed.text) if signed else None,
        final_status=final,
        events=events,
        warnings=warnings,
    )


def _no_events(name: str) -> InputFileError:
    s = Subject.of(name)
    return InputFileError(
        f"{s.zh} 没有任何物流轨迹。",
        f"{s.en_cap} has no tracking events.",
        fix_zh="请在快递揽收后重新查询并导出，或核对运单号。",
        fix_en="Query and export again once the courier has scanned the parcel, or check the "
        "waybill number.",
    )


def read_tracking(path: Path, hints: Hints) -> TrackingFacts:
    """The ``tracking`` kind's parser (kinds table). Reads at most ``MAX_BYTES + 1`` bytes: a
    larger file is refused without being read whole."""
    data = read_capped(path, tracking_formats.MAX_BYTES)
    if data is None:
        size = max(path.stat().st_size, tracking_formats.MAX_BYTES + 1)
        raise tracking_formats.too_big(size, Subject.of(path.name))
    return parse_tracking(data, name=path.name, courier=hints.courier)
