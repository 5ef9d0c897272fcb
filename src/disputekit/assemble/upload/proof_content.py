"""What the proof card shows: content picked from the rule context (pure data, no pixels)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from disputekit.draft.facts import courier_label
from disputekit.models.evidence import EvidenceItem
from disputekit.models.facts import Message, PhotoFacts, Role, TrackingEvent, TrackingFacts
from disputekit.privacy.pii import mask
from disputekit.profiles.model import Privacy
from disputekit.store.objects import ObjectStore
from disputekit.validate.rules.context import Exhibit, RuleContext

RowStyle = Literal["key", "event", "buyer", "seller", "other"]

@dataclass(frozen=True)
class Detail:
    """How much of the card's text is drawn: lines per message or event, chat messages per
    chat, tracking events per record (the decisive event is always kept)."""

    name: str
    text_lines: int
    chat_rows: int
    event_rows: int


FULL = Detail("full", text_lines=4, chat_rows=8, event_rows=3)
COMPACT = Detail("compact", text_lines=2, chat_rows=6, event_rows=2)
SHORT = Detail("short", text_lines=2, chat_rows=4, event_rows=2)
MINIMAL = Detail("minimal", text_lines=2, chat_rows=2, event_rows=1)



MAX_CHAT_ROWS = FULL.chat_rows
MAX_PHOTOS = 2
ITEM_TAGS = ("before_shipment", "returned_item")
_KEY_STATUSES = frozenset({"signed", "signed_proxy", "locker", "refused", "returned"})

# ---------------------------------------------------------------------------- content


@dataclass(frozen=True)
class ProofRow:
    style: RowStyle
    head: str
    text: str


@dataclass(frozen=True)
class ProofSection:
    """A titled list of rows. ``more`` (with ``{n}``) is shown when rows are left out;
    ``hidden`` rows were left out already when the card was made."""

    kind: Literal["tracking", "chat"]
    heading: str
    rows: tuple[ProofRow, ...]
    more: str = ""
    hidden: int = 0

    def visible(self, detail: Detail) -> tuple[tuple[ProofRow, ...], str]:
        """The rows drawn at ``detail`` (tracking keeps its latest, decisive rows) and the note."""
        if self.kind == "tracking":
            return self.rows[-detail.event_rows :], ""
        shown = self.rows[: detail.chat_rows]
        left = self.hidden + len(self.rows) - len(shown)
        return shown, self.more.format(n=left) if left and self.more else ""


@dataclass(frozen=True)
class ProofPhoto:
    exhibit: str
    path: Path
    sha256: str
    caption: tuple[str, ...]


@dataclass(frozen=True)
class ProofCard:
    title: str
    ids: str
    lines: tuple[str, ...]
    sections: tuple[ProofSection, ...]
    photos: tuple[ProofPhoto, ...] = ()
    photos_first: bool = False
    footer: str = ""
    draft: bool = False  # a draft's card says so in its (red) header and footer


_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "拒绝退款举证", "order": "订单号", "refund": "退款编号", "ground": "拒绝理由",
        "basis": "依据", "buyer_is": "买家", "item": "商品", "tracking": "物流记录",
        "return_tracking": "退货物流记录", "signer": "签收人",
        "chat": "聊天记录", "key": "关键消息", "buyer": "买家", "seller": "卖家", "system": "系统",
        "more": "另有 {n} 条标记消息见证据 {ids}",
        "taken": "拍摄于 {t}", "no_time": "无拍摄时间", "case": "案件",
        "before_shipment": "出库照片", "returned_item": "退回商品照片", "other": "照片",
        "draft": "草稿 — 不可上传",
    },
    "en": {
        "title": "Refund refusal evidence", "order": "Order", "refund": "Refund",
        "ground": "Ground", "basis": "Basis", "buyer_is": "Buyer", "item": "Item",
        "tracking": "Tracking", "return_tracking": "Return tracking", "signer": "signer",
        "chat": "Chat", "key": "key messages", "buyer": "Buyer", "seller": "Seller",
        "system": "System",
        "more": "{n} more marked messages in exhibit {ids}", "taken": "taken {t}",
        "no_time": "no capture time", "case": "Case",
        "before_shipment": "outbound photo", "returned_item": "returned item", "other": "photo",
        "draft": "DRAFT — not for upload",
    },
}


def _t(lang: str) -> dict[str, str]:
    return _TEXT["zh" if lang == "zh" else "en"]


def _time(value: datetime | None, seconds: bool = True) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def proof_card(ctx: RuleContext, store: ObjectStore, lang: str, *, draft: bool = False) -> ProofCard:
    """What the proof image shows, chosen from the evidence for the case's ground; every
    text masked per the profile's privacy."""
    card = _card(ctx, store, lang)
    if draft:
        word = _t(lang)["draft"]
        card = replace(card, title=f"{word} · {card.title}", footer=f"{word} · {card.footer}", draft=True)
    return masked_card(card, ctx.profile.privacy)


def masked_card(card: ProofCard, privacy: Privacy) -> ProofCard:
    """The card with personal data masked in every text it draws."""
    def m(text: str) -> str:
        return mask(text, privacy)

    sections = tuple(replace(sec, heading=m(sec.heading), rows=tuple(
        ProofRow(r.style, m(r.head), m(r.text)) for r in sec.rows)) for sec in card.sections)
    photos = tuple(replace(p, caption=tuple(m(c) for c in p.caption)) for p in card.photos)
    return replace(card, title=m(card.title), ids=m(card.ids), lines=tuple(m(x) for x in card.lines),
                   sections=sections, photos=photos, footer=m(card.footer))


def _card(ctx: RuleContext, store: ObjectStore, lang: str) -> ProofCard:
    t = _t(lang)
    c = ctx.case
    ground = ctx.ground
    lines = []
    if ground is not None:
        lines.append(f"{t['ground']}: {ground.name_zh if lang == 'zh' else ground.name_en}")
        lines.append(f"{t['basis']}: {ground.basis}")
    item = f" · {t['item']}: {c.item_title}" if c.item_title else ""
    lines.append(f"{t['buyer_is']}: {c.buyer}{item}")
    photos = tuple(_photos(ctx, store, lang)) if _item_ground(ctx) else ()
    sections = [*_tracking_sections(ctx, lang), *_chat_sections(ctx, lang)]
    return ProofCard(
        title=t["title"], ids=f"{t['order']} {c.order_id} · {t['refund']} {c.refund_id}",
        lines=tuple(lines), sections=tuple(sections), photos=photos,
        photos_first=bool(photos), footer=f"{t['case']} {c.case_id} · disputekit",
    )


def _item_ground(ctx: RuleContext) -> bool:
    ground = ctx.ground
    return ground is not None and any(need.tag in ITEM_TAGS for need in ground.needs)


def _tracking_tags(ctx: RuleContext) -> list[str]:
    ground = ctx.ground
    if ground is None:
        return ["shipment"]
    return [n.tag or "shipment" for n in ground.needs if "tracking" in n.kinds]


def _tracking_sections(ctx: RuleContext, lang: str) -> Iterator[ProofSection]:
    for tag in dict.fromkeys(_tracking_tags(ctx)):
        found = ctx.return_tracking() if tag == "return" else ctx.shipment_tracking()
        for exhibit, facts in found[:1]:
            if facts.events:
                yield _tracking_section(exhibit, facts, tag, lang, ctx.profile.privacy)


def key_events(facts: TrackingFacts) -> tuple[list[TrackingEvent], TrackingEvent]:
    """The first event, the one before the decisive event, and the decisive event itself
    (the last signed/locker/refused/returned one, else the latest), in time order."""
    events = sorted(facts.events, key=lambda e: e.time)
    decisive = [e for e in events if e.status.value in _KEY_STATUSES]
    key = decisive[-1] if decisive else events[-1]
    at = events.index(key)
    chosen = [events[0], *events[max(at - 1, 0) : at + 1]]
    return list(dict.fromkeys(chosen)), key


def _tracking_section(
    exhibit: Exhibit, facts: TrackingFacts, tag: str, lang: str, privacy: Privacy
) -> ProofSection:
    t = _t(lang)
    events, key = key_events(facts)
    courier = courier_label(facts.courier, lang) if facts.courier else facts.courier_name or ""
    label = t["return_tracking"] if tag == "return" else t["tracking"]
    heading = f"{label} {exhibit.id} · {courier} {facts.waybill or ''}".rstrip()
    rows = []
    for event in events:
        head = _time(event.time)
        if event is key and facts.signer and event.status.value != "refused":
            head += f" · {t['signer']}: {facts.signer}"
        rows.append(ProofRow("key" if event is key else "event", head, mask(event.text, privacy)))
    return ProofSection("tracking", heading, tuple(rows))


def _chat_sections(ctx: RuleContext, lang: str) -> Iterator[ProofSection]:
    t = _t(lang)
    budget = MAX_CHAT_ROWS
    for exhibit, chat in ctx.chats():
        marked = [m for m in chat.messages if m.index in exhibit.item.marks]
        if not marked:
            continue
        shown, budget = marked[:budget], max(budget - len(marked), 0)
        rows = tuple(_chat_row(m, lang, ctx.profile.privacy) for m in shown)
        more = t["more"].replace("{ids}", exhibit.id)
        if rows:
            heading = f"{t['chat']} {exhibit.id} · {t['key']}"
            yield ProofSection("chat", heading, rows, more, len(marked) - len(shown))


_ROLE_STYLE: dict[Role, RowStyle] = {Role.BUYER: "buyer", Role.SELLER: "seller"}


def _chat_row(message: Message, lang: str, privacy: Privacy) -> ProofRow:
    t = _t(lang)
    style = _ROLE_STYLE.get(message.role, "other")
    who = t.get(message.role.value, "")
    head = f"{who} {message.sender} · {_time(message.time)}".strip()
    return ProofRow(style, head, mask(" ".join(message.text.split()), privacy))


def _photos(ctx: RuleContext, store: ObjectStore, lang: str) -> Iterator[ProofPhoto]:
    """Up to two photos: the first of each item tag the ground needs, then further tagged."""
    ground = ctx.ground
    tags = [n.tag for n in ground.needs if n.tag in ITEM_TAGS] if ground else []
    firsts = [p for tag in dict.fromkeys(tags) for p in ctx.photos(tag)[:1]]
    rest = [p for tag in dict.fromkeys(tags) for p in ctx.photos(tag)[1:]]
    chosen: dict[str, tuple[Exhibit, PhotoFacts]] = {}
    for exhibit, facts in firsts + rest:
        chosen.setdefault(exhibit.id, (exhibit, facts))
    for exhibit, facts in list(chosen.values())[:MAX_PHOTOS]:
        sha = exhibit.item.sha256
        yield ProofPhoto(exhibit.id, store.path_for(sha), sha, _caption(exhibit.item, facts, lang))


def _caption(item: EvidenceItem, facts: PhotoFacts, lang: str) -> tuple[str, ...]:
    t = _t(lang)
    what = t.get(item.tag or "other", t["other"])
    when = t["taken"].format(t=_time(facts.taken_at, False)) if facts.taken_at else t["no_time"]
    return (f"{item.id} {what}", when)


