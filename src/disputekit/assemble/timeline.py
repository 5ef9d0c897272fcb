"""Every dated event of a case, in order: case facts, chat, tracking, photos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from disputekit.kinds import spec
from disputekit.models.facts import ChatFacts, PhotoFacts, TrackingFacts, TrackingStatus
from disputekit.models.video import VideoFacts
from disputekit.privacy.pii import mask
from disputekit.profiles.model import Privacy
from disputekit.validate.rules.context import Exhibit, RuleContext

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
    internal: bool = False  # the shop's own bookkeeping (its deadline): not in the submission

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
            events.append(Event(value, zh, en, internal=key == "deadline"))
    for exhibit in ctx.exhibits:
        found = spec(exhibit.facts.kind)
        if found.timeline is not None:
            events.extend(found.call("timeline", exhibit, privacy))
    return sorted(events, key=lambda e: (e.time, e.source, e.exhibit or ""))


def tracking_events(exhibit: Exhibit, privacy: Privacy) -> list[Event]:
    facts, out = exhibit.facts, []
    if not isinstance(facts, TrackingFacts):
        return out
    for ev in facts.events:
        if ev.status in KEY_TRACKING:
            text = _clip(mask(ev.text, privacy))
            out.append(Event(ev.time, f"物流：{text}", f"Tracking: {text}", exhibit.id, "tracking"))
    return out


def chat_events(exhibit: Exhibit, privacy: Privacy) -> list[Event]:
    facts, out = exhibit.facts, []
    if not isinstance(facts, ChatFacts):
        return out
    times = [m.time for m in facts.messages if m.time]
    if times:
        out.append(Event(min(times), "聊天记录开始", "Chat begins", exhibit.id, "chat"))
        out.append(Event(max(times), "聊天记录结束", "Chat ends", exhibit.id, "chat"))
    for m in facts.messages:
        if m.index in exhibit.item.marks and m.time:
            text, sender = _clip(mask(m.text, privacy)), mask(m.sender, privacy)
            out.append(Event(m.time, f"{sender}：{text}", f"{sender}: {text}", exhibit.id, "chat"))
    return out


def photo_events(exhibit: Exhibit, privacy: Privacy) -> list[Event]:
    facts = exhibit.facts
    if not isinstance(facts, PhotoFacts) or facts.taken_at is None:
        return []
    caption = _clip(mask(exhibit.item.caption or exhibit.item.name, privacy), 40)
    return [Event(facts.taken_at, f"拍摄：{caption}", f"Photo taken: {caption}", exhibit.id, "photo")]


def video_events(exhibit: Exhibit, privacy: Privacy) -> list[Event]:
    facts = exhibit.facts
    if not isinstance(facts, VideoFacts) or facts.taken_at is None:
        return []
    caption = _clip(mask(exhibit.item.caption or exhibit.item.name, privacy), 40)
    return [Event(facts.taken_at, f"录像：{caption}", f"Video recorded: {caption}", exhibit.id,
                  "video")]
