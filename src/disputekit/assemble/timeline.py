"""Every dated event of a case, in order: case facts, chat, tracking, photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from disputekit.assemble.mask import mask
from disputekit.models.facts import ChatFacts, PhotoFacts, TrackingFacts, TrackingStatus
from disputekit.validate.rules.context import RuleContext

CASE_EVENTS = {
    "ordered_at": ("买家下单", "Order placed"),
    "paid_at": ("买家付款", "Payment"),
    "shipped_at": ("卖家发货", "Shipped"),
    "signed_at": ("包裹签收", "Parcel signed"),
    "requested_at": ("买家申请退款", "Refund requested"),
    "state_since": ("进入当前退款状态", "Entered current refund state"),
    "deadline": ("处理期限", "Deadline"),
}
KEY_TRACKING = {
    TrackingStatus.COLLECTED, TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY,
    TrackingStatus.LOCKER, TrackingStatus.REFUSED, TrackingStatus.RETURNED,
    TrackingStatus.OUT_FOR_DELIVERY,
}


@dataclass(frozen=True)
class Event:
    time: datetime
    zh: str
    en: str
    exhibit: str | None = None
    source: str = "case"

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def _clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())  # callers pass masked text
    return text if len(text) <= n else text[: n - 1] + "…"


def build_timeline(ctx: RuleContext) -> list[Event]:
    """Events for the dossier; chat and tracking texts are masked per the profile's privacy."""
    privacy = ctx.profile.privacy
    events: list[Event] = []
    for key, (zh, en) in CASE_EVENTS.items():
        value = getattr(ctx.case, key)
        if value is not None:
            events.append(Event(value, zh, en))
    for exhibit in ctx.exhibits:
        facts = exhibit.facts
        if isinstance(facts, TrackingFacts):
            for ev in facts.events:
                if ev.status in KEY_TRACKING:
                    text = _clip(mask(ev.text, privacy))
                    events.append(Event(ev.time, f"物流：{text}", f"Tracking: {text}",
                                        exhibit.id, "tracking"))
        elif isinstance(facts, ChatFacts):
            marked = [(m, m.time) for m in facts.messages if m.index in exhibit.item.marks and m.time]
            times = [m.time for m in facts.messages if m.time]
            if times:
                events.append(Event(min(times), "聊天记录开始", "Chat begins", exhibit.id, "chat"))
                events.append(Event(max(times), "聊天记录结束", "Chat ends", exhibit.id, "chat"))
            for m, when in marked:
                text = _clip(mask(m.text, privacy))
                events.append(Event(when, f"{m.sender}：{text}", f"{m.sender}: {text}",
                                    exhibit.id, "chat"))
        elif isinstance(facts, PhotoFacts) and facts.taken_at:
            caption = exhibit.item.caption or exhibit.item.name
            events.append(Event(facts.taken_at, f"拍摄：{_clip(caption, 40)}", f"Photo taken: {_clip(caption, 40)}",
                                exhibit.id, "photo"))
    return sorted(events, key=lambda e: (e.time, e.source, e.exhibit or ""))
