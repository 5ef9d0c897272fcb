"""Everything a rule may look at, typed and read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from disputekit.collect.parse.waybill import resolve_courier
from disputekit.kinds import AnyFacts, validate_facts
from disputekit.models.case import CaseFile
from disputekit.models.evidence import EvidenceItem
from disputekit.models.facts import ChatFacts, PhotoFacts, ScreenChat, ScreenTracking, TrackingFacts
from disputekit.profiles.model import Ground, Profile


@dataclass(frozen=True)
class Exhibit:
    item: EvidenceItem
    facts: AnyFacts

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def read_from_image(self) -> bool:
        """Its tracking record or messages were read from a screenshot by OCR."""
        return isinstance(self.facts, PhotoFacts) and self.facts.reads_as is not None

    def as_tracking(self) -> TrackingFacts | None:
        """The tracking record it holds: an export, or a tracking page read from a screenshot."""
        if isinstance(self.facts, TrackingFacts):
            return self.facts
        if isinstance(self.facts, PhotoFacts) and self.facts.reads_as == "tracking" and self.facts.tracking:
            return typed_over(self.facts.tracking, self.item.typed)
        return None

    def as_chat(self) -> ChatFacts | None:
        """The chat it holds: an export, or a chat window read from a screenshot."""
        if isinstance(self.facts, ChatFacts):
            return self.facts
        if isinstance(self.facts, PhotoFacts) and self.facts.reads_as == "chat" and self.facts.chat:
            return screen_chat(self.facts.chat)
        return None

    @property
    def counts_as(self) -> frozenset[str]:
        """The evidence kinds this exhibit can stand for (a tracking screenshot is both)."""
        kinds = {self.facts.kind}
        if self.as_tracking() is not None:
            kinds.add("tracking")
        if self.as_chat() is not None:
            kinds.add("chat")
        return frozenset(kinds)

    def low_confidence(self, threshold: float) -> bool:
        """A value read from the image that a rule may rely on was read below ``threshold``."""
        if not isinstance(self.facts, PhotoFacts):
            return False
        reading = self.facts.tracking or self.facts.chat or self.facts.refund
        if reading is None:
            return False
        return any(source.confidence < threshold for source in reading.sources.values())


def typed_over(reading: ScreenTracking, typed: dict[str, object]) -> ScreenTracking:
    """A screenshot's tracking reading with the values the agent typed (``disputekit facts``)
    over what OCR read: a typed value has no OCR source, so no low confidence either."""
    fields = {k: v for k, v in typed.items() if k in ("courier", "waybill") and isinstance(v, str)}
    if not fields:
        return reading
    update: dict[str, object] = {**fields, "sources": {k: v for k, v in reading.sources.items() if k not in fields}}
    if "courier" in fields:
        known = resolve_courier(fields["courier"])
        update["courier_name"] = known.name_zh if known else None
    if "waybill" in fields:
        update["waybills"] = [fields["waybill"]]
    return reading.model_copy(update=update)


def screen_chat(chat: ScreenChat) -> ChatFacts:
    """Messages read from a chat window, as a chat record (format ``screenshot``)."""
    participants = list(dict.fromkeys(m.sender for m in chat.messages if m.sender))
    return ChatFacts(format="screenshot", encoding="ocr", participants=participants,
                     messages=chat.messages, warnings=chat.warnings)


def exhibits_of(items: list[EvidenceItem]) -> list[Exhibit]:
    return [Exhibit(item, validate_facts(item.facts)) for item in items]


@dataclass(frozen=True)
class RuleContext:
    case: CaseFile
    exhibits: list[Exhibit]
    profile: Profile
    now: datetime
    ground_id: str | None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ground(self) -> Ground | None:
        return self.profile.grounds.get(self.ground_id) if self.ground_id else None

    def chats(self) -> list[tuple[Exhibit, ChatFacts]]:
        return [(e, chat) for e in self.exhibits if (chat := e.as_chat()) is not None]

    def photos(self, tag: str | None = None) -> list[tuple[Exhibit, PhotoFacts]]:
        return [
            (e, e.facts) for e in self.exhibits
            if isinstance(e.facts, PhotoFacts) and (tag is None or e.item.tag == tag)
        ]

    def trackings(self) -> list[tuple[Exhibit, TrackingFacts]]:
        return [(e, record) for e in self.exhibits if (record := e.as_tracking()) is not None]

    def shipment_tracking(self) -> list[tuple[Exhibit, TrackingFacts]]:
        """Tracking of the seller's shipment: tagged so, or untagged and not the return."""
        return [(e, f) for e, f in self.trackings() if e.item.tag in (None, "shipment")]

    def return_tracking(self) -> list[tuple[Exhibit, TrackingFacts]]:
        return [(e, f) for e, f in self.trackings() if e.item.tag == "return"]
