"""Parsed facts per evidence kind. Their JSON is a contract (docs/json.md): keep field names.

Times are timezone-aware datetimes; JSON dumps them as ISO 8601 with the offset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from disputekit.models.screen import OcrText, Source


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    SYSTEM = "system"
    UNKNOWN = "unknown"


class Message(Frozen):
    index: int = Field(ge=1, description="1-based position among messages, used by `mark`")
    time: datetime | None
    sender: str
    role: Role = Role.UNKNOWN
    text: str
    recalled: bool = False
    transferred: bool = False
    read_status: Literal["read", "unread", "sending"] | None = None
    truncated: bool = Field(
        default=False,
        description="the text (or the sender) was longer than the parse limit and is cut; "
        "the text ends with a mark giving the original length (older facts lack it: false)",
    )


class ChatEvent(Frozen):
    """A line that is not message text: transfer, recall notice, system notice."""

    time: datetime | None
    type: Literal["transfer", "recall", "system"]
    text: str


class ChatFacts(Frozen):
    kind: Literal["chat"] = "chat"
    format: str = Field(description="qianniu-text, csv, xlsx, json, wechat-text…")
    encoding: str
    channel: Literal["qianniu", "wechat", "qq", "unknown"] = "qianniu"
    participants: list[str]
    messages: list[Message]
    events: list[ChatEvent] = []
    warnings: list[str] = []


class TrackingStatus(StrEnum):
    COLLECTED = "collected"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    SIGNED = "signed"
    SIGNED_PROXY = "signed_proxy"
    LOCKER = "locker"
    REFUSED = "refused"
    RETURNED = "returned"
    EXCEPTION = "exception"


class TrackingEvent(Frozen):
    time: datetime
    text: str
    status: TrackingStatus
    location: str | None = None


class TrackingFacts(Frozen):
    kind: Literal["tracking"] = "tracking"
    format: str
    courier: str | None
    courier_name: str | None = None
    waybill: str | None
    waybill_plausible: bool | None = None
    state: str | None = Field(default=None, description="the record's own state code, if any")
    signed_at: datetime | None
    signer: str | None
    final_status: TrackingStatus | None = None
    events: list[TrackingEvent]
    warnings: list[str] = []


# ------------------------------------------------------------------ what a screenshot reads as
# The facts stored on a screenshot exhibit (PhotoFacts.text/reads_as/tracking/chat/refund): the
# core's copy of what collect/screens' readers return, so that models never import a stage.

TextStatus = Literal["read", "no_text", "unreadable", "failed"]
ReadsAs = Literal["tracking", "chat", "refund"]
CaptureBasis = Literal["taken_at", "file_time", "added_at"]


class ScreenChat(Frozen):
    """Messages read from a chat window (千牛 PC header lines, or phone bubbles)."""

    layout: str
    messages: list[Message]
    sources: dict[str, Source] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class ScreenRefund(Frozen):
    """A refund detail page: id, amount, state and the countdown as a deadline."""

    refund_id: str | None = None
    amount: Decimal | None = None
    state: str | None = None
    requested_at: datetime | None = None
    countdown: timedelta | None = None
    deadline: datetime | None = Field(default=None, description="captured_at + countdown")
    captured_at: datetime | None = None
    captured_basis: CaptureBasis | None = Field(
        default=None, description="where captured_at came from: image metadata, file time, time added")
    sources: dict[str, Source] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class ScreenTracking(TrackingFacts):
    """A tracking page read from a screenshot: a tracking record plus where each value was read."""

    sources: dict[str, Source] = Field(default_factory=dict)
    waybills: list[str] = Field(default_factory=list, description="every waybill on the page")


class PhotoFacts(Frozen):
    kind: Literal["photo", "screenshot"] = "photo"
    format: str
    width: int = Field(ge=1, description="as stored, before orientation")
    height: int = Field(ge=1)
    orientation: int = Field(ge=0, le=8, description="EXIF orientation; 0/1 = upright")
    frames: int = 1
    mode: str
    taken_at: datetime | None
    make: str | None
    model: str | None
    software: str | None
    sharpness: float
    phash: str
    warnings: list[str] = []
    decode_warnings: list[str] = Field(
        default_factory=list,
        description="what the decoder complained of (truncated, bad header field, bad palette "
        "index, …), bilingual; absent in evidence.json from before these were recorded",
    )
    # Screenshots only (collect/screenshot.py): the text read by OCR and what the page shows.
    text_status: TextStatus | None = None
    text: OcrText | None = None
    reads_as: ReadsAs | None = None
    tracking: ScreenTracking | None = None
    chat: ScreenChat | None = None
    refund: ScreenRefund | None = None


class DocumentFacts(Frozen):
    kind: Literal["document"] = "document"
    format: Literal["pdf"] = "pdf"
    pages: int = Field(ge=0)
    has_text: bool
    title: str | None = None
    has_javascript: bool = False
    has_attachments: bool = False
    has_forms: bool = False
    has_open_action: bool = False
    has_launch_action: bool = False
    has_xfa: bool = False
    warnings: list[str] = []


