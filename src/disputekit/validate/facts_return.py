"""Facts about the return, the photos and what the agent tagged and marked (see validate/facts.py)."""

from __future__ import annotations

from datetime import datetime

from disputekit.models.facts import TrackingStatus
from disputekit.validate.fact_model import EstablishedFact, fact
from disputekit.validate.facts import (
    SIGNED,
    _quote_fact,
    courier_names,
    en_time,
    ids,
    marked_buyer_messages,
    matching_shipments,
    shorten,
    words,
    zh_time,
)
from disputekit.validate.rules.context import Exhibit, RuleContext

EVIDENCE_KINDS = ("photo", "screenshot", "video")  # what "a photo/video of the goods" may be


def shipped_time(ctx: RuleContext) -> datetime | None:
    if ctx.case.shipped_at:
        return ctx.case.shipped_at
    firsts = [f.events[0].time for _, f in ctx.shipment_tracking() if f.events]
    return min(firsts) if firsts else None


def return_signed_time(ctx: RuleContext) -> tuple[Exhibit, datetime] | None:
    signed = [(e, f.signed_at) for e, f in ctx.return_tracking() if f.signed_at]
    # an exported record before one read from a screenshot; then the earliest signing
    return min(signed, key=lambda pair: (pair[0].read_from_image, pair[1])) if signed else None


def timed(ctx: RuleContext, tag: str) -> list[tuple[Exhibit, datetime]]:
    """Tagged photos/screenshots (and videos, once the kind exists) with their capture time."""
    out: list[tuple[Exhibit, datetime]] = []
    for e in ctx.exhibits:
        if e.item.tag != tag or e.facts.kind not in EVIDENCE_KINDS:
            continue
        taken = getattr(e.facts, "taken_at", None)
        if isinstance(taken, datetime):
            out.append((e, taken))
    return out


@fact("return_known", zh="已知退货运单号和快递公司", en="Return waybill and courier known",
      how_zh="在 case.toml 的 [return_shipment] 填写买家的退货运单号和快递公司，或添加退货物流记录（--tag return）",
      how_en="set the buyer's return waybill and courier in case.toml [return_shipment], or add the return tracking (--tag return)",
      source="S1 第44、45条；店铺规则第7条")
def return_known(ctx: RuleContext) -> EstablishedFact | None:
    r = ctx.case.return_shipment
    for e, f in ctx.return_tracking():
        courier = f.courier or r.courier
        if f.waybill and courier:
            zh_c, en_c = courier_names(courier)
            return EstablishedFact("return_known", f"退货为{zh_c}运单{f.waybill}", f"the return is {en_c} {f.waybill}",
                                   (e.id,), None, "tracking", {"return_waybill": f.waybill, "return_courier_name": zh_c},
                                   {"return_waybill": f.waybill, "return_courier_name": en_c})
    if r.waybill and r.courier:
        zh_c, en_c = courier_names(r.courier)
        return EstablishedFact("return_known", f"退货为{zh_c}运单{r.waybill}", f"the return is {en_c} {r.waybill}",
                               (), "case.toml [return_shipment]", "case.toml",
                               {"return_waybill": r.waybill, "return_courier_name": zh_c},
                               {"return_waybill": r.waybill, "return_courier_name": en_c})
    return None


@fact("return_signed", zh="退货物流显示本店已签收", en="Return tracking shows the return signed by us",
      how_zh="添加显示签收的退货物流记录（--tag return）", how_en="add the return tracking showing it signed (--tag return)",
      source="S1 第36、45条")
def return_signed(ctx: RuleContext) -> EstablishedFact | None:
    found = return_signed_time(ctx)
    if found is None:
        return None
    e, at = found
    return EstablishedFact("return_signed", f"退货于{zh_time(at)}签收", f"the return was signed at {en_time(at)}",
                           (e.id,), None, "tracking", {"return_signed_at": zh_time(at)},
                           {"return_signed_at": en_time(at)})


@fact("return_not_delivered", zh="退货物流显示尚未送达本店", en="Return tracking shows it not delivered to us",
      how_zh="添加买家所填退货运单的物流记录（--tag return），显示未签收",
      how_en="add the tracking of the buyer's return waybill (--tag return) showing no delivery",
      source="S1 第38、44、45、48条")
def return_not_delivered(ctx: RuleContext) -> EstablishedFact | None:
    tracks = ctx.return_tracking()
    if not tracks or any(f.signed_at or any(ev.status in SIGNED for ev in f.events) for _, f in tracks):
        return None
    _, f = tracks[0]
    waybill = f.waybill or ctx.case.return_shipment.waybill
    if not waybill:
        return None
    last = f.events[-1] if f.events else None
    when = f"，最后记录{zh_time(last.time)}" if last else ""
    when_en = f", last event {en_time(last.time)}" if last else ""
    return EstablishedFact("return_not_delivered", f"退货运单{waybill}未显示签收{when}",
                           f"return waybill {waybill} shows no delivery{when_en}", ids(t for t, _ in tracks),
                           f"event {len(f.events)}" if f.events else None, "tracking", {"return_waybill": waybill})


@fact("outbound_photo", zh="出库照片/视频拍摄于发货前", en="Outbound photo or video taken before shipment",
      how_zh="添加发货前拍摄、带拍摄时间的出库照片或视频（--tag before_shipment）",
      how_en="add outbound photos or video with their capture time, taken before shipment (--tag before_shipment)",
      source="S1 第36、37条（交付时状态）")
def outbound_photo(ctx: RuleContext) -> EstablishedFact | None:
    shipped = shipped_time(ctx)
    good = [(e, at) for e, at in timed(ctx, "before_shipment") if shipped and at <= shipped]
    if not good or shipped is None:
        return None
    first = min(at for _, at in good)
    return EstablishedFact("outbound_photo", f"出库照片拍摄于{zh_time(first)}，早于发货", f"outbound photos taken {en_time(first)}, before shipment",
                           ids(e for e, _ in good), None, "photo (tagged)", {"outbound_at": zh_time(first)},
                           {"outbound_at": en_time(first)})


@fact("unboxing_photo", zh="退货开箱照片/视频拍摄于退货签收后", en="Unboxing photo or video of the return, taken after it was signed",
      how_zh="添加退货签收后拍摄、带拍摄时间的开箱照片或视频（--tag returned_item），并添加退货物流记录",
      how_en="add timed unboxing photos or video taken after the return was signed (--tag returned_item), and the return tracking",
      source="S1 第37、45条")
def unboxing_photo(ctx: RuleContext) -> EstablishedFact | None:
    signed = return_signed_time(ctx)
    good = [(e, at) for e, at in timed(ctx, "returned_item") if signed and at >= signed[1]]
    if not good:
        return None
    first = min(at for _, at in good)
    return EstablishedFact("unboxing_photo", f"开箱照片拍摄于{zh_time(first)}，晚于退货签收", f"unboxing photos taken {en_time(first)}, after the return was signed",
                           ids(e for e, _ in good), None, "photo (tagged)", {"unboxing_at": zh_time(first)},
                           {"unboxing_at": en_time(first)})


@fact("item_mismatch", zh="退回商品的序列号与出库登记不同", en="The returned item's serial number differs from the shipped one",
      how_zh="在 case.toml 填写 serial_shipped（出库登记）和 serial_returned（退回商品），并附两张序列号照片",
      how_en="set serial_shipped and serial_returned in case.toml, with photos of both serial numbers",
      source="S1 第37、45条")
def item_mismatch(ctx: RuleContext) -> EstablishedFact | None:
    out_sn, back_sn = ctx.case.serial_shipped, ctx.case.serial_returned
    if not out_sn or not back_sn or out_sn.strip().upper() == back_sn.strip().upper():
        return None
    photos = ids(e for e, _ in timed(ctx, "before_shipment") + timed(ctx, "returned_item"))
    return EstablishedFact("item_mismatch", f"出库序列号{out_sn}，退回序列号{back_sn}",
                           f"shipped serial {out_sn}, returned serial {back_sn}", photos,
                           "case.toml serial_shipped, serial_returned", "case.toml + photo (tagged)",
                           {"sn_note": f"出库序列号{out_sn}，退回序列号{back_sn}"},
                           {"sn_note": f"shipped serial {out_sn}, returned serial {back_sn}"})


def _captioned(ctx: RuleContext, group: str) -> list[tuple[Exhibit, str]]:
    signed = return_signed_time(ctx)
    return [(e, e.item.caption or "") for e, at in timed(ctx, "returned_item")
            if signed and at >= signed[1] and any(w in (e.item.caption or "") for w in words(group))]


@fact("resale_damage", zh="退回商品有影响二次销售的状况（开箱照片及说明）", en="The returned item shows what prevents resale (unboxing photo and caption)",
      how_zh="添加退货签收后的开箱照片（--tag returned_item），说明写明使用痕迹、吊牌已剪、污渍等（--caption）",
      how_en="add unboxing photos taken after the return was signed (--tag returned_item) whose caption names the wear, removed tags, stains… (--caption)",
      source="办法 第8、9条")
def resale_damage(ctx: RuleContext) -> EstablishedFact | None:
    return _seen_at_unboxing(ctx, "resale_damage", "damage", "damage_note")


@fact("parts_missing", zh="退回商品缺少配件（开箱照片及说明）", en="The return lacks parts (unboxing photo and caption)",
      how_zh="添加退货签收后的开箱照片（--tag returned_item），说明写明缺少的配件（--caption）",
      how_en="add unboxing photos taken after the return was signed (--tag returned_item) whose caption names the missing part (--caption)",
      source="办法 第8、12条")
def parts_missing(ctx: RuleContext) -> EstablishedFact | None:
    return _seen_at_unboxing(ctx, "parts_missing", "missing", "missing_note")


def _seen_at_unboxing(ctx: RuleContext, fact_id: str, group: str, key: str) -> EstablishedFact | None:
    """What the caption of an unboxing photo taken after the return's signing says it shows."""
    hits = _captioned(ctx, group)
    if not hits:
        return None
    note = shorten(hits[0][1])
    return EstablishedFact(fact_id, f"开箱所见：{note}", f"seen at unboxing: {note}", ids(e for e, _ in hits),
                           "caption", "photo (tagged, captioned)", {key: note})


def _tagged_documents(ctx: RuleContext, fact_id: str, tag: str, zh: str, en: str) -> EstablishedFact | None:
    """The exhibits (screenshot, photo or PDF) the shop tagged ``tag``, as one fact."""
    found = [e for e in ctx.exhibits if e.item.tag == tag and e.facts.kind in ("screenshot", "photo", "document")]
    if not found:
        return None
    return EstablishedFact(fact_id, zh, en, ids(found), None, f"{tag} (tagged)")


@fact("listing_exclusion", zh="商品页面或下单快照显示不支持七天无理由", en="The listing or checkout snapshot shows the 7-day exclusion",
      how_zh="添加商品页面或订单快照截图（--tag listing），显示不支持七天无理由退货（第7条商品须有下单时的确认）",
      how_en="add the listing or order snapshot (--tag listing) showing the exclusion (Art. 7 goods need the checkout confirmation)",
      source="办法 第6、7、20条")
def listing_exclusion(ctx: RuleContext) -> EstablishedFact | None:
    return _tagged_documents(ctx, "listing_exclusion", "listing", "商品页面/订单快照（本店标注）",
                             "listing/order snapshot (tagged by the shop)")


@fact("made_to_order", zh="买家提出的定制要求（已标记的聊天消息）", en="The buyer's customisation request (marked chat message)",
      how_zh="添加含买家定制要求的聊天记录（--tag custom_order），并用 disputekit mark 标记那条消息",
      how_en="add the chat with the buyer's customisation request (--tag custom_order) and mark that message (`disputekit mark`)",
      source="办法 第6条第（一）项")
def made_to_order(ctx: RuleContext) -> EstablishedFact | None:
    hits = marked_buyer_messages(ctx, "custom_order")
    if not hits:
        return None
    return _quote_fact("made_to_order", hits[0], "买家的定制要求", "the buyer's customisation request", "custom_quote")


@fact("agreement", zh="买家同意的协商结果（已标记的聊天消息）", en="The buyer's agreement (marked chat message)",
      how_zh="添加含协商结果的聊天记录（--tag agreement），并用 disputekit mark 标记买家表示同意的消息",
      how_en="add the chat holding the agreement (--tag agreement) and mark the buyer's message agreeing (`disputekit mark`)",
      source="S1 第7、12条")
def agreement(ctx: RuleContext) -> EstablishedFact | None:
    hits = marked_buyer_messages(ctx, "agreement")
    if not hits:
        return None
    return _quote_fact("agreement", hits[-1], "买家同意", "the buyer agreed", "agreement_quote")


@fact("listing_snapshot", zh="下单时的商品页面/快照（本店标注）", en="The listing or order snapshot as sold (tagged by the shop)",
      how_zh="添加下单时的商品页面或订单快照截图（--tag listing）",
      how_en="add the listing or order snapshot as sold (--tag listing)", source="S1 第73、77条")
def listing_snapshot(ctx: RuleContext) -> EstablishedFact | None:
    return _tagged_documents(ctx, "listing_snapshot", "listing", "商品页面/订单快照", "listing/order snapshot")


@fact("quality_documents", zh="合格证、进货凭证或检测报告", en="Certificate of conformity, purchase invoice or inspection report",
      how_zh="添加合格证、进货发票/经销凭证或检测报告（--tag certificate）",
      how_en="add the certificate, purchase invoice or inspection report (--tag certificate)", source="S1 第66条")
def quality_documents(ctx: RuleContext) -> EstablishedFact | None:
    return _tagged_documents(ctx, "quality_documents", "certificate", "合格证/进货凭证/检测报告",
                             "certificate/invoice/inspection report")


@fact("delivery_refused", zh="物流显示买家拒收", en="Tracking shows the buyer refused the parcel",
      how_zh="添加显示“拒收”的发货物流记录（--tag shipment）", how_en="add shipment tracking showing the refusal (--tag shipment)",
      source="S1 第39、40条")
def delivery_refused(ctx: RuleContext) -> EstablishedFact | None:
    for e, f in matching_shipments(ctx):
        hit = next(((i, ev) for i, ev in enumerate(f.events, 1) if ev.status == TrackingStatus.REFUSED), None)
        if hit is not None:
            number, ev = hit
            return EstablishedFact("delivery_refused", f"物流显示于{zh_time(ev.time)}拒收", f"tracking shows it refused at {en_time(ev.time)}",
                                   (e.id,), f"event {number}", "tracking", {"refused_at": zh_time(ev.time)},
                                   {"refused_at": en_time(ev.time)})
    return None


@fact("receipt_confirmed", zh="买家在申请前已确认收货", en="The buyer confirmed receipt before the request",
      how_zh="在 case.toml 填写 confirmed_at（订单页显示的确认收货时间），并添加订单页截图",
      how_en="set confirmed_at in case.toml (the confirmation time on the order page) and add the order page screenshot",
      source="S1 第76条")
def receipt_confirmed(ctx: RuleContext) -> EstablishedFact | None:
    at = ctx.case.confirmed_at
    if at is None or at >= ctx.case.requested_at:
        return None
    return EstablishedFact("receipt_confirmed", f"买家于{zh_time(at)}确认收货", f"the buyer confirmed receipt at {en_time(at)}",
                           (), "case.toml confirmed_at", "case.toml", {"confirmed_at": zh_time(at)},
                           {"confirmed_at": en_time(at)})
