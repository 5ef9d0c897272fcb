"""Parsed facts per evidence kind. Their JSON is a contract (docs/json.md): keep field names.

Times are timezone-aware datetimes; JSON dumps them as ISO 8601 with the offset.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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


