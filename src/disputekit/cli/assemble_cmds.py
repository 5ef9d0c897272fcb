"""Commands that produce output: draft, build."""

from __future__ import annotations

from pathlib import Path

import click

from disputekit.assemble.build import build_dossier
from disputekit.case import open_case
from disputekit.cli.options import case_arg, json_opt, now_opt, resolve_actor
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.clock import now as clock_now
from disputekit.draft.reason import draft_reason
from disputekit.i18n import pick
from disputekit.models.build import BuildOptions
from disputekit.models.case import GROUND_IDS
from disputekit.profiles.load import load_profile
from disputekit.validate.check import context_for


@click.command("draft")
@case_arg
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None,
              help="Draft for this ground instead of the case's.")
@click.option("--case-lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the reason (default: the case's language).")
@now_opt
@json_opt
@handle_errors
def draft_cmd(case_dir: Path, ground: str | None, lang: str | None, now: str | None, as_json: bool) -> None:
    """Print the refusal reason, ready to paste (within the platform's length limit).

    Example:

    \b
        disputekit draft CASE --ground goods_signed
    """
    case = open_case(case_dir)
    profile = load_profile(case.facts.platform)
    ctx = context_for(case, profile, clock_now(now), ground)
    draft = draft_reason(ctx, lang or case.facts.lang)
    if as_json:
        emit_json(draft.to_json())
        return
    click.echo(draft.reason)
    variant_zh = {"full": "完整版", "short": "精简版", "custom": "自定义"}[draft.variant]
    click.echo(pick(f"（{draft.chars} 字，上限 {profile.limits.reason_max_chars.value}；{variant_zh}）",
                    f"({draft.chars} characters, limit {profile.limits.reason_max_chars.value}; {draft.variant})"),
               err=True)


@click.command("build")
@case_arg
@click.option("--lang", "lang", type=click.Choice(["zh", "en"]), default=None,
              help="Language of the dossier (default: the case's language).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: CASE/out).")
@click.option("--draft", "is_draft", is_flag=True,
              help="Build even with blocking findings; every page says DRAFT — not for upload.")
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None, help="Use this ground.")
@click.option("--jobs", type=click.IntRange(1, 16), default=2, help="Processes for image preparation.")
@click.option("--by", "actor", default=None, help="Preparer shown on the cover.")
@now_opt
@json_opt
@handle_errors
def build_cmd(case_dir: Path, lang: str | None, out_dir: Path | None, is_draft: bool, ground: str | None,
              jobs: int, actor: str | None, now: str | None, as_json: bool) -> None:
    """Build out/dossier.pdf and the upload bundle out/upload/.

    Refuses (exit 3) while blocking findings remain, unless --draft.

    Example:

    \b
        disputekit build CASE
        disputekit build CASE --lang en --out /tmp/x --json
    """
    options = BuildOptions(now=clock_now(now), lang=lang, out_dir=out_dir, draft=is_draft, ground=ground,
                           jobs=jobs, preparer=resolve_actor(actor) if actor else None)
    def progress(zh: str, en: str) -> None:
        if not as_json:
            click.echo(pick(zh, en), err=True)

    result = build_dossier(case_dir, options, progress)
    if as_json:
        emit_json(result.to_json())
        return
    click.echo(pick(f"证据包：{result.dossier}（{result.pages} 页，编号 {result.dossier_id}）",
                    f"Dossier: {result.dossier} ({result.pages} pages, id {result.dossier_id})"))
    if result.upload:
        click.echo(pick(f"上传包：{result.upload}", f"Upload bundle: {result.upload}"))
    click.echo(f"sha256 {result.sha256}")


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    draft_cmd, build_cmd,
)}
