"""Who said what: roles from the case's buyer and seller nicknames, and the roster of a chat.

Rules (first match wins), comparing names after Unicode NFKC (so ``店铺：客服A`` equals
``店铺:客服A``) and trimming spaces:

1. the buyer's nickname exactly → ``buyer``;
2. the seller's nickname, or any name whose part before the first colon is the seller's shop
   (``店铺:客服A`` when the seller is ``店铺`` or ``店铺:客服B``) → ``seller``;
3. a platform or system sender from ``SYSTEM_SENDERS`` → ``system`` (also without a case);
4. anything else → ``unknown``. Without buyer and seller everything but rule 3 is ``unknown``.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Literal

from disputekit.models.facts import ChatEvent, Message, Role

SYSTEM_SENDERS: tuple[str, ...] = (
    "系统消息",
    "系统通知",
    "系统提示",
    "系统",
    "服务助手",
    "淘宝小二",
    "天猫小二",
    "阿里小蜜",
)
"""Senders that are the platform, not a party. 淘宝小二 is platform staff: not buyer or seller."""

ReadStatus = Literal["read", "unread", "sending"]
Channel = Literal["qianniu", "wechat", "qq", "unknown"]


def normalize_name(name: str) -> str:
    """NFKC (full-width colon and letters become ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", name).strip()


def shop_of(name: str) -> str:
    """The main account of a sub-account nickname: ``店铺:客服A`` → ``店铺``."""
    return normalize_name(name).split(":", 1)[0].strip()


def role_of(sender: str, buyer: str | None = None, seller: str | None = None) -> Role:
    """The role of one sender, by the rules in the module docstring."""
    name = normalize_name(sender)
    if buyer and name == normalize_name(buyer):
        return Role.BUYER
    if seller and name and (name == normalize_name(seller) or shop_of(name) == shop_of(seller)):
        return Role.SELLER
    if name in SYSTEM_SENDERS:
        return Role.SYSTEM
    return Role.UNKNOWN


class Roster:
    """Collects what a parser reads: messages (numbered, with roles), events and warnings.

    Roles are computed once per distinct sender; ``participants`` keeps senders in order of
    first appearance. Messages are fully validated: pydantic's Rust validator (≈1.7 µs) is
    faster than ``model_construct`` (≈3.4 µs), so there is nothing to gain by skipping it.
    """

    def __init__(self, buyer: str | None = None, seller: str | None = None) -> None:
        self._buyer = buyer
        self._seller = seller
        self._roles: dict[str, Role] = {}
        self.participants: list[str] = []
        self.messages: list[Message] = []
        self.events: list[ChatEvent] = []
        self.warnings: list[str] = []

    def role(self, sender: str) -> Role:
        role = self._roles.get(sender)
        if role is None:
            role = self._roles[sender] = role_of(sender, self._buyer, self._seller)
            if sender:
                self.participants.append(sender)
        return role

    def message(
        self,
        time: datetime | None,
        sender: str,
        text: str,
        *,
        recalled: bool = False,
        transferred: bool = False,
        read_status: ReadStatus | None = None,
    ) -> None:
        """Append a message; ``time`` must be timezone-aware or None."""
        self.messages.append(
            Message.model_validate(
                {
                    "index": len(self.messages) + 1,
                    "time": time,
                    "sender": sender,
                    "role": self.role(sender),
                    "text": text,
                    "recalled": recalled,
                    "transferred": transferred,
                    "read_status": read_status,
                }
            )
        )

    def event(
        self, time: datetime | None, kind: Literal["transfer", "recall", "system"], text: str
    ) -> None:
        self.events.append(ChatEvent(time=time, type=kind, text=text))

    def warn(self, zh: str, en: str) -> None:
        """Warnings are stored as one string, Chinese first: ``中文 / English``."""
        self.warnings.append(f"{zh} / {en}")
