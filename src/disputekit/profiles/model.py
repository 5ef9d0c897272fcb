"""Pydantic models of a platform profile: every fact carries its source and confidence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from disputekit.kinds import KindName

Confidence = Literal["high", "medium", "low"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sourced(Frozen):
    source: str = Field(min_length=3)
    confidence: Confidence


class IntValue(Sourced):
    value: int


class FloatValue(Sourced):
    value: float


class CountValue(Sourced):
    value: int = Field(ge=0)


class HoursValue(Sourced):
    value: float = Field(ge=0)


class BoolValue(Sourced):
    value: bool


class ListValue(Sourced):
    value: list[str]


class Timeout(Sourced):
    amount: float = Field(gt=0)
    unit: Literal["hours", "days", "working_days"]


class StateRule(Frozen):
    api: str
    label_zh: str
    label_en: str
    actor: Literal["seller", "buyer", "both", "platform", "none"]
    refusable: bool
    on_timeout_zh: str
    on_timeout_en: str
    timeout: Timeout | None = None


class Unshipped(Sourced):
    refusable: bool
    timeout: Timeout
    procedure_zh: str
    procedure_en: str


class Limits(Frozen):
    reason_min_chars: IntValue
    reason_max_chars: IntValue
    proof_image_max_bytes: IntValue
    proof_image_formats: ListValue
    message_max_bytes: IntValue
    message_image_max_bytes: IntValue
    web_image_max_count: IntValue
    web_image_max_bytes: IntValue
    web_image_max_side: IntValue


class OptionalIntValue(Sourced):
    value: int | None = Field(default=None, description="absent: not known (no source found)")


class Video(Frozen):
    """What the platform's forms take of a video file (the upload bundle offers stills)."""

    upload_max_bytes: OptionalIntValue
    upload_max_seconds: OptionalIntValue
    upload_formats: ListValue


class Thresholds(Frozen):
    deadline_warn_hours: FloatValue
    chat_gap_hours: FloatValue
    photo_min_side_px: IntValue
    photo_min_sharpness: FloatValue
    near_duplicate_bits: IntValue
    small_amount_cny: FloatValue
    seven_day_window_days: IntValue
    editing_software: ListValue
    offer_approval_cny: FloatValue


class Channels(Frozen):
    platform: list[str]
    other_warning_source: str
    other_warning_confidence: Confidence


class Wording(Sourced):
    abusive: list[str]


class Need(Frozen):
    kinds: list[KindName]
    tag: str | None = None
    zh: str
    en: str


class Ground(Sourced):
    name_zh: str
    name_en: str
    basis: str
    refund_types: list[Literal["refund_only", "return_and_refund"]]
    template: str
    rules: list[str]
    needs: list[Need]
    facts: list[str] = Field(
        default_factory=list,
        description="facts that must be established (validate/facts.py); 'a|b' = either",
    )


class Requirements(Frozen):
    proof_image_required: BoolValue
    refund_phase_required: BoolValue


class Privacy(Frozen):
    mask_phones: BoolValue
    mask_addresses: BoolValue
    attach_originals: BoolValue


class DossierLayout(Frozen):
    """How much of a long chat the dossier shows (issue 13 §4); shop settings, not platform rules."""

    chat_whole_up_to: CountValue
    chat_context: CountValue
    chat_before_request_hours: HoursValue
    chat_after_request_hours: HoursValue
    chat_max_shown: CountValue


class ProfileInfo(Frozen):
    id: str
    version: str
    name_zh: str
    name_en: str


class Profile(Frozen):
    profile: ProfileInfo
    states: dict[str, StateRule]
    unshipped: Unshipped
    limits: Limits
    video: Video
    thresholds: Thresholds
    channels: Channels
    wording: Wording
    grounds: dict[str, Ground]
    requirements: Requirements
    privacy: Privacy
    dossier: DossierLayout

    def state(self, name: str) -> StateRule | None:
        return self.states.get(name)
