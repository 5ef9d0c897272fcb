"""Front matter of the dossier: cover, summary, timeline, findings, index, sign-off."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak

from disputekit.assemble.pdf.dossier_data import DossierData, anchor
from disputekit.assemble.pdf.labels import t
from disputekit.assemble.pdf.layout import MARGIN, PAGE_W, Anchor
from disputekit.assemble.pdf.story import Writer
from disputekit.i18n import pick
from disputekit.kinds import label
from disputekit.text.evidence import human_size
from disputekit.validate.rules.finding import Severity

FRAME_W = PAGE_W - 2 * MARGIN
GRID = colors.HexColor("#c8c8c8")
STRENGTH_COLOURS = {"strong": "#1b7a3a", "medium": "#b36b00", "weak": "#b00020"}
SEVERITY_COLOURS = {"blocking": "#b00020", "warning": "#b36b00", "info": "#555555"}


def kv(label: str, value: str, lang: str) -> str:
    return f"{label}：{value}" if lang == "zh" else f"{label}: {value}"


def _fmt(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M %z") if value is not None else "—"


def kv_table(w: Writer, rows: list[tuple[str, str]], key_w: float = 32 * mm) -> Flowable:
    data = [[w.p(k, "cell", textColor=colors.HexColor("#555555")), w.p(v, "cell")] for k, v in rows]
    return w.table(data, [key_w, FRAME_W - key_w], [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 3),
    ])


def deadline_text(d: DossierData) -> str:
    dl = d.report.deadline
    if dl is None:
        return "—"
    lang = d.lang
    kind = t("estimated", lang) if dl.estimated else t("countdown", lang)
    left = dl.hours_left(d.report.now)
    return f"{_fmt(dl.at)}（{kind}，剩余 {left:.1f} 小时）" if lang == "zh" else f"{_fmt(dl.at)} ({kind}, {left:.1f} h left)"


def ground_text(d: DossierData) -> str:
    g = d.ctx.ground
    if g is None:
        return t("none", d.lang)
    return f"{g.name_zh}（{g.basis}）" if d.lang == "zh" else f"{g.name_en} ({g.basis})"


def cover(w: Writer, d: DossierData) -> list[Flowable]:
    c, lang = d.case.facts, d.lang
    story: list[Flowable] = [Anchor("cover", t("title_review", lang), 0, "")]
    if d.is_draft:
        story.append(w.p(t("draft_banner", lang), "draft"))
    story += [w.p(t("title_review", lang), "title"), w.p(t("edition_note", lang), "small")]
    strength = d.report.advice.strength
    action = d.report.advice.action
    claim = c.buyer_claim or "—"
    story += [
        w.p(kv(t("claim", lang), claim, lang), "big"),
        w.p(kv(t("why", lang), ground_text(d), lang), "big"),
        w.p(kv(t("strength", lang), t(strength, lang), lang) + " · " + kv(t("advice", lang), t(action, lang), lang),
            "verdict", textColor=colors.HexColor(STRENGTH_COLOURS[strength])),
        w.p(pick(d.report.advice.zh, d.report.advice.en, lang), "body"),
        w.space(4),
    ]
    rows = [
        (t("platform", lang), d.ctx.profile.profile.name_zh if lang == "zh" else d.ctx.profile.profile.name_en),
        (t("order", lang), c.order_id), (t("refund", lang), c.refund_id),
        (t("buyer", lang), c.buyer), (t("seller", lang), c.seller),
        (t("item", lang), c.item_title or "—"),
        (t("amount", lang), f"¥{c.amount}"),
        (t("refund_type", lang), t(c.refund_type.value, lang)),
        (t("state", lang), _state_label(d)),
        (t("deadline", lang), deadline_text(d)),
        (t("ground", lang), ground_text(d)),
        (t("dossier_id", lang), d.dossier_id),
        (t("generated", lang), _fmt(d.generated_at)),
        (t("preparer", lang), d.preparer),
    ]
    story.append(kv_table(w, rows))
    return story


def _state_label(d: DossierData) -> str:
    state = d.ctx.profile.state(d.case.facts.state.value)
    if state is None:
        return d.case.facts.state.value
    return state.label_zh if d.lang == "zh" else state.label_en


def submission_cover(w: Writer, d: DossierData) -> list[Flowable]:
    """The platform edition's cover: what is claimed and refused, the order — no verdict."""
    c, lang = d.case.facts, d.lang
    story: list[Flowable] = [Anchor("cover", t("title_submission", lang), 0, "")]
    if d.is_draft:
        story.append(w.p(t("draft_banner", lang), "draft"))
    story += [
        w.p(t("title_submission", lang), "title"),
        w.p(kv(t("claim", lang), c.buyer_claim or "—", lang), "big"),
        w.p(kv(t("ground", lang), _ground_name(d), lang), "big"),
        w.space(4),
    ]
    rows = [
        (t("platform", lang), d.ctx.profile.profile.name_zh if lang == "zh" else d.ctx.profile.profile.name_en),
        (t("order", lang), c.order_id), (t("refund", lang), c.refund_id),
        (t("seller", lang), c.seller), (t("item", lang), c.item_title or "—"),
        (t("amount", lang), f"¥{c.amount}"),
        (t("refund_type", lang), t(c.refund_type.value, lang)),
        (t("state", lang), _state_label(d)),
        (t("dossier_id", lang), d.dossier_id),
        (t("generated", lang), _fmt(d.generated_at)),
    ]
    story.append(kv_table(w, rows))
    return story


def _ground_name(d: DossierData) -> str:
    g = d.ctx.ground
    if g is None:
        return t("none", d.lang)
    return g.name_zh if d.lang == "zh" else g.name_en


def submitted_reason(w: Writer, d: DossierData) -> list[Flowable]:
    """The reason (and refund message) as sent, without counts or paste hints."""
    lang = d.lang
    story: list[Flowable] = [Anchor("reason", t("reason_submitted", lang), 0, ""),
                             w.p(t("reason_submitted", lang), "h1")]
    if d.draft is not None:
        story += [w.p(d.draft.reason, "big"), w.space(3),
                  w.p(t("message", lang), "h2"), w.p(d.draft.message)]
    return story


def established_facts(w: Writer, d: DossierData) -> list[Flowable]:
    """Each fact the evidence establishes, with its exhibits; the timeline alone until the
    validate stage lists established facts."""
    lang = d.lang
    story: list[Flowable] = [Anchor("facts", t("facts", lang), 0, ""), w.p(t("facts", lang), "h1")]
    if not d.established:
        return [*story, w.p(t("facts_timeline_only", lang))]
    rows: list[list[Any]] = []
    for f in d.established:
        links = [w.p(ex, "cell", link=anchor(ex)) for ex in f.exhibits] or [w.p("case.toml", "cell")]
        rows.append([w.p(pick(f.zh, f.en, lang), "cell"), links[0]])
    return [*story, w.table(rows, [FRAME_W - 20 * mm, 20 * mm], [
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])]


def changes(w: Writer, d: DossierData) -> list[Flowable]:
    """What changed since the state the last decision saw (review edition only)."""
    lang = d.lang
    story: list[Flowable] = [Anchor("changes", t("changes", lang), 0, ""), w.p(t("changes", lang), "h2")]
    if not d.reviews:
        return [*story, w.p(t("changes_first", lang))]
    diff = d.changes
    if diff is None:
        return [*story, w.p(t("changes_unknown", lang))]
    if diff.empty:
        return [*story, w.p(t("changes_none", lang))]
    if diff.exhibits_added:
        story.append(w.p(kv(t("added", lang), ", ".join(diff.exhibits_added), lang)))
    if diff.exhibits_removed:
        story.append(w.p(kv(t("removed", lang), ", ".join(diff.exhibits_removed), lang)))
    for c in [*diff.case_changed, *diff.exhibits_changed]:
        story.append(w.p(f"• {c.field}: {_short(c.old)} → {_short(c.new)}", "body"))
    return story


def _short(value: Any, n: int = 60) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


def summary(w: Writer, d: DossierData) -> list[Flowable]:
    lang = d.lang
    story: list[Flowable] = [Anchor("summary", t("summary", lang), 0, ""), w.p(t("summary", lang), "h1")]
    if d.draft is not None:
        box = w.table([[w.p(d.draft.reason, "big")]], [FRAME_W], [
            ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#1a4fa0")),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f2f6fc")),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ])
        story += [w.p(f"{t('reason', lang)} · {d.draft.chars} {t('chars', lang)}", "h2"), box, w.space(3)]
        size = len(d.draft.message.encode("utf-8"))
        story += [w.p(f"{t('message', lang)} · {size} {t('bytes', lang)}", "h2"), w.p(d.draft.message)]
    return story


def timeline(w: Writer, d: DossierData) -> list[Flowable]:
    lang = d.lang
    rows: list[list[Any]] = [[w.p(t("time", lang), "cell"), w.p(t("event", lang), "cell"), w.p(t("exhibit", lang), "cell")]]
    for ev in d.timeline:
        if d.submission and ev.internal:
            continue
        link = anchor(ev.exhibit) if ev.exhibit else None
        rows.append([w.p(ev.time.strftime("%Y-%m-%d %H:%M"), "cell"), w.p(ev.text(lang), "cell"),
                     w.p(ev.exhibit or "", "cell", link=link)])
    return [
        Anchor("timeline", t("timeline", lang), 0, ""), w.p(t("timeline", lang), "h1"),
        w.table(rows, [30 * mm, FRAME_W - 48 * mm, 18 * mm], [
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ], repeat=1),
    ]


def findings(w: Writer, d: DossierData) -> list[Flowable]:
    lang = d.lang
    story: list[Flowable] = [Anchor("findings", t("findings", lang), 0, ""), w.p(t("findings", lang), "h1")]
    if not d.report.findings:
        story.append(w.p(t("no_findings", lang)))
    for severity in (Severity.BLOCKING, Severity.WARNING, Severity.INFO):
        group = [f for f in d.report.findings if f.severity == severity]
        if not group:
            continue
        story.append(w.p(f"{t(severity.value, lang)} ({len(group)})", "h2",
                         textColor=colors.HexColor(SEVERITY_COLOURS[severity.value])))
        for f in group:
            refs = " ".join(f.exhibits)
            rule = f" [{f.rule}]" if lang != "zh" else ""  # ids only where the words are English
            story.append(w.p(f"• {f.message(lang)}{rule} {refs}".rstrip(), "body"))
    return story


def evidence_index(w: Writer, d: DossierData) -> list[Flowable]:
    lang = d.lang
    head = [t("exhibit", lang), t("kind", lang), t("description", lang), t("size", lang), "SHA-256"]
    rows: list[list[Any]] = [[w.p(h, "cell") for h in head]]
    for item in d.case.evidence.items:
        desc = " · ".join(x for x in (item.caption, item.name) if x)
        if item.id not in d.attached and not d.submission and d.attach_originals:
            desc += " " + t("not_attached", lang)
        rows.append([
            w.p(item.id, "cell", link=anchor(item.id)), w.p(label(item.kind, lang), "cell"),
            w.p(desc, "cell"), w.p(human_size(item.size), "cell"),
            w.p(f"{item.sha256[:32]} {item.sha256[32:]}", "small"),
        ])
    kind_w = 18 * mm if lang == "zh" else 23 * mm  # "Screenshot" whole on one line
    widths = [14 * mm, kind_w, FRAME_W - 98 * mm - kind_w, 18 * mm, 66 * mm]
    return [
        Anchor("index", t("index", lang), 0, ""), w.p(t("index", lang), "h1"),
        w.table(rows, widths, [
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ], repeat=1),
        w.space(2), w.p(t("originals_note" if d.attached else "hashes_note", lang), "small"),
    ]


def signoff(w: Writer, d: DossierData) -> list[Flowable]:
    lang = d.lang
    story: list[Flowable] = [Anchor("signoff", t("signoff", lang), 0, ""), w.p(t("signoff", lang), "h1")]
    if not d.reviews:
        return [*story, w.p(t("no_review", lang))]
    if d.sign_off is not None and d.sign_off.decision == "approve" and not d.sign_off.fresh:
        story.append(w.p(t("stale", lang), "body", textColor=colors.HexColor("#b00020")))
    for r in d.reviews:
        story.append(KeepTogether(kv_table(w, [
            (t("reviewer", lang), r.reviewer), (t("time", lang), r.at),
            (t("decision", lang), t(f"decision_{r.action}", lang)), (t("comment", lang), r.comment),
            (t("reviewed_hash", lang), r.state_hash),
        ])))
        story.append(w.space(2))
    return story


def front_matter(w: Writer, d: DossierData) -> list[Flowable]:
    if d.submission:
        return [
            *submission_cover(w, d), PageBreak(), *submitted_reason(w, d), w.space(4),
            *established_facts(w, d), w.space(2), *timeline(w, d), PageBreak(),
            *evidence_index(w, d), PageBreak(),
        ]
    return [
        *cover(w, d), PageBreak(), *summary(w, d), w.space(4), *findings(w, d), PageBreak(),
        *timeline(w, d), PageBreak(), *evidence_index(w, d), w.space(4), *signoff(w, d),
        w.space(2), *changes(w, d), PageBreak(),
    ]
