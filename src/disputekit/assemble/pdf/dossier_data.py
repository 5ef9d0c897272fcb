"""Everything the dossier shows, gathered once by the assembler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from disputekit.assemble.chat_excerpt import Excerpt
from disputekit.assemble.timeline import Event
from disputekit.case import Case
from disputekit.draft.reason import Draft
from disputekit.privacy.pii import mask
from disputekit.review.decisions import Decision, SignOff
from disputekit.review.snapshots import StateDiff
from disputekit.validate.check import CheckReport
from disputekit.validate.rules.context import RuleContext


class FactLike(Protocol):
    """An established fact as the dossier shows it (``validate``'s ``EstablishedFact``)."""

    @property
    def zh(self) -> str: ...
    @property
    def en(self) -> str: ...
    @property
    def exhibits(self) -> tuple[str, ...]: ...
    @property
    def locator(self) -> str | None: ...


@dataclass(frozen=True)
class DossierData:
    case: Case
    ctx: RuleContext
    report: CheckReport
    draft: Draft | None
    timeline: list[Event]
    lang: str
    dossier_id: str
    generated_at: datetime
    preparer: str
    is_draft: bool
    images: dict[str, Path] = field(default_factory=dict)  # exhibit id → prepared JPEG (maybe not yet written)
    image_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # its size in pixels
    pdf_pages: dict[str, int] = field(default_factory=dict)  # exhibit id → page count
    reviews: list[Decision] = field(default_factory=list)  # every decision, oldest first
    sign_off: SignOff | None = None  # the last decision and whether it still holds
    attached: set[str] = field(default_factory=set)  # exhibit ids whose originals are attached
    # "review": the lead's edition (strength, advice, findings, sign-off, changes since the
    # last decision); "submission": the platform's (claim, facts, timeline, reason, exhibits)
    edition: Literal["review", "submission"] = "review"
    changes: StateDiff | None = None  # since the state the last decision saw; None if unknown
    established: list[FactLike] = field(default_factory=list)  # facts the evidence shows
    renditions: set[str] = field(default_factory=set)  # exhibit ids whose masked text is attached
    # each long chat's excerpt, computed by the first layout pass and shared by every later one
    # and by both editions (replace() copies the reference)
    excerpts: dict[str, Excerpt] = field(default_factory=dict, compare=False, repr=False)

    @property
    def submission(self) -> bool:
        return self.edition == "submission"

    @property
    def attach_originals(self) -> bool:
        return bool(self.ctx.profile.privacy.attach_originals.value)

    def mask(self, text: str) -> str:
        """``text`` with personal data masked per the profile (every printed string)."""
        return mask(text, self.ctx.profile.privacy)


def anchor(exhibit_id: str) -> str:
    return f"ex-{exhibit_id}"
