"""Draft stage: the refusal reason and the refund message, from templates, within limits.

A reason states only established facts (validate/facts.py): each template sentence declares the
facts it states and is left out when one is missing (draft/sentences.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from disputekit.draft.checks import TextProblem, char_count, check_text
from disputekit.draft.facts import fact_values, template_facts
from disputekit.draft.sentences import Rendered, join, parse, render_sentences, template_text
from disputekit.errors import UsageError
from disputekit.validate.rules.context import RuleContext


class ReasonError(UsageError):
    """The reason cannot be drafted within the limits, or fails a check."""


@dataclass(frozen=True)
class Draft:
    ground: str
    lang: str
    reason: str
    variant: str  # "full", "short" or "custom"
    message: str
    problems: list[TextProblem]
    sentences: list[Rendered] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # facts whose sentences were dropped

    @property
    def chars(self) -> int:
        return char_count(self.reason)

    def to_json(self) -> dict[str, object]:
        return {
            "ground": self.ground, "lang": self.lang, "reason": self.reason,
            "variant": self.variant, "chars": self.chars, "message": self.message,
            "message_bytes": len(self.message.encode("utf-8")),
            "problems": [p.__dict__ for p in self.problems],
            "sentences": [{"facts": list(s.facts), "text": s.text} for s in self.sentences],
            "left_out": self.left_out,
        }


def render(ground_template: str, variant: str, lang: str, ctx: RuleContext) -> tuple[list[Rendered], list[str]]:
    """The sentences of one template that the established facts allow, and the facts missing."""
    name = f"{ground_template}.{variant + '.' if variant != 'full' else ''}{lang}.j2"
    source = template_text(name)
    if source is None:
        raise ReasonError(f"缺少模板 {name}。", f"Template {name} is missing.")
    sentences = parse(source, name)
    facts = template_facts(ctx)
    rendered = render_sentences(sentences, facts, fact_values(facts, ctx, lang))
    wanted = dict.fromkeys(f for s in sentences for f in s.facts)
    return rendered, [f for f in wanted if f not in facts]


def _limit_error(text: str, problems: list[TextProblem]) -> ReasonError:
    zh = ";".join(p.zh for p in problems)
    en = "; ".join(p.en for p in problems)
    return ReasonError(
        f"拒绝理由不符合要求：{zh}\n理由：{text}", f"The refusal reason fails its checks: {en}\nReason: {text}",
        fix_zh="请在 case.toml 的 reason 中改写，或缩短模板。",
        fix_en="Rewrite it in case.toml `reason`, or shorten the template.",
    )


def custom_reason_problems(ctx: RuleContext) -> list[TextProblem]:
    """Problems of the agent's own reason (case.toml ``reason``), as ``build`` would find them."""
    return check_text(ctx.case.reason.strip(), ctx.profile) if ctx.case.reason else []


def draft_reason(ctx: RuleContext, lang: str) -> Draft:
    """Full template if it fits, else the short one, else an error showing the count."""
    ground = ctx.ground
    if ground is None:
        raise ReasonError(
            "还没有选择拒绝理由。", "No refusal ground chosen.",
            fix_zh="用 --ground 指定，或在 case.toml 中设置 ground。",
            fix_en="Pass --ground or set `ground` in case.toml.",
        )
    limit = ctx.profile.limits.message_max_bytes.value
    msg_parts, _ = render(ground.template, "message", lang, ctx)
    message = join(msg_parts, lang)
    msg_problems = check_text(message, ctx.profile, limit_bytes=limit)
    gid = ctx.ground_id or ""
    if ctx.case.reason:
        text = ctx.case.reason.strip()
        problems = custom_reason_problems(ctx)
        if problems:
            raise _limit_error(text, problems)
        return Draft(gid, lang, text, "custom", message, msg_problems)
    last: tuple[str, list[TextProblem]] = ("", [])
    for variant in ("full", "short"):
        parts, left_out = render(ground.template, variant, lang, ctx)
        text = join(parts, lang)
        problems = check_text(text, ctx.profile)
        if not problems:
            return Draft(gid, lang, text, variant, message, msg_problems, parts, left_out)
        last = (text, problems)
    raise _limit_error(*last)
