"""Draft stage: the refusal reason and the refund message, from templates, within limits."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import jinja2

from disputekit.draft.checks import TextProblem, char_count, check_text
from disputekit.draft.facts import template_facts
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

    @property
    def chars(self) -> int:
        return char_count(self.reason)

    def to_json(self) -> dict[str, object]:
        return {
            "ground": self.ground, "lang": self.lang, "reason": self.reason,
            "variant": self.variant, "chars": self.chars, "message": self.message,
            "message_bytes": len(self.message.encode("utf-8")),
            "problems": [p.__dict__ for p in self.problems],
        }


def _env() -> jinja2.Environment:
    root = resources.files("disputekit") / "templates" / "reasons"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)), undefined=jinja2.StrictUndefined,
        autoescape=False, keep_trailing_newline=False, trim_blocks=True,
    )


def render(ground_template: str, variant: str, lang: str, facts: dict[str, str]) -> str:
    name = f"{ground_template}.{variant + '.' if variant != 'full' else ''}{lang}.j2"
    try:
        text = _env().get_template(name).render(**facts)
    except jinja2.TemplateNotFound:
        raise ReasonError(f"缺少模板 {name}。", f"Template {name} is missing.") from None
    return " ".join(text.split())


def _limit_error(text: str, problems: list[TextProblem]) -> ReasonError:
    zh = ";".join(p.zh for p in problems)
    en = "; ".join(p.en for p in problems)
    return ReasonError(
        f"拒绝理由不符合要求：{zh}\n理由：{text}", f"The refusal reason fails its checks: {en}\nReason: {text}",
        fix_zh="请在 case.toml 的 reason 中改写，或缩短模板。",
        fix_en="Rewrite it in case.toml `reason`, or shorten the template.",
    )


def draft_reason(ctx: RuleContext, lang: str) -> Draft:
    """Full template if it fits, else the short one, else an error showing the count."""
    ground = ctx.ground
    if ground is None:
        raise ReasonError(
            "还没有选择拒绝理由。", "No refusal ground chosen.",
            fix_zh="用 --ground 指定，或在 case.toml 中设置 ground。",
            fix_en="Pass --ground or set `ground` in case.toml.",
        )
    facts = template_facts(ctx, lang)
    limit = ctx.profile.limits.message_max_bytes.value
    message = render(ground.template, "message", lang, facts)
    msg_problems = check_text(message, ctx.profile, limit_bytes=limit)
    if ctx.case.reason:
        text = ctx.case.reason.strip()
        problems = check_text(text, ctx.profile)
        if problems:
            raise _limit_error(text, problems)
        return Draft(ctx.ground_id or "", lang, text, "custom", message, msg_problems)
    last: tuple[str, list[TextProblem]] = ("", [])
    for variant in ("full", "short"):
        text = render(ground.template, variant, lang, facts)
        problems = check_text(text, ctx.profile)
        if not problems:
            return Draft(ctx.ground_id or "", lang, text, variant, message, msg_problems)
        last = (text, problems)
    raise _limit_error(*last)
