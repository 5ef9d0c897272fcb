"""Garbage in, InputFileError out: parse_tracking never raises anything else (Hypothesis)."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disputekit.collect.parse.tracking import classify_text, extract_signer, parse_tracking
from disputekit.errors import InputFileError
from disputekit.models.facts import TrackingFacts
from disputekit.models.facts import TrackingStatus as S

KEYS = st.sampled_from([
    "nu", "com", "state", "ischeck", "data", "message", "status", "returnCode", "result",
    "lastResult", "time", "ftime", "context", "location", "areaName", "format", "events", "text",
    "courier", "waybill",
]) | st.text(max_size=4)
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["2024-05-01 08:00:00", "2024-05-01T08:00:00+08:00", "已签收，签收人：张三",
                       "200", "ok", "3", "304", "disputekit-tracking/1", "顺丰", "SF1234567890123",
                       "//", "9999-12-31 23:59:59", "0001-01-01 00:00"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=25,
)
EVENT = st.dictionaries(KEYS, SCALARS, max_size=5)
TIMES = st.sampled_from(["2024-05-01 08:00:00", "2024-05-01T08:00:00Z", "2024/5/2 9:05",
                         "2024年5月3日 10:00", "2024-05-02 08:00:00+09:00"]) | st.text(max_size=8)
WORDS = st.sampled_from(["已揽收", "派件中", "已签收，签收人：张三", "快件已放入丰巢快递柜",
                         "已取件", "拒收", "已退回", "他人代收：门卫", "签收人是【", "代收"])
TEXTS = st.lists(WORDS | st.text(max_size=6), max_size=4).map("".join)
GOOD_EVENT = st.fixed_dictionaries({"time": TIMES, "context": TEXTS},
                                   optional={"location": st.none() | st.text(max_size=4)})
KUAIDI100 = st.fixed_dictionaries(
    {"data": st.lists(EVENT | GOOD_EVENT, max_size=6)},
    optional={"nu": SCALARS, "com": SCALARS, "ischeck": SCALARS,
              "state": SCALARS | st.sampled_from(["0", "3", "5", "14", "304", "501", 2]),
              "status": SCALARS, "message": SCALARS, "result": SCALARS},
)
DISPUTEKIT = st.fixed_dictionaries(
    {"format": st.just("disputekit-tracking/1"), "events": st.lists(EVENT, max_size=5)},
    optional={"courier": SCALARS, "waybill": SCALARS},
)


def _parse_or_input_error(data: bytes, name: str = "t.json") -> None:
    try:
        facts = parse_tracking(data, name=name)
    except InputFileError as exc:
        assert exc.zh and exc.en
        return
    assert isinstance(facts, TrackingFacts)
    assert facts.events
    assert all(a.time <= b.time for a, b in zip(facts.events, facts.events[1:], strict=False))
    facts.model_dump_json()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(JSON_VALUES)
def test_any_json_shape(value: object) -> None:
    _parse_or_input_error(json.dumps(value).encode())


@settings(max_examples=300)
@given(KUAIDI100 | DISPUTEKIT)
def test_record_shaped_json(value: dict[str, object]) -> None:
    _parse_or_input_error(json.dumps(value, ensure_ascii=False).encode())


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(["t.json", "t.csv", "t.jsonc", ""]))
def test_any_bytes(data: bytes, name: str) -> None:
    _parse_or_input_error(data, name)


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_any_text_as_csv(text: str) -> None:
    _parse_or_input_error(text.encode("utf-8", "surrogatepass"), "t.csv")


@given(st.text(max_size=300))
def test_rules_accept_any_text(text: str) -> None:
    classify_text(text)
    signer = extract_signer(text)
    assert signer is None or signer.strip()


def test_huge_arrays_are_refused_quickly() -> None:
    data = json.dumps({"nu": "1", "data": [0] * 200_000}).encode()
    _parse_or_input_error(data)


VALID_TIMES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)
).map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S"))


@settings(max_examples=200)
@given(st.lists(st.fixed_dictionaries({"time": VALID_TIMES, "context": TEXTS}),
                min_size=1, max_size=8))
def test_valid_records_always_parse(events: list[dict[str, str]]) -> None:
    facts = parse_tracking(json.dumps({"nu": "1", "data": events}).encode())
    assert len(facts.events) == len(events)
    assert facts.final_status is facts.events[-1].status  # no state: the last event decides
    signed = [e for e in facts.events if e.status in (S.SIGNED, S.SIGNED_PROXY)]
    if facts.signed_at is not None:
        assert facts.signed_at == signed[0].time
    else:
        before_return = [e for e in facts.events if e.status in (S.REFUSED, S.RETURNED)]
        assert not signed or before_return
