"""Commands of the lead: review, approve, return."""

from __future__ import annotations

import os
from pathlib import Path

import click

from disputekit.cli.options import case_arg, comment_opt, json_opt, now_opt
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.cli.validate_cmds import profile_opt
from disputekit.clock import now as clock_now
from disputekit.i18n import current_lang, pick

# The review machinery is imported inside the commands that use it.
ENV_PASSWORD = "DISPUTEKIT_SIGN_PASSWORD"  # = review.signature.ENV_PASSWORD (kept light here)

reviewer_opt = click.option("--by", "reviewer", required=True, metavar="NAME",
                            help="The reviewer (the lead) taking the decision.")


def message_opt(help_text: str):  # type: ignore[no-untyped-def]
    return comment_opt(help_text)


@click.command("review")
@case_arg
@profile_opt
@now_opt
@json_opt
@handle_errors
def review_cmd(case_dir: Path, profile_path: Path | None, now: str | None, as_json: bool) -> None:
    """The lead's view: facts, review state, what changed since the last decision, findings.

    Example:

    \b
        disputekit review CASE
        disputekit review CASE --json
    """
    from disputekit.case import open_case
    from disputekit.review.decisions import review_summary
    from disputekit.text.review import summary_lines

    summary = review_summary(open_case(case_dir), clock_now(now), profile_path=profile_path)
    if as_json:
        emit_json(summary.to_json(current_lang()))
        return
    for line in summary_lines(summary, current_lang()):
        click.echo(line)


@click.command("approve")
@case_arg
@reviewer_opt
@message_opt("Comment recorded with the approval （e.g. 证据充分，可以拒绝）.")
@click.option("--sign-key", "sign_key", type=click.Path(path_type=Path, dir_okay=False),
              metavar="P12", help="The lead's PKCS#12 file (.p12/.pfx): sign out/dossier.pdf "
                                  "with it as a PDF signature.")
@click.option("--sign-password-env", "password_env", default=ENV_PASSWORD, show_default=True,
              metavar="NAME", help="Environment variable holding the .p12 password (never "
                                   "given on the command line).")
@profile_opt
@now_opt
@json_opt
@handle_errors
def approve_cmd(case_dir: Path, reviewer: str, comment: str | None, sign_key: Path | None,
                password_env: str, profile_path: Path | None, now: str | None,
                as_json: bool) -> None:
    """Approve the case as it is now. Any later change makes the approval stale.

    Refused (exit 3) while blocking findings remain. When out/dossier.pdf is a final build of
    this state, the approval records its hash and page digests; with --sign-key the dossier
    is first signed with the lead's certificate (PKCS#12) as a PDF signature, timestamped
    when the shop has a TSA. A key that cannot be opened, a wrong password or an expired
    certificate: exit 5, nothing written.

    Example:

    \b
        disputekit approve CASE --by 王组长 -m "证据充分，可以拒绝"
        disputekit approve CASE --by 王组长 --sign-key lead.p12
    """
    from disputekit.review.decisions import approve
    from disputekit.review.signature import SignKey
    from disputekit.text.review import approved_lines

    sign = None
    if sign_key is not None:
        secret = os.environ.get(password_env)
        sign = SignKey(sign_key, secret.encode("utf-8") if secret else None, password_env)
    decision = approve(case_dir, reviewer, comment, clock_now(now), profile_path=profile_path,
                       sign=sign)
    if as_json:
        emit_json(decision.to_json())
        return
    for line in approved_lines(decision):
        click.echo(line)


@click.command("return")
@case_arg
@reviewer_opt
@message_opt("What is missing or must change (required).")
@now_opt
@json_opt
@handle_errors
def return_cmd(case_dir: Path, reviewer: str, comment: str | None, now: str | None,
               as_json: bool) -> None:
    """Return the case to the agent with what is missing.

    Example:

    \b
        disputekit return CASE --by 王组长 -m "缺少退回包裹的开箱视频截图"
    """
    from disputekit.review.decisions import return_case

    decision = return_case(case_dir, reviewer, comment, clock_now(now))
    if as_json:
        emit_json(decision.to_json())
        return
    click.echo(pick(f"已退回（复核人 {decision.reviewer}）：{decision.comment}",
                    f"Returned by {decision.reviewer}: {decision.comment}"))


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    review_cmd, approve_cmd, return_cmd,
)}
