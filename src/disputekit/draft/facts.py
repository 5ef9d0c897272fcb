"""The facts a reason template may use, gathered from the case and its evidence."""

from __future__ import annotations

from datetime import datetime

from disputekit.assemble.mask import mask
from disputekit.collect.parse.waybill import resolve_courier
from disputekit.models.facts import Role
from disputekit.validate.deadline import seven_day_end
from disputekit.validate.rules.context import RuleContext

QUOTE_MAX = 40
SIGNER_EN = {"本人": "the addressee (本人)", "家人": "a family member (家人)", "门卫": "the doorman (门卫)",
             "前台": "the front desk (前台)", "快递柜": "a parcel locker (快递柜)", "驿站代收": "a pickup station (驿站代收)"}


def _fmt(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return value.strftime("%Y年%m月%d日%H:%M" if lang == "zh" else "%Y-%m-%d %H:%M")


def _ids(ids: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(ids)


def courier_label(code: str | None, lang: str) -> str:
    if not code:
        return "快递" if lang == "zh" else "the courier"
    courier = resolve_courier(code)
    if courier is None:
        return code
    return courier.name_zh if lang == "zh" else courier.name_en


def buyer_quote(ctx: RuleContext) -> str:
    """The last marked buyer message (the agent's choice), shortened; else empty."""
    quotes = [
        " ".join(mask(message.text, ctx.profile.privacy).split())
        for exhibit, chat in ctx.chats() for message in chat.messages
        if message.index in exhibit.item.marks and message.role == Role.BUYER and message.text
    ]
    if not quotes:
        return ""
    text = quotes[-1]
    return text if len(text) <= QUOTE_MAX else text[: QUOTE_MAX - 1] + "…"


def template_facts(ctx: RuleContext, lang: str) -> dict[str, str]:
    c = ctx.case
    ship = ctx.shipment_tracking()
    ret = ctx.return_tracking()
    signed = c.signed_at or next((f.signed_at for _, f in ship if f.signed_at), None)
    signer = next((f.signer for _, f in ship if f.signer), None) or ""
    ret_signed = next((f.signed_at for _, f in ret if f.signed_at), None)
    window = seven_day_end(signed, ctx.profile.thresholds.seven_day_window_days.value) if signed else None
    waybill = c.shipment.waybill or next((f.waybill for _, f in ship if f.waybill), None) or ""
    courier = c.shipment.courier or next((f.courier for _, f in ship if f.courier), None)
    r_waybill = c.return_shipment.waybill or next((f.waybill for _, f in ret if f.waybill), None) or ""
    r_courier = c.return_shipment.courier or next((f.courier for _, f in ret if f.courier), None)
    photos_before = [e.id for e, _ in ctx.photos("before_shipment")]
    photos_returned = [e.id for e, _ in ctx.photos("returned_item")]
    listing = [e.id for e in ctx.exhibits if e.item.tag == "listing"]
    return {
        "courier_name": courier_label(courier, lang),
        "waybill": waybill,
        "shipped_date": _fmt(c.shipped_at, lang)[: 11 if lang == "zh" else 10],
        "signed_at": _fmt(signed, lang),
        "signer": SIGNER_EN.get(signer, signer) if lang == "en" else signer,
        "requested_at": _fmt(c.requested_at, lang),
        "window_end": _fmt(window, lang),
        "return_courier_name": courier_label(r_courier, lang),
        "return_waybill": r_waybill,
        "return_signed_at": _fmt(ret_signed, lang),
        "buyer_quote": buyer_quote(ctx),
        "agreement_date": "",
        "sn_note": "",
        "tracking_ids": _ids([e.id for e, _ in ship], lang),
        "chat_ids": _ids([e.id for e, _ in ctx.chats()], lang),
        "before_ids": _ids(photos_before, lang),
        "returned_ids": _ids(photos_returned, lang),
        "listing_ids": _ids(listing, lang),
        "return_ids": _ids([e.id for e, _ in ret], lang),
    }
