"""Builders for rule tests: a case, exhibits with hand-made facts, a RuleContext, a case folder.

Nothing here parses a file: facts are built straight from the pydantic fact models, so a rule
test says exactly which fact makes the rule fire. The defaults describe one *good* case (sample A
in spirit: goods signed by the buyer, then "not received"); tests change one thing at a time.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from disputekit.case import Case, CasePaths, init_case, open_case, write_evidence
from disputekit.clock import parse_time
from disputekit.models.case import CaseFile
from disputekit.models.evidence import EvidenceItem, EvidenceList
from disputekit.models.facts import (
    ChatFacts,
    DocumentFacts,
    Message,
    PhotoFacts,
    Role,
    TrackingEvent,
    TrackingFacts,
    TrackingStatus,
)
from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Profile
from disputekit.validate.rules.context import RuleContext, exhibits_of
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import all_rules

Facts = ChatFacts | TrackingFacts | PhotoFacts | DocumentFacts

BUYER = "tb_小明2021"
SELLER = "悦家旗舰店"
ORDER_ID = "3712345678901234567"
WAYBILL = "73518294603127"
RETURN_WAYBILL = "SF1427395068213"
NOW = parse_time("2025-04-21 10:00")
ADDED_AT = parse_time("2025-04-21 09:00")


def t(text: str) -> datetime:
    """A China Standard Time moment from 'YYYY-MM-DD HH:MM[:SS]'."""
    return parse_time(text)


# ----------------------------------------------------------------------------- case.toml


def case(**overrides: Any) -> CaseFile:
    """A valid case (goods signed, refund only, waiting for the seller); ``None`` removes a key."""
    data: dict[str, Any] = {
        "order_id": ORDER_ID,
        "refund_id": "20250420001",
        "buyer": BUYER,
        "seller": SELLER,
        "amount": Decimal("128.50"),
        "refund_type": "refund_only",
        "state": "waiting_seller_agree",
        "order_status": "signed",
        "item_title": "北欧陶瓷马克杯 2只装",
        "ordered_at": t("2025-04-15 21:33"),
        "paid_at": t("2025-04-15 21:34"),
        "shipped_at": t("2025-04-16 15:20"),
        "signed_at": t("2025-04-18 14:05"),
        "requested_at": t("2025-04-20 10:02"),
        "state_since": t("2025-04-20 10:02"),
        "deadline": t("2025-04-25 10:02"),
        "shipment": {"waybill": WAYBILL, "courier": "zhongtong"},
        "ground": "goods_signed",
    }
    data.update(overrides)
    return CaseFile.model_validate({k: v for k, v in data.items() if v is not None})


def return_case(**overrides: Any) -> CaseFile:
    """Return-and-refund (sample B in spirit): the return arrived and was signed by us."""
    base: dict[str, Any] = {
        "refund_type": "return_and_refund",
        "state": "waiting_seller_confirm",
        "amount": Decimal("399.00"),
        "shipped_at": t("2025-04-16 15:20"),
        "signed_at": t("2025-04-18 14:05"),
        "requested_at": t("2025-04-20 10:02"),
        "state_since": t("2025-04-24 16:00"),
        "deadline": t("2025-05-04 16:00"),
        "return_shipment": {"waybill": RETURN_WAYBILL, "courier": "shunfeng"},
        "ground": "returned_item_not_ours",
    }
    base.update(overrides)
    return case(**base)


# ----------------------------------------------------------------------------- facts


def msg(index: int, when: str | None, role: Role, text: str, **extra: Any) -> Message:
    sender = {Role.BUYER: BUYER, Role.SELLER: f"{SELLER}:小林"}.get(role, "系统")
    return Message(index=index, time=t(when) if when else None, sender=sender, role=role,
                   text=text, **extra)


def good_messages() -> list[Message]:
    return [
        msg(1, "2025-04-19 20:13", Role.BUYER, f"订单 {ORDER_ID} 怎么还没到?"),
        msg(2, "2025-04-19 20:20", Role.SELLER, f"亲,物流显示 {WAYBILL} 已于18日签收"),
        msg(3, "2025-04-20 10:05", Role.BUYER, "我没收到,申请退款了"),
        msg(4, "2025-04-20 10:29", Role.SELLER, "签收人是本人,麻烦再确认一下"),
    ]


def chat(messages: list[Message] | None = None, **extra: Any) -> ChatFacts:
    fields: dict[str, Any] = {"format": "qianniu-text", "encoding": "gbk",
                              "participants": [BUYER, f"{SELLER}:小林"]}
    fields.update(extra)
    return ChatFacts(messages=good_messages() if messages is None else messages, **fields)


def event(when: str, status: TrackingStatus, text: str = "") -> TrackingEvent:
    return TrackingEvent(time=t(when), status=status, text=text or status.value)


def tracking(**extra: Any) -> TrackingFacts:
    """A zhongtong shipment collected, carried and signed by 本人 before the request."""
    fields: dict[str, Any] = {
        "format": "kuaidi100-json", "courier": "zhongtong", "waybill": WAYBILL,
        "waybill_plausible": True, "signed_at": t("2025-04-18 14:05"), "signer": "本人",
        "final_status": TrackingStatus.SIGNED,
        "events": [
            event("2025-04-16 17:32", TrackingStatus.COLLECTED, "【义乌】已揽收"),
            event("2025-04-17 08:00", TrackingStatus.IN_TRANSIT, "【杭州】运输中"),
            event("2025-04-18 14:05", TrackingStatus.SIGNED, "已签收,签收人:本人"),
        ],
    }
    fields.update(extra)
    return TrackingFacts(**fields)


def return_tracking(**extra: Any) -> TrackingFacts:
    """The buyer's SF return, signed by our warehouse."""
    fields: dict[str, Any] = {
        "courier": "shunfeng", "waybill": RETURN_WAYBILL, "signed_at": t("2025-04-24 15:40"),
        "signer": "仓库",
        "events": [
            event("2025-04-22 15:05", TrackingStatus.COLLECTED),
            event("2025-04-24 15:40", TrackingStatus.SIGNED, "已签收,签收人:仓库"),
        ],
    }
    fields.update(extra)
    return tracking(**fields)


PHASHES = ("f0f0f0f0f0f0f0f0", "0f0f0f0f0f0f0f0f", "ff00ff00ff00ff00", "00ff00ff00ff00ff")


def photo(taken_at: str | None = "2025-04-16 14:40", **extra: Any) -> PhotoFacts:
    """A sharp 1440×1080 phone JPEG; pass ``phash`` to tell photos apart."""
    fields: dict[str, Any] = {
        "format": "jpeg", "width": 1440, "height": 1080, "orientation": 1, "mode": "RGB",
        "make": "Apple", "model": "iPhone 13", "software": "17.4.1", "sharpness": 480.0,
        "phash": PHASHES[0],
    }
    fields.update(extra)
    return PhotoFacts(taken_at=t(taken_at) if taken_at else None, **fields)


def screenshot(**extra: Any) -> PhotoFacts:
    fields: dict[str, Any] = {"kind": "screenshot", "format": "png", "width": 720, "height": 1280,
                              "make": None, "model": None, "software": None, "sharpness": 2300.0,
                              "phash": PHASHES[3]}
    fields.update(extra)
    return photo(None, **fields)


def document(**extra: Any) -> DocumentFacts:
    fields: dict[str, Any] = {"pages": 1, "has_text": True, "title": "商品快照"}
    fields.update(extra)
    return DocumentFacts(**fields)


# ----------------------------------------------------------------------------- evidence


def item(number: int, facts: Facts, *, tag: str | None = None, caption: str | None = None,
         marks: Iterable[int] = ()) -> EvidenceItem:
    """Exhibit ``E<number>`` wrapping ``facts``; the hash is derived from the id."""
    names = {"chat": "chat.txt", "tracking": "tracking.json", "photo": f"photo{number}.jpg",
             "screenshot": f"shot{number}.png", "document": f"doc{number}.pdf",
             "video": f"video{number}.mp4"}
    return EvidenceItem(
        id=f"E{number}", kind=facts.kind, name=names[facts.kind],
        sha256=hashlib.sha256(f"E{number}".encode()).hexdigest(), size=1000 + number,
        added_at=ADDED_AT, added_by="test", caption=caption, tag=tag,  # type: ignore[arg-type]
        facts=facts.model_dump(mode="json"), marks=list(marks),
    )


def items(*entries: Facts | tuple[Facts, str | None]) -> list[EvidenceItem]:
    """E1, E2, … in order; an entry is facts or (facts, tag)."""
    out = []
    for number, entry in enumerate(entries, start=1):
        facts, tag = entry if isinstance(entry, tuple) else (entry, None)
        out.append(item(number, facts, tag=tag))
    return out


def signed_evidence() -> list[EvidenceItem]:
    """E1 chat, E2 shipment tracking, E3/E4 packing photos before shipment (distinct)."""
    return items(
        chat(), (tracking(), "shipment"),
        (photo("2025-04-16 14:40"), "before_shipment"),
        (photo("2025-04-16 14:41", phash=PHASHES[1]), "before_shipment"),
    )


def return_evidence() -> list[EvidenceItem]:
    """E1 chat, E2 outbound photo, E3 unboxing photo, E4 return tracking, E5 shipment tracking."""
    chat_msgs = [
        msg(1, "2025-04-20 09:50", Role.BUYER, f"订单 {ORDER_ID} 申请退货"),
        msg(2, "2025-04-20 10:10", Role.SELLER, "请提供退货运单号和快递公司"),
        msg(3, "2025-04-22 15:10", Role.BUYER, f"顺丰 {RETURN_WAYBILL}"),
        msg(4, "2025-04-24 16:40", Role.SELLER, "收到的商品序列号不符"),
    ]
    return items(
        chat(chat_msgs),
        (photo("2025-04-16 14:40"), "before_shipment"),
        (photo("2025-04-24 16:30", phash=PHASHES[1]), "returned_item"),
        (return_tracking(), "return"),
        (tracking(), "shipment"),
    )


CASE_GROUND: Any = object()  # ctx(ground=…) default: the case's own ground


def ctx(
    the_case: CaseFile | None = None,
    evidence: list[EvidenceItem] | None = None,
    *,
    ground: Any = CASE_GROUND,
    now: datetime = NOW,
    profile: Profile | str = "taobao",
) -> RuleContext:
    """A RuleContext; ``ground`` defaults to the case's own ground."""
    the_case = the_case if the_case is not None else case()
    evidence = signed_evidence() if evidence is None else evidence
    prof = load_profile(profile) if isinstance(profile, str) else profile
    return RuleContext(
        case=the_case, exhibits=exhibits_of(evidence), profile=prof, now=now,
        ground_id=the_case.ground if ground is CASE_GROUND else ground,
    )


def return_ctx(the_case: CaseFile | None = None, evidence: list[EvidenceItem] | None = None,
               **kwargs: Any) -> RuleContext:
    return ctx(the_case or return_case(), return_evidence() if evidence is None else evidence,
               now=kwargs.pop("now", t("2025-04-25 10:00")), **kwargs)


def replace(evidence: list[EvidenceItem], number: int, facts: Facts, **kw: Any) -> list[EvidenceItem]:
    """The same list with exhibit ``E<number>`` holding other facts (tag kept unless given)."""
    old = evidence[number - 1]
    kw.setdefault("tag", old.tag)
    return [*evidence[: number - 1], item(number, facts, **kw), *evidence[number:]]


def norm(text: str) -> str:
    """NFKC: full-width ，（）：; compare as ASCII, so tests need not type them exactly."""
    return unicodedata.normalize("NFKC", text)


def run_rule(rule_id: str, context: RuleContext) -> list[Finding]:
    return all_rules()[rule_id].fn(context)


# ----------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Fires:
    """``build()`` makes ``rule`` give a finding with this severity, text and exhibits."""

    rule: str
    name: str
    build: Callable[[], RuleContext]
    severity: Severity
    zh: str
    en: str
    exhibits: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


@dataclass(frozen=True)
class Quiet:
    """``build()`` gives no finding at all from ``rule``."""

    rule: str
    name: str
    build: Callable[[], RuleContext]

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


def check_fires(scenario: Fires) -> Finding:
    """The scenario's rule gives exactly one finding of its severity, saying what it should."""
    found = [f for f in run_rule(scenario.rule, scenario.build())
             if f.severity == scenario.severity]
    assert len(found) == 1, f"{scenario.id}: expected one {scenario.severity} finding, got {found}"
    finding = found[0]
    assert finding.rule == scenario.rule
    assert norm(scenario.zh) in norm(finding.zh), finding.zh
    assert norm(scenario.en) in norm(finding.en), finding.en
    assert tuple(finding.exhibits) == scenario.exhibits
    return finding


def check_quiet(scenario: Quiet) -> None:
    assert run_rule(scenario.rule, scenario.build()) == []


# ----------------------------------------------------------------------------- case folders


def make_case_dir(root: Path, facts: CaseFile, evidence: list[EvidenceItem] | None = None) -> Case:
    """A real case folder (init_case + evidence.json), no parser involved."""
    case_obj = init_case(root, facts, at=ADDED_AT, actor="test")
    if evidence:
        for entry in evidence:  # the original of E<n> is the bytes "E<n>" (see item())
            if entry.sha256 == hashlib.sha256(entry.id.encode()).hexdigest():
                source = root / ".disputekit" / f"{entry.id}.orig"
                source.write_bytes(entry.id.encode())
                case_obj.store.put(source)
                source.unlink()
        numbers = [int(i.id[1:]) for i in evidence]
        write_evidence(case_obj.paths, EvidenceList(items=evidence, next_number=max(numbers) + 1))
    return open_case(root)


def memory_case(facts: CaseFile, evidence: list[EvidenceItem] | None = None,
                root: Path = Path("/nonexistent")) -> Case:
    """A Case object that never touches the disk (for grounds/advice functions)."""
    return Case(CasePaths(root), facts, EvidenceList(items=evidence or []))

