"""Screenshot rules: was the text read, and can what was read be relied on (issue 10).

A screenshot read as a tracking page or a chat window counts as that evidence for every other
rule (``Exhibit.as_tracking``/``as_chat``); these rules only say what reading it could not do.
"""

from __future__ import annotations

from disputekit.collect.screenshot import settings
from disputekit.models.facts import PhotoFacts
from disputekit.validate.rules.context import Exhibit, RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, INFO = Severity.WARNING, Severity.INFO
SOURCE = "data/ocr.toml (disputekit heuristic); S1 Art. 9: evidence must be legible and accurate"


def _screens(ctx: RuleContext) -> list[tuple[Exhibit, PhotoFacts]]:
    return [(e, e.facts) for e in ctx.exhibits
            if isinstance(e.facts, PhotoFacts) and e.facts.kind == "screenshot"]


@rule("screenshot.read", W, zh="截图文字已识别", en="Screenshot text was read", source=SOURCE)
def text_read(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in _screens(ctx):
        if f.text_status == "failed":
            out.append(make(W,
                f"{e.id} 的文字没有识别成功，按普通图片处理：其中的物流或聊天内容不会计入检查。请重新添加清晰的原图，或附上导出的记录。",
                f"The text of {e.id} could not be read; it counts as a plain image, so its tracking or chat content is not checked. Add a sharp original again, or add the exported record.",
                [e.id]))
        elif f.text_status == "unreadable":
            out.append(make(W,
                f"{e.id} 太小或太模糊，无法识别文字，平台审核时也可能看不清。请提供清晰的原始截图。",
                f"{e.id} is too small or blurred to read; the arbiter may not read it either. Provide a sharp original screenshot.",
                [e.id]))
    return out


@rule("screenshot.one-waybill", W, zh="截图中只有一个运单号", en="One waybill on the tracking screenshot",
      source="issue 10: two waybills on one page are reported, none guessed")
def one_waybill(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in _screens(ctx):
        if f.tracking is not None and len(f.tracking.waybills) > 1:
            numbers = "、".join(f.tracking.waybills)
            out.append(make(W,
                f"{e.id} 上有多个运单号（{numbers}），无法判断是哪一个包裹，未采用任何一个。请截取只含本单物流的页面。",
                f"{e.id} shows several waybills ({', '.join(f.tracking.waybills)}); which parcel it shows cannot be told, so none was used. Capture the page of this order's parcel only.",
                [e.id]))
    return out


@rule("screenshot.confidence", W, zh="截图识别的关键内容可信", en="Values read from screenshots are reliable",
      source=SOURCE)
def confidence(ctx: RuleContext) -> list[Finding]:
    limit = settings().decisive_confidence
    out = []
    for e, f in _screens(ctx):
        reading = f.tracking or f.chat or f.refund
        if reading is None or f.text is None:
            continue
        weak = sorted((key, s) for key, s in reading.sources.items() if s.confidence < limit)
        if not weak:
            continue
        shown = "；".join(f"{key}（第 {s.line + 1} 行“{f.text.lines[s.line].text}”，{s.confidence:.2f}）"
                         for key, s in weak[:4] if s.line < len(f.text.lines))
        shown_en = "; ".join(f"{key} (line {s.line + 1} \u201c{f.text.lines[s.line].text}\u201d, {s.confidence:.2f})"
                             for key, s in weak[:4] if s.line < len(f.text.lines))
        out.append(make(W,
            f"{e.id} 中以下内容识别可信度低，不能单独作为拒绝依据：{shown}。请核对截图原图。",
            f"{e.id}: these values were read with low confidence and cannot decide a refusal on their own: {shown_en}. Check them against the screenshot.",
            [e.id]))
    return out


BASIS = {"taken_at": ("截图的拍摄时间", "the screenshot's own capture time"),
         "file_time": ("文件的修改时间", "the file's modification time"),
         "added_at": ("添加证据的时间", "the time it was added")}


@rule("screenshot.refund-page", W, zh="退款页截图与案件一致", en="Refund page screenshot matches the case",
      source="issue 10: countdown read as a deadline as of the capture time; case.toml deadline wins")
def refund_page(ctx: RuleContext) -> list[Finding]:
    out = []
    for e, f in _screens(ctx):
        r = f.refund
        if r is None:
            continue
        if r.refund_id and r.refund_id != ctx.case.refund_id:
            out.append(make(W,
                f"{e.id} 显示的退款编号 {r.refund_id} 与案件的退款编号 {ctx.case.refund_id} 不一致，请确认是否截错了页面。",
                f"{e.id} shows refund {r.refund_id}, not this case's {ctx.case.refund_id}; check it is the right page.",
                [e.id]))
        if r.deadline is None or r.captured_basis is None:
            continue
        basis_zh, basis_en = BASIS[r.captured_basis]
        when = f"{r.deadline.astimezone(ctx.case.requested_at.tzinfo):%Y-%m-%d %H:%M}"
        if ctx.case.deadline is None:
            out.append(make(W,
                f"{e.id} 的倒计时推算处理期限约为 {when}（按{basis_zh}计算，系从图片识别）。请核对千牛倒计时后写入 case.toml 的 deadline。",
                f"{e.id}'s countdown puts the deadline at about {when} (counted from {basis_en}; read from an image). Check the Qianniu countdown and put it in case.toml as deadline.",
                [e.id]))
        elif abs((ctx.case.deadline - r.deadline).total_seconds()) > settings().deadline_tolerance_minutes * 60:
            out.append(make(W,
                f"{e.id} 的倒计时推算的期限 {when}（按{basis_zh}计算）与 case.toml 的 deadline {ctx.case.deadline:%Y-%m-%d %H:%M} 不一致，请以千牛为准核对。",
                f"{e.id}'s countdown gives {when} (counted from {basis_en}) but case.toml says {ctx.case.deadline:%Y-%m-%d %H:%M}; check against Qianniu.",
                [e.id]))
    return out
