"""Everything the dossier shows, gathered once by the assembler."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from disputekit.assemble.timeline import Event
from disputekit.case import Case
from disputekit.draft.reason import Draft
from disputekit.review.decisions import Decision, SignOff
from disputekit.validate.check import CheckReport
from disputekit.validate.rules.context import RuleContext


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


def anchor(exhibit_id: str) -> str:
    return f"ex-{exhibit_id}"
