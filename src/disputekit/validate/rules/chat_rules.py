"""Rules on chat exports (S1 Art. 3 platform channel, Art. 9 authenticity/completeness)."""

from __future__ import annotations

from itertools import pairwise

from disputekit.models.case import CaseFile
from disputekit.models.facts import Role
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO



SHOWN = 5  # message numbers a finding lists (a 100,000-message chat may recall thousands)

@rule("chat.platform-channel", W, zh="聊天记录来自千牛/旺旺", en="Chat comes from Qianniu/Wangwang",
      source="S1 Art. 3; QQ/WeChat not accepted: low confidence (taobao.md §2.2)")
def platform_channel(ctx: RuleContext) -> list[Finding]:
    allowed = ctx.profile.channels.platform
    return [
        make(W,
             f"{e.id} 看起来是{f.channel}聊天记录，不是千牛/旺旺。平台可能不采信站外聊天（此规则可信度低），请尽量提供千牛/旺旺记录。",
             f"{e.id} looks like a {f.channel} chat, not Qianniu/Wangwang. The platform may not accept off-platform chats (low-confidence rule); provide the Qianniu/Wangwang record if you can.",
             [e.id])
        for e, f in ctx.chats() if f.channel not in allowed and f.channel != "unknown"
    ]


@rule("chat.both-parties", B, zh="买卖双方都在聊天中", en="Both parties appear in the chat",
      source="S1 Art. 9 (relevance); taobao.md §2.2 (show both nicknames)")
def both_parties(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in ctx.chats():
        roles = {m.role for m in f.messages}
        has_buyer, has_seller = Role.BUYER in roles, Role.SELLER in roles
        if not has_buyer and not has_seller:
            out.append(make(B,
                f"{e.id} 中既没有买家“{ctx.case.buyer}”也没有卖家“{ctx.case.seller}”，可能不是本单的聊天。请核对 case.toml 中的昵称或换成正确的记录。",
                f"{e.id} contains neither the buyer '{ctx.case.buyer}' nor the seller '{ctx.case.seller}'; it may be another order's chat. Check the nicknames in case.toml or add the right export.",
                [e.id]))
        elif not (has_buyer and has_seller):
            who = ("买家", "buyer") if not has_buyer else ("卖家", "seller")
            out.append(make(W,
                f"{e.id} 中没有{who[0]}的消息。请导出包含双方对话的完整记录。",
                f"{e.id} has no message from the {who[1]}. Export the full conversation with both sides.",
                [e.id]))
    return out


@rule("chat.timestamps", W, zh="每条消息都有时间", en="Every message has a time",
      source="S1 Art. 9 (accuracy); taobao.md §2.2")
def timestamps(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in ctx.chats():
        missing = [m.index for m in f.messages if m.time is None and not m.recalled]
        if missing:
            out.append(make(W,
                f"{e.id} 有 {len(missing)} 条消息没有时间（第 {'、'.join(map(str, missing[:SHOWN]))} 条等）。请用带时间的千牛导出。",
                f"{e.id} has {len(missing)} messages without a time (e.g. {', '.join(map(str, missing[:SHOWN]))}). Use a Qianniu export with times.",
                [e.id]))
    return out


@rule("chat.covers-request", W, zh="聊天覆盖退款申请时间", en="Chat covers the refund request time",
      source="S1 Art. 9 (timeliness, completeness)")
def covers_request(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in ctx.chats():
        times = [m.time for m in f.messages if m.time]
        if times and not (min(times) <= ctx.case.requested_at <= max(times)):
            out.append(make(W,
                f"{e.id} 的时间范围（{min(times):%m-%d %H:%M} 至 {max(times):%m-%d %H:%M}）不包含退款申请时间 {ctx.case.requested_at:%m-%d %H:%M}。请导出申请前后的完整聊天。",
                f"{e.id} spans {min(times):%m-%d %H:%M}–{max(times):%m-%d %H:%M}, which does not include the refund request at {ctx.case.requested_at:%m-%d %H:%M}. Export the chat around the request.",
                [e.id]))
    return out


def order_numbers(case: CaseFile) -> list[str]:
    """The order id and the waybills a message may name ("" where unknown); the dossier's chat
    excerpt keeps the messages that name them, as this rule looks for them."""
    return [case.order_id, case.shipment.waybill or "", case.return_shipment.waybill or ""]


def _mentions(text: str, needles: list[str]) -> bool:
    return any(n and n in text for n in needles)


@rule("chat.mentions-order", W, zh="聊天提到订单或商品", en="Chat mentions the order or item",
      source="S1 Art. 9 (relevance)")
def mentions_order(ctx: RuleContext) -> list[Finding]:
    c = ctx.case
    needles = order_numbers(c)
    if c.item_title:
        needles += [w for w in c.item_title.split() if len(w) >= 2]
    out = []
    for e, f in ctx.chats():
        if not any(_mentions(m.text, needles) for m in f.messages):
            out.append(make(W,
                f"{e.id} 中没有出现订单号、运单号或商品名，关联性较弱。请在导出中包含买家发送的订单卡片或提及订单的消息。",
                f"{e.id} never mentions the order number, waybill or item; its relevance is weak. Include the order card or a message naming the order.",
                [e.id]))
    return out


@rule("chat.complete", W, zh="聊天记录完整(无截断)", en="Chat export is complete (no cut)",
      source="S1 Art. 9 (completeness); gap threshold is a shop setting (profile thresholds.chat_gap_hours)")
def complete(ctx: RuleContext) -> list[Finding]:
    """A long silence is a warning when it spans the refund request (the key moment), else info."""
    gap_h = ctx.profile.thresholds.chat_gap_hours.value
    out = []
    for e, f in ctx.chats():
        times = [m.time for m in f.messages if m.time]
        gaps = [(a, b) for a, b in pairwise(times) if (b - a).total_seconds() > gap_h * 3600]
        for a, b in gaps:
            severity = W if a < ctx.case.requested_at < b else INFO
            out.append(make(severity,
                f"{e.id} 在 {a:%m-%d %H:%M} 与 {b:%m-%d %H:%M} 之间有超过 {gap_h:.0f} 小时的空白"
                + ("，正好跨过退款申请时间，可能被截断。请导出申请前后的完整记录。" if severity == W else "。请确认导出完整。"),
                f"{e.id} has a silence of more than {gap_h:.0f} h between {a:%m-%d %H:%M} and {b:%m-%d %H:%M}"
                + (", spanning the refund request: it may have been cut. Export the full record around the request." if severity == W else ". Check the export is complete."),
                [e.id]))
        recalled = [m.index for m in f.messages if m.recalled]
        if recalled:
            out.append(make(INFO,
                f"{e.id} 中有 {len(recalled)} 条撤回的消息（第 {'、'.join(map(str, recalled[:SHOWN]))} 条"
                + ("等" if len(recalled) > SHOWN else "") + "）。",
                f"{e.id} contains {len(recalled)} recalled messages ("
                + ("e.g. " if len(recalled) > SHOWN else "") + f"{', '.join(map(str, recalled[:SHOWN]))}).", [e.id]))
    return out
