"""The facts each ground needs, established only from evidence (exhibit + locator) or case.toml.

Every function here looks at the evidence through ``RuleContext`` accessors (``trackings()``,
``shipment_tracking()``, ``chats()``, ``photos(tag)``), so facts read from screenshots (OCR) or
videos count as soon as those accessors return them. A function returns ``None`` when the
evidence does not show its fact; it never guesses.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from importlib import resources

from disputekit.collect.parse.waybill import resolve_courier
from disputekit.models.facts import ChatFacts, Message, Role, TrackingFacts, TrackingStatus
from disputekit.validate.deadline import seven_day_end
from disputekit.validate.fact_model import FACTS, EstablishedFact, FactSpec, alternatives, fact
from disputekit.validate.rules.context import Exhibit, RuleContext

SIGNED = {TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY, TrackingStatus.LOCKER}
UNDELIVERED = {TrackingStatus.REFUSED, TrackingStatus.RETURNED}
QUOTE_MAX = 40
SIGNER_EN = {"本人": "the addressee (本人)", "家人": "a family member (家人)", "门卫": "the doorman (门卫)",
             "前台": "the front desk (前台)", "快递柜": "a parcel locker (快递柜)",
             "驿站代收": "a pickup station (驿站代收)"}


@cache
def words(group: str) -> tuple[str, ...]:
    text = resources.files("disputekit.data").joinpath("ground_words.toml").read_text("utf-8")
    return tuple(tomllib.loads(text)[group]["words"])


def zh_time(value: datetime) -> str:
    return value.strftime("%Y年%m月%d日%H:%M")


def zh_date(value: datetime) -> str:
    return value.strftime("%Y年%m月%d日")


def en_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def courier_names(code: str) -> tuple[str, str]:
    known = resolve_courier(code)
    return (known.name_zh, known.name_en) if known else (code, code)


def ids(exhibits: Iterable[Exhibit]) -> tuple[str, ...]:
    return tuple(e.id for e in exhibits)


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


# ------------------------------------------------------------------------- the seller's shipment


def matching_shipments(ctx: RuleContext) -> list[tuple[Exhibit, TrackingFacts]]:
    """Shipment tracking of this order: its waybill equals case.toml's (when case.toml has one)."""
    want = (ctx.case.shipment.waybill or "").upper()
    return [(e, f) for e, f in ctx.shipment_tracking()
            if f.waybill and (not want or f.waybill.upper() == want)]


def signed_tracking(ctx: RuleContext) -> tuple[Exhibit, TrackingFacts, int] | None:
    """The first shipment record with a signing and no refusal/return: (exhibit, facts, event no.)."""
    for e, f in matching_shipments(ctx):
        if f.signed_at is None or any(ev.status in UNDELIVERED for ev in f.events):
            continue
        number = next((i for i, ev in enumerate(f.events, 1)
                       if ev.status in SIGNED and ev.time == f.signed_at), None)
        if number is None:
            number = next((i for i, ev in reversed(list(enumerate(f.events, 1))) if ev.status in SIGNED), 0)
        return e, f, number
    return None


def _event(number: int) -> str | None:
    return f"event {number}" if number else None


@fact("shipped", zh="商品已发出（快递公司、运单号、发货时间）", en="Goods shipped (courier, waybill, time)",
      how_zh="添加本单运单的发货物流记录（--tag shipment），或在 case.toml 填写 shipped_at 和 [shipment] 的运单号、快递公司",
      how_en="add the shipment's tracking record (--tag shipment), or set shipped_at and [shipment] waybill/courier in case.toml",
      source="S1 第25条")
def shipped(ctx: RuleContext) -> EstablishedFact | None:
    c = ctx.case
    for e, f in matching_shipments(ctx):
        courier = f.courier or c.shipment.courier
        if f.events and courier and f.waybill:
            first = f.events[0].time
            zh_c, en_c = courier_names(courier)
            return EstablishedFact(
                "shipped", f"{zh_c}运单{f.waybill}于{zh_time(first)}揽收发出",
                f"{en_c} waybill {f.waybill} collected at {en_time(first)}", (e.id,), "event 1",
                "tracking", {"shipped_date": zh_date(first), "courier_name": zh_c, "waybill": f.waybill},
                {"shipped_date": first.strftime("%Y-%m-%d"), "courier_name": en_c, "waybill": f.waybill})
    if c.shipped_at and c.shipment.waybill and c.shipment.courier:
        zh_c, en_c = courier_names(c.shipment.courier)
        w = c.shipment.waybill
        return EstablishedFact(
            "shipped", f"{zh_c}运单{w}于{zh_time(c.shipped_at)}发出",
            f"{en_c} waybill {w} shipped at {en_time(c.shipped_at)}", (), "case.toml shipped_at, [shipment]",
            "case.toml", {"shipped_date": zh_date(c.shipped_at), "courier_name": zh_c, "waybill": w},
            {"shipped_date": c.shipped_at.strftime("%Y-%m-%d"), "courier_name": en_c, "waybill": w})
    return None


@fact("waybill_matches", zh="物流记录的运单号与本单一致", en="The tracking record's waybill is this order's",
      how_zh="在 case.toml 的 [shipment] 填写运单号，并添加同一运单的物流记录",
      how_en="set the waybill in case.toml [shipment] and add the tracking record of that waybill",
      source="S1 第9条（关联性）")
def waybill_matches(ctx: RuleContext) -> EstablishedFact | None:
    want = ctx.case.shipment.waybill
    found = matching_shipments(ctx) if want else []
    if not found:
        return None
    e, f = found[0]
    return EstablishedFact("waybill_matches", f"{e.id}的运单号{f.waybill}与订单发货运单一致",
                           f"{e.id}'s waybill {f.waybill} is the order's", (e.id,), None, "tracking",
                           {"waybill": str(f.waybill)})


@fact("signed", zh="物流显示已签收（无拒收、退回）", en="Tracking shows the parcel signed (not refused or returned)",
      how_zh="添加显示“已签收”的发货物流记录（--tag shipment）或快递公司签收底单",
      how_en="add shipment tracking showing 'signed' (--tag shipment) or the courier's proof of delivery",
      source="S1 第36、38条")
def signed(ctx: RuleContext) -> EstablishedFact | None:
    found = signed_tracking(ctx)
    if found is None:
        return None
    e, f, number = found
    at = f.signed_at
    assert at is not None
    return EstablishedFact("signed", f"物流显示于{zh_time(at)}签收", f"tracking shows it signed at {en_time(at)}",
                           (e.id,), _event(number), "tracking", {"signed_at": zh_time(at)},
                           {"signed_at": en_time(at)})


@fact("signed_before_request", zh="签收早于退款申请", en="Signed before the refund request",
      how_zh="需要签收时间早于退款申请时间的物流记录", how_en="needs tracking whose signing precedes the request",
      source="S1 第38条")
def signed_before_request(ctx: RuleContext) -> EstablishedFact | None:
    found = signed_tracking(ctx)
    req = ctx.case.requested_at
    if found is None or found[1].signed_at is None or found[1].signed_at >= req:
        return None
    e, f, number = found
    return EstablishedFact(
        "signed_before_request", f"签收（{zh_time(f.signed_at)}）早于退款申请（{zh_time(req)}）",
        f"signed ({en_time(f.signed_at)}) before the request ({en_time(req)})", (e.id,), _event(number),
        "tracking + case.toml requested_at", {"requested_at": zh_time(req)}, {"requested_at": en_time(req)})


@fact("signer_known", zh="物流记录写明签收人", en="The tracking record names the signer",
      how_zh="向快递公司索取写明签收人的签收底单，添加为物流记录",
      how_en="ask the courier for the delivery slip naming the signer and add it",
      source="S1 第36、38条")
def signer_known(ctx: RuleContext) -> EstablishedFact | None:
    found = signed_tracking(ctx)
    if found is None or not found[1].signer:
        return None
    e, f, number = found
    who = str(f.signer)
    return EstablishedFact("signer_known", f"签收人：{who}", f"signed by {SIGNER_EN.get(who, who)}", (e.id,),
                           _event(number), "tracking", {"signer": who}, {"signer": SIGNER_EN.get(who, who)})


def marked_buyer_messages(ctx: RuleContext, tag: str | None = None) -> list[tuple[Exhibit, Message]]:
    """Buyer messages the agent marked (``disputekit mark``), in chats with ``tag`` if given."""
    out = []
    for e, chat in ctx.chats():
        if tag is not None and e.item.tag != tag:
            continue
        assert isinstance(chat, ChatFacts)
        out += [(e, m) for m in chat.messages
                if m.index in e.item.marks and m.role == Role.BUYER and m.text.strip() and not m.recalled]
    return out


def _quote_fact(fid: str, hit: tuple[Exhibit, Message], zh: str, en: str, key: str) -> EstablishedFact:
    e, m = hit
    quote = shorten(m.text)
    values = {key: quote, f"{key}_at": f"{e.id}第{m.index}条"}
    values_en = {key: quote, f"{key}_at": f"{e.id} message {m.index}"}
    if m.time is not None:
        values[f"{key}_date"] = zh_date(m.time)
        values_en[f"{key}_date"] = m.time.strftime("%Y-%m-%d")
    return EstablishedFact(fid, f"{zh}：“{quote}”（{e.id}第{m.index}条）", f"{en}: “{quote}” ({e.id} message {m.index})",
                           (e.id,), f"message {m.index}", "chat (marked)", values, values_en)


@fact("delivery_consent", zh="买家同意代收或投放驿站/快递柜", en="The buyer agreed to proxy, station or locker delivery",
      how_zh="在聊天记录中用 disputekit mark 标记买家同意代收或放驿站/快递柜的消息",
      how_en="mark (`disputekit mark`) the buyer's message agreeing to proxy/station/locker delivery",
      source="S1 第28条")
def delivery_consent(ctx: RuleContext) -> EstablishedFact | None:
    hits = [(e, m) for e, m in marked_buyer_messages(ctx) if any(w in m.text for w in words("consent"))]
    if not hits:
        return None
    return _quote_fact("delivery_consent", hits[0], "买家同意代收", "the buyer agreed to the delivery", "consent_quote")


@fact("request_after_window", zh="退款申请晚于七天无理由期限", en="The request came after the 7-day window",
      how_zh="需要签收时间（物流记录或 case.toml signed_at），且申请晚于签收次日起七天",
      how_en="needs the signing time (tracking or case.toml signed_at) and a request after the 7 days",
      source="办法 第10条")
def request_after_window(ctx: RuleContext) -> EstablishedFact | None:
    found = signed_tracking(ctx)
    when, exhibits, locator, source = None, (), "case.toml signed_at", "case.toml"
    if found is not None and found[1].signed_at is not None:
        when, exhibits, locator, source = found[1].signed_at, (found[0].id,), _event(found[2]), "tracking"
    elif ctx.case.signed_at is not None:
        when = ctx.case.signed_at
    if when is None:
        return None
    end = seven_day_end(when, ctx.profile.thresholds.seven_day_window_days.value)
    req = ctx.case.requested_at
    if req < end:
        return None
    return EstablishedFact(
        "request_after_window", f"签收于{zh_time(when)}，期限至{zh_time(end)}，申请于{zh_time(req)}",
        f"signed {en_time(when)}, window ended {en_time(end)}, request {en_time(req)}", exhibits, locator, source,
        {"signed_at": zh_time(when), "window_end": zh_time(end), "requested_at": zh_time(req)},
        {"signed_at": en_time(when), "window_end": en_time(end), "requested_at": en_time(req)})


def established_facts(ctx: RuleContext) -> list[EstablishedFact]:
    """Every fact the evidence establishes, in registry order (for the submission edition)."""
    from disputekit.validate import facts_return  # noqa: F401  (registers the return facts)

    out = []
    for spec in FACTS.values():
        found = spec.fn(ctx)
        if found is not None and not misread(ctx, found):
            out.append(found)
    return out


def misread(ctx: RuleContext, found: EstablishedFact) -> bool:
    """Every exhibit of the fact is a screenshot read with low confidence: a misread must never
    establish a fact on its own (the agent confirms or corrects the reading first)."""
    if not found.exhibits:
        return False
    from disputekit.collect.screenshot import settings  # the OCR's decisive confidence

    limit = settings().decisive_confidence
    cited = [e for e in ctx.exhibits if e.id in found.exhibits]
    return bool(cited) and all(e.read_from_image and e.low_confidence(limit) for e in cited)


def fact_specs() -> dict[str, FactSpec]:
    from disputekit.validate import facts_return  # noqa: F401

    return FACTS


def missing_facts(ctx: RuleContext, requirements: list[str],
                  have: list[EstablishedFact] | None = None) -> list[str]:
    """The requirements (``a`` or ``a|b``) no established fact meets."""
    known = {f.id for f in (have if have is not None else established_facts(ctx))}
    return [r for r in requirements if not any(a in known for a in alternatives(r))]
