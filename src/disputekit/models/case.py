"""``case.toml``: the facts a person edits. Versioned schema (``schema_version``)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from disputekit.clock import CHINA_TZ
from disputekit.profiles.load import ground_ids, shipped_platforms
from disputekit.values import parse_amount, parse_typed_time

SCHEMA_VERSION = 1

GROUND_IDS = ground_ids()  # from the shipped profiles' [grounds]


class RefundType(StrEnum):
    REFUND_ONLY = "refund_only"  # 仅退款 （API dispute_type REFUND）
    RETURN_AND_REFUND = "return_and_refund"  # 退货退款 （REFUND_AND_RETURN）


class RefundState(StrEnum):
    """The API refund states (taobao.md §1.1) plus 客服介入."""

    WAITING_SELLER_AGREE = "waiting_seller_agree"
    WAITING_RETURN_ADDRESS = "waiting_return_address"  # 等待卖家确认退货地址
    WAITING_BUYER_RETURN = "waiting_buyer_return"
    WAITING_SELLER_CONFIRM = "waiting_seller_confirm"
    SELLER_REFUSED = "seller_refused"
    CLOSED = "closed"
    SUCCESS = "success"
    CS_INTERVENING = "cs_intervening"


class OrderStatus(StrEnum):
    PAID = "paid"  # 买家已付款 （WAIT_SELLER_SEND_GOODS）
    SHIPPED = "shipped"  # 卖家已发货 （WAIT_BUYER_CONFIRM_GOODS）
    SIGNED = "signed"
    FINISHED = "finished"  # 交易成功


class Shipment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    waybill: str | None = None
    courier: str | None = None


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""C0 controls but tab and newline, DEL, C1, bidi marks and overrides (as text/printable)."""

YEARS = range(2000, 2101)  # a refund outside this span is a typo (deadline arithmetic stays safe)


def _money_value(value: object, info: ValidationInfo) -> object:
    """``"¥12"``, ``"12元"``, ``"1,280.00"`` as agents type them (values.parse_amount)."""
    return value if value is None else parse_amount(value, info.field_name or "amount")


def _aware(value: object, info: ValidationInfo) -> object:
    if isinstance(value, str):
        value = parse_typed_time(value, info.field_name or "time").at  # 2025年4月20日 10:02 too
    elif isinstance(value, date) and not isinstance(value, datetime):  # a bare TOML date
        value = datetime(value.year, value.month, value.day, tzinfo=CHINA_TZ)
    elif isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_TZ)
    if isinstance(value, datetime) and value.year not in YEARS:
        raise ValueError(f"year {value.year} is outside {YEARS.start}–{YEARS.stop - 1}")
    return value


class CaseFile(BaseModel):
    """Everything in case.toml. Unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = SCHEMA_VERSION
    platform: str = Field(default="taobao", description="one of the shipped profiles (profiles/*.toml)")
    order_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    refund_id: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    buyer: str = Field(min_length=1, max_length=64)
    seller: str = Field(min_length=1, max_length=64)
    amount: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    currency: Literal["CNY"] = "CNY"
    refund_type: RefundType = RefundType.REFUND_ONLY
    refund_phase: Literal["onsale", "aftersale"] | None = None
    state: RefundState = RefundState.WAITING_SELLER_AGREE
    order_status: OrderStatus | None = None
    item_title: str | None = Field(default=None, max_length=200)
    ordered_at: datetime | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    requested_at: datetime
    state_since: datetime | None = Field(
        default=None, description="when the refund entered its current state"
    )
    deadline: datetime | None = Field(
        default=None, description="the platform's own countdown (千牛); always wins"
    )
    shipment: Shipment = Shipment()
    return_shipment: Shipment = Shipment()
    ground: str | None = None
    reason: str | None = Field(default=None, description="the agent's own refusal reason")
    buyer_claim: str | None = Field(default=None, max_length=500)
    agent: str | None = None
    lang: Literal["zh", "en"] = "zh"
    gift_value: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    confirmed_at: datetime | None = Field(
        default=None, description="when the buyer confirmed receipt (确认收货), from the order page"
    )
    shipping_fee: Decimal | None = Field(
        default=None, ge=0, max_digits=10, decimal_places=2,
        description="outbound freight the shop paid for a free-shipping order (运费)",
    )
    postage_refund: Decimal | None = Field(
        default=None, ge=0, max_digits=10, decimal_places=2,
        description="postage the buyer asks back (邮费), refunded by transfer (shop rule 10)",
    )
    serial_shipped: str | None = Field(
        default=None, max_length=64, description="serial number registered at shipment (出库登记)"
    )
    serial_returned: str | None = Field(
        default=None, max_length=64, description="serial number on the item that came back"
    )

    _money = field_validator(
        "amount", "gift_value", "shipping_fee", "postage_refund", mode="before",
    )(_money_value)
    _times = field_validator(
        "ordered_at", "paid_at", "shipped_at", "signed_at", "requested_at", "state_since",
        "deadline", "confirmed_at", mode="before",
    )(_aware)

    @field_validator("buyer", "seller", "item_title", "buyer_claim", "agent", "serial_shipped",
                     "serial_returned", "reason")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        """Nicknames and texts are printed to terminals: no escape codes, no bidi overrides."""
        if value is not None and _UNPRINTABLE.search(value):
            raise ValueError("contains control or bidi-override characters (terminal escape "
                             "codes, text that reads backwards); remove them")
        return value

    @model_validator(mode="after")
    def _gift_within_amount(self) -> CaseFile:
        if self.gift_value is not None and self.gift_value > self.amount:
            raise ValueError(f"gift_value {self.gift_value} is above the refund amount "
                             f"{self.amount}")
        return self

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        known = shipped_platforms()
        if value not in known:
            raise ValueError(f"unknown platform {value!r}; one of: {', '.join(known)}")
        return value

    @field_validator("ground")
    @classmethod
    def _known_ground(cls, value: str | None) -> str | None:
        if value is not None and value not in GROUND_IDS:
            raise ValueError(f"unknown ground {value!r}; one of: {', '.join(GROUND_IDS)}")
        return value

    @property
    def case_id(self) -> str:
        return f"{self.platform}-{self.refund_id}"
