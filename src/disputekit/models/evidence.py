"""``.disputekit/evidence.json``: the evidence list. Exhibit ids (E1, E2…) are never reused."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from disputekit.kinds import KINDS, KindName

EVIDENCE_SCHEMA_VERSION = 1

Kind = KindName  # the kinds table is the one list of evidence kinds
__all__ = ["KINDS", "EvidenceItem", "EvidenceList", "Kind", "Withdrawal"]

Tag = Literal[
    "shipment",  # tracking of the seller's shipment
    "return",  # tracking of the buyer's return
    "before_shipment",  # packing / outbound photo: must predate shipment
    "returned_item",  # photo of what came back: must follow the return's signing
    "listing",  # listing page / snapshot
    "agreement",  # proof of an agreement with the buyer
    "custom_order",  # the buyer's customisation request (made-to-order goods)
    "certificate",  # 合格证, purchase invoice, inspection report (quality claims)
    "other",
]
TAGS: tuple[str, ...] = (
    "shipment", "return", "before_shipment", "returned_item", "listing", "agreement", "custom_order",
    "certificate", "other",
)


class Withdrawal(BaseModel):
    """Why and when an exhibit was withdrawn. The exhibit leaves every rule and output; its
    original, its entry here and its audit history stay, and its id is never reused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    by: str
    reason: str


class EvidenceItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^E[1-9][0-9]*$")
    kind: Kind
    name: str = Field(description="original file name (display only; never used as a path)")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    added_at: datetime
    added_by: str
    caption: str | None = None
    tag: Tag | None = None
    facts: dict[str, Any]
    marks: list[int] = Field(default_factory=list, description="key chat messages (1-based)")
    frames: list[float] = Field(
        default_factory=list, description="marked video frames (seconds), shown large"
    )
    typed: dict[str, Any] = Field(
        default_factory=dict,
        description="facts typed by the agent (`disputekit facts`); already applied to `facts`",
    )
    withdrawn: Withdrawal | None = None


class EvidenceList(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = EVIDENCE_SCHEMA_VERSION
    next_number: int = Field(default=1, ge=1)
    items: list[EvidenceItem] = Field(default_factory=list)

    def by_sha(self, sha256: str) -> EvidenceItem | None:
        return next((item for item in self.items if item.sha256 == sha256), None)

    def by_id(self, exhibit: str) -> EvidenceItem | None:
        return next((item for item in self.items if item.id == exhibit.upper()), None)

    def of_kind(self, *kinds: str) -> list[EvidenceItem]:
        return [item for item in self.items if item.kind in kinds]

    def in_force(self) -> EvidenceList:
        """The list without withdrawn exhibits: what every rule and output sees."""
        if not any(item.withdrawn for item in self.items):
            return self
        return self.model_copy(update={"items": [i for i in self.items if not i.withdrawn]})

    def withdrawn_items(self) -> list[EvidenceItem]:
        return [item for item in self.items if item.withdrawn]
