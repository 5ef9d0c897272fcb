"""Everything a rule may look at, typed and read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from disputekit.kinds import AnyFacts, validate_facts
from disputekit.models.case import CaseFile
from disputekit.models.evidence import EvidenceItem
from disputekit.models.facts import ChatFacts, PhotoFacts, TrackingFacts
from disputekit.profiles.model import Ground, Profile


@dataclass(frozen=True)
class Exhibit:
    item: EvidenceItem
    facts: AnyFacts

    @property
    def id(self) -> str:
        return self.item.id


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
        return [(e, e.facts) for e in self.exhibits if isinstance(e.facts, ChatFacts)]

    def photos(self, tag: str | None = None) -> list[tuple[Exhibit, PhotoFacts]]:
        return [
            (e, e.facts) for e in self.exhibits
            if isinstance(e.facts, PhotoFacts) and (tag is None or e.item.tag == tag)
        ]

    def trackings(self) -> list[tuple[Exhibit, TrackingFacts]]:
        return [(e, e.facts) for e in self.exhibits if isinstance(e.facts, TrackingFacts)]

    def shipment_tracking(self) -> list[tuple[Exhibit, TrackingFacts]]:
        """Tracking of the seller's shipment: tagged so, or untagged and not the return."""
        return [(e, f) for e, f in self.trackings() if e.item.tag in (None, "shipment")]

    def return_tracking(self) -> list[tuple[Exhibit, TrackingFacts]]:
        return [(e, f) for e, f in self.trackings() if e.item.tag == "return"]
