"""Commands that produce output: draft, build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from disputekit.assemble.build import build_dossier
from disputekit.cli.options import (
    case_arg,
    json_opt,
    now_opt,
    output_lang_opt,
    profile_opt,
    resolve_actor,
)
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.clock import now as clock_now
from disputekit.draft.reason import draft_reason
from disputekit.errors import ExitCode
from disputekit.i18n import current_lang, pick
from disputekit.models.build import BuildOptions
from disputekit.models.case import GROUND_IDS
from disputekit.profiles.load import load_profile
from disputekit.validate.check import check_case, context_for, open_case_lenient
from disputekit.validate.rules.finding import Severity


@click.command("draft")
@case_arg
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None,
              help="Draft for this ground instead of the case's.")
@output_lang_opt("Language of the reason (default: the case's language).")
@click.option("--draft", "is_draft", is_flag=True,
              help="Print the reason even while findings block it, labelled 草稿/DRAFT — not to paste.")
@profile_opt
@now_opt
@json_opt
@handle_errors
def draft_cmd(case_dir: Path, ground: str | None, lang: str | None, is_draft: bool,
              profile_path: Path | None, now: str | None, as_json: bool) -> None:
    """Print the refusal reason, ready to paste (within the platform's length limit).

    The reason states only facts the evidence establishes. While `check` blocks the ground
    (exit 3), the findings are listed instead; --draft prints the reason labelled 草稿/DRAFT.

    Example:

    \b
        disputekit draft CASE --ground goods_signed
        disputekit draft CASE --ground custom_made --draft
    """
    case, problems = open_case_lenient(case_dir)
    moment = clock_now(now)
    report = check_case(case, now=moment, ground=ground, profile_path=profile_path,
                        unreadable_times=problems)
    blocking = [f for f in report.findings if f.severity == Severity.BLOCKING]
    if blocking and not is_draft:
        if as_json:
            emit_json({"ground": report.ground, "ready": False, "draft": False,
                       "findings": [f.to_json(current_lang()) for f in blocking]})
        else:
            click.echo(pick("还有阻断问题，不生成可粘贴的拒绝理由（用 --draft 查看草稿）：",
                            "Blocking findings remain, so no reason to paste (see a draft with --draft):"),
                       err=True)
            for f in blocking:
                click.echo(f"  - {f.message()}  ({f.rule})", err=True)
        sys.exit(int(ExitCode.BLOCKING))
    profile = load_profile(case.facts.platform, profile_path)
    ctx = context_for(case, profile, moment, ground)
    draft = draft_reason(ctx, lang or case.facts.lang)
    labelled = bool(blocking)
    if as_json:
        emit_json({**draft.to_json(), "draft": labelled, "ready": not labelled})
        return
    if labelled:
        click.echo(pick("【草稿，不可提交】", "[DRAFT — not for submission]"))
    click.echo(draft.reason)
    variant_zh = {"full": "完整版", "short": "精简版", "custom": "自定义"}[draft.variant]
    click.echo(pick(f"（{draft.chars} 字，上限 {profile.limits.reason_max_chars.value}；{variant_zh}）",
                    f"({draft.chars} characters, limit {profile.limits.reason_max_chars.value}; {draft.variant})"),
               err=True)


@click.command("build")
@case_arg
@click.option("--lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the dossier, the submission and the upload bundle together "
                   "(default: the case's language).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: CASE/out).")
@click.option("--draft", "is_draft", is_flag=True,
              help="Build even with blocking findings; every page and file says DRAFT and the "
                   "bundle goes to out/draft/, never out/upload/.")
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None, help="Use this ground.")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, help="Processes for image preparation.")
@click.option("--by", "actor", default=None, help="Preparer shown on the cover.")
@profile_opt
@now_opt
@json_opt
@handle_errors
def build_cmd(case_dir: Path, lang: str | None, out_dir: Path | None, is_draft: bool, ground: str | None,
              jobs: int, actor: str | None, profile_path: Path | None, now: str | None, as_json: bool) -> None:
    """Build out/dossier.pdf (review edition), out/submission.pdf (for the platform) and the
    upload bundle out/upload/ (out/draft/ with --draft).

    Refuses (exit 3) while blocking findings remain, unless --draft.

    Example:

    \b
        disputekit build CASE
        disputekit build CASE --lang en --out /tmp/x --json
    """
    options = BuildOptions(now=clock_now(now), lang=lang, out_dir=out_dir, draft=is_draft, ground=ground,
                           jobs=jobs, preparer=resolve_actor(actor) if actor else None,
                           profile_path=profile_path)
    def progress(zh: str, en: str) -> None:
        if not as_json:
            click.echo(pick(zh, en), err=True)

    result = build_dossier(case_dir, options, progress)
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(pick(f"证据包（内部复核版）：{result.dossier}（{result.pages} 页，编号 {result.dossier_id}）",
                    f"Dossier (review edition): {result.dossier} ({result.pages} pages, id {result.dossier_id})"))
    for exhibit, counts in result.excerpts.items():
        total, shown = f"{counts['messages']:,}", f"{counts['shown']:,}"
        click.echo(pick(f"{exhibit} 聊天较长（{total} 条），卷宗只摘录其中 {shown} 条并列出省略索引；"
                        f"完整记录在内部复核版的附件 {exhibit}.masked.txt。",
                        f"{exhibit} is a long chat ({total} messages): the dossier shows {shown} of them "
                        f"with an index of the rest; the whole transcript is attached to the review "
                        f"edition as {exhibit}.masked.txt."))
    if result.submission:
        click.echo(pick(f"提交平台版：{result.submission}", f"Submission edition: {result.submission}"))
    if result.upload:
        click.echo(pick(f"上传包：{result.upload}", f"Upload bundle: {result.upload}") if not is_draft else
                   pick(f"草稿上传包（不可上传）：{result.upload}", f"Draft bundle (not for upload): {result.upload}"))
    click.echo(f"sha256 {result.sha256}")


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    draft_cmd, build_cmd,
)}
