"""The chat exhibit's pages: the whole conversation, or for a long chat the excerpt
(``assemble/chat_excerpt.py``) with an index of what was left out and where the whole
transcript is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from disputekit.assemble.chat_excerpt import (
    Anchors,
    Excerpt,
    Omitted,
    message_locators,
    rule_cited,
    select,
)
from disputekit.assemble.pdf.chat_bubble import BubbleStyle
from disputekit.assemble.pdf.dossier_data import DossierData
from disputekit.assemble.pdf.labels import t
from disputekit.assemble.pdf.sections import FRAME_W, GRID
from disputekit.assemble.pdf.story import Writer
from disputekit.assemble.renditions import SUFFIX
from disputekit.models.facts import ChatFacts, Message, Role
from disputekit.privacy.pii import mask
from disputekit.validate.rules.chat_rules import order_numbers
from disputekit.validate.rules.context import Exhibit

ROLE_BG = {Role.BUYER: "#eaf2fd", Role.SELLER: "#eaf7ee", Role.SYSTEM: "#f2f2f2", Role.UNKNOWN: "#ffffff"}
MARK_BG = "#fff4c2"
GAP_BG = "#f6f6f6"


def excerpt_of(d: DossierData, e: Exhibit, facts: ChatFacts) -> Excerpt:
    """What the dossier shows of ``facts`` (the whole chat when short); computed once per
    build, as every layout pass of both editions asks."""
    if e.id not in d.excerpts:
        d.excerpts[e.id] = _select(d, e, facts)
    return d.excerpts[e.id]


def _select(d: DossierData, e: Exhibit, facts: ChatFacts) -> Excerpt:
    case = d.ctx.case
    marks = set(e.item.marks)
    quoted = message_locators(((f.exhibits[0] if f.exhibits else "", f.locator) for f in d.established), e.id)
    numbered = {m.index: pos for pos, m in enumerate(facts.messages)}
    needles = order_numbers(case)
    anchors = Anchors(
        marked=[numbered[i] for i in sorted(marks) if i in numbered],
        quoted=[numbered[i] for i in sorted(quoted) if i in numbered],
        cited=rule_cited(facts, case.requested_at, needles,
                         d.ctx.profile.thresholds.chat_gap_hours.value),
    )
    return select(facts, anchors, case.requested_at, d.ctx.profile.dossier)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"


def _span(gap: Omitted, lang: str) -> str:
    if gap.start is None:
        return t("no_time", lang)
    return f"{_when(gap.start)} – {_when(gap.end)}"


def _message(w: Writer, d: DossierData, m: Message, marks: set[int]) -> Flowable:
    lang = d.lang
    when = m.time.strftime("%Y-%m-%d %H:%M:%S") if m.time else "—"
    flags = []
    key = m.index in marks
    if key:
        flags.append("★ " + t("key_message", lang))
    if m.recalled:
        flags.append(t("recalled", lang))
    head = f"#{m.index}  {m.sender}  {when}" + (f"  {' · '.join(flags)}" if flags else "")
    seller = m.role == Role.SELLER
    style = BubbleStyle(colors.HexColor(MARK_BG if key else ROLE_BG[m.role]),
                        colors.HexColor("#d19a00") if key else None,
                        left=4 + (24 if seller else 0), right=4 + (0 if seller else 24))
    return w.bubble(head, mask(m.text, d.ctx.profile.privacy) or "—", style)


def _gap_line(w: Writer, gap: Omitted, lang: str) -> Flowable:
    text = t("omitted_run", lang, first=gap.first, last=gap.last, n=f"{gap.count:,}", span=_span(gap, lang))
    return w.p(text, "small", alignment=1, backColor=colors.HexColor(GAP_BG), borderPadding=(2, 2, 2, 2),
               spaceBefore=4, spaceAfter=4, textColor=colors.HexColor("#666666"))


def transcript_note(d: DossierData, e: Exhibit) -> str:
    """Where the whole transcript is, for this edition — never claiming an attachment that is
    not there."""
    if e.id in d.attached:
        return t("transcript_original", d.lang)
    if e.id in d.renditions:
        return t("transcript_masked", d.lang, name=e.id + SUFFIX)
    return t("transcript_kept", d.lang)


def _excerpt_head(w: Writer, d: DossierData, e: Exhibit, ex: Excerpt) -> list[Flowable]:
    lang, layout = d.lang, d.ctx.profile.dossier
    left_out = sum(g.count for g in ex.omitted)
    story = [w.p(t("excerpt_note", lang, total=f"{ex.total:,}", shown=f"{len(ex.shown):,}",
                   ctx=layout.chat_context.value, before=f"{layout.chat_before_request_hours.value:g}",
                   after=f"{layout.chat_after_request_hours.value:g}", omitted=f"{left_out:,}"), "small")]
    if ex.capped:
        story.append(w.p(t("excerpt_capped", lang, cap=f"{layout.chat_max_shown.value:,}"), "small"))
    story.append(w.p(transcript_note(d, e), "small"))
    rows: list[list[Any]] = [[w.p(t("omitted_numbers", lang), "cell"), w.p(t("omitted_count", lang), "cell"),
                              w.p(t("time", lang), "cell")]]
    for gap in ex.omitted:
        rows.append([w.p(f"#{gap.first} – #{gap.last}", "cell"), w.p(f"{gap.count:,}", "cell"),
                     w.p(_span(gap, lang), "cell")])
    story += [w.p(t("omitted_index", lang), "h2"),
              w.table(rows, [40 * mm, 22 * mm, FRAME_W - 62 * mm], [
                  ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                  ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
              ], repeat=1), w.space(3)]
    return story


def chat_story(w: Writer, d: DossierData, e: Exhibit, facts: ChatFacts) -> list[Flowable]:
    lang = d.lang
    channel = t(f"channel_{facts.channel}", lang)
    story = [w.p(t("msg_count", lang, n=len(facts.messages), enc=facts.encoding, ch=channel), "small"),
             w.space(2)]
    marks = set(e.item.marks)
    ex = excerpt_of(d, e, facts)
    if not ex.whole:
        story += _excerpt_head(w, d, e, ex)
    gaps = {g.first: g for g in ex.omitted}
    requested, nxt, divided = d.ctx.case.requested_at, 1, False
    for m in ex.shown:
        gap = gaps.get(nxt)
        if gap is not None and gap.last < m.index:
            story.append(_gap_line(w, gap, lang))
        if not divided and m.time is not None and m.time >= requested:
            story.append(_request_line(w, d))  # the case fact, where it falls in the chat
            divided = True
        story.append(_message(w, d, m, marks))
        nxt = m.index + 1
    tail = gaps.get(nxt)
    if tail is not None:
        story.append(_gap_line(w, tail, lang))
    return story


def _request_line(w: Writer, d: DossierData) -> Flowable:
    text = t("request_in_chat", d.lang, when=d.ctx.case.requested_at.strftime("%Y-%m-%d %H:%M"))
    return w.p(text, "small", alignment=1, spaceBefore=4, spaceAfter=4, textColor=colors.HexColor("#B00020"))
