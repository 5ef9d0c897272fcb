"""Commands on the case folder: init, add, list, mark, inspect."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from disputekit.case import init_case, open_case
from disputekit.cli.options import (
    as_opt,
    by_opt,
    case_arg,
    case_first_arg,
    json_opt,
    now_opt,
    output_lang_opt,
    resolve_actor,
    tag_opt,
)
from disputekit.cli.runtime import emit_json, handle_errors
from disputekit.clock import now as clock_now
from disputekit.errors import UsageError
from disputekit.i18n import pick
from disputekit.kinds import label as kind_label
from disputekit.models.case import GROUND_IDS, CaseFile, OrderStatus, RefundState, RefundType
from disputekit.models.evidence import TAGS, EvidenceItem
from disputekit.profiles.load import shipped_platforms
from disputekit.text.evidence import clock, evidence_rows
from disputekit.text.printable import printable

# The collect machinery (adding, editing, reading files) is imported inside the commands that
# use it, so `list` loads none of it (benchmarks/bench_startup.py).


TIME_OPTIONS = ("requested_at", "ordered_at", "paid_at", "shipped_at", "signed_at",
                "state_since", "deadline")


def _typed(data: dict[str, object], reference: datetime) -> dict[str, object]:
    """Amount and times as agents type them (values.py); a time without a year takes the year
    of --requested-at (else of now), and says so on stderr."""
    from disputekit.values import ValueProblem, parse_amount, parse_typed_time

    out = dict(data)
    try:
        out["amount"] = parse_amount(out["amount"], "--amount")
        anchor = parse_typed_time(str(out["requested_at"]), "--requested-at",
                                  year=reference.year).at
        for key in TIME_OPTIONS:
            if key in out:
                option = "--" + key.replace("_", "-")
                typed = parse_typed_time(str(out[key]), option, year=anchor.year)
                if typed.year_assumed:
                    click.echo(pick(f"注意：{option} 没有年份，按 {typed.year_assumed} 年计。",
                                    f"Note: {option} has no year; taken as {typed.year_assumed}."),
                               err=True)
                out[key] = typed.at
    except ValueProblem as exc:
        raise UsageError(exc.zh, exc.en) from None
    return out


def _shipments(data: dict[str, object]) -> dict[str, object]:
    out = dict(data)
    for table, keys in (("shipment", ("waybill", "courier")),
                        ("return_shipment", ("return_waybill", "return_courier"))):
        found = {key.removeprefix("return_"): out.pop(key) for key in keys if key in out}
        if found:
            out[table] = found
    return out


@click.command("init")
@case_first_arg
@click.option("--platform", type=click.Choice(shipped_platforms()), default="taobao", help="Platform (one per shipped profile).")
@click.option("--order-id", required=True, help="Order number (订单号).")
@click.option("--refund-id", required=True, help="Refund number (退款编号).")
@click.option("--buyer", required=True, help="Buyer's nickname (买家昵称), as in the chat.")
@click.option("--seller", required=True, help="Shop/seller nickname; sub-accounts 店铺：客服 match it.")
@click.option("--amount", required=True, help="Refund amount in CNY, e.g. 128.50, ¥12, 12元, 1,280.00.")
@click.option("--refund-type", type=click.Choice([t.value for t in RefundType]), default="refund_only", help="仅退款 refund_only or 退货退款 return_and_refund.")
@click.option("--refund-phase", type=click.Choice(["onsale", "aftersale"]), default=None, help="售中 onsale or 售后 aftersale (required for Tmall).")
@click.option("--state", type=click.Choice([s.value for s in RefundState]), default="waiting_seller_agree", help="Current refund state.")
@click.option("--order-status", type=click.Choice([s.value for s in OrderStatus]), default=None, help="Trade status behind the refund.")
@click.option("--requested-at", required=True, help="When the buyer applied (2025-04-20 10:02, 2025年4月20日 10:02…; China time).")
@click.option("--ordered-at", default=None, help="When the order was placed.")
@click.option("--paid-at", default=None, help="When the buyer paid.")
@click.option("--shipped-at", default=None, help="When the seller shipped.")
@click.option("--signed-at", default=None, help="When the parcel was signed for.")
@click.option("--state-since", default=None, help="When the refund entered its current state.")
@click.option("--deadline", default=None, help="The platform's countdown deadline (千牛), always wins.")
@click.option("--waybill", default=None, help="Waybill number of the seller's shipment.")
@click.option("--courier", default=None, help="Courier of the shipment (code or name, e.g. zhongtong/中通).")
@click.option("--return-waybill", default=None, help="Waybill number of the buyer's return.")
@click.option("--return-courier", default=None, help="Courier of the buyer's return (code or name).")
@click.option("--ground", type=click.Choice(list(GROUND_IDS)), default=None, help="Chosen refusal ground.")
@click.option("--buyer-claim", default=None, help="What the buyer claims, in a few words (shown on the cover).")
@click.option("--item", "item_title", default=None, help="Item title.")
@output_lang_opt("Language of the dossier (zh or en; default zh).")
@by_opt("The agent preparing the case.")
@now_opt
@json_opt
@handle_errors
def init_cmd(case_dir: Path, actor: str | None, now: str | None, as_json: bool,
             **values: object) -> None:
    """Start a case folder (writes CASE/case.toml, the same file you may write by hand).

    Example:

    \b
        disputekit init CASE --order-id 3712345678901234567 --refund-id 20250420001 \\
            --buyer tb_buyer --seller 悦家旗舰店 --amount 128.50 --requested-at "2025-04-20 10:02"
    """
    at = clock_now(now)
    data: dict[str, object] = {k: v for k, v in values.items() if v is not None}
    data["lang"] = data.pop("lang", None) or "zh"
    data = _shipments(_typed(data, at))
    data["agent"] = resolve_actor(actor)
    facts = CaseFile.model_validate(data)
    case = init_case(case_dir, facts, at=at, actor=resolve_actor(actor))
    if as_json:
        emit_json({"case": case.case_id, "path": str(case_dir),
                   "facts": facts.model_dump(mode="json", exclude_none=True)})
        return
    click.echo(pick(f"已建立案件 {case.case_id}：{case_dir}", f"Created case {case.case_id} in {case_dir}"))


@click.command("add")
@case_first_arg
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--caption", default=None, help="Caption shown with the exhibit (e.g. 出库前拍照).")
@as_opt
@tag_opt
@click.option("--courier", default=None, help="Courier of a tracking record that does not name it.")
@click.option("--waybill", default=None,
              help="Waybill of a tracking record that does not give it (recorded as typed).")
@by_opt()
@now_opt
@json_opt
@handle_errors
def add_cmd(case_dir: Path, files: tuple[Path, ...], caption: str | None, as_kind: str | None,
            tag: str | None, courier: str | None, waybill: str | None, actor: str | None,
            now: str | None, as_json: bool) -> None:
    """Add evidence files to a case. Originals are kept byte-for-byte and hashed.

    Every file is checked first; if one is refused, nothing is added.

    Example:

    \b
        disputekit add CASE chat.txt tracking.json IMG_0231.HEIC --caption "出库前拍照"
    """
    from disputekit.collect.edits import type_after_add, typed_fields
    from disputekit.collect.evidence_ops import add_files

    at, who = clock_now(now), resolve_actor(actor)
    if waybill is not None:
        typed_fields(courier, waybill)  # refuse an empty waybill before anything is added
    outcomes = add_files(
        case_dir, list(files), at=at, actor=who, caption=caption, as_kind=as_kind, tag=tag,
        courier=courier,
    )
    type_after_add(case_dir, [o.exhibit for o in outcomes if o.status == "added"],
                   courier=courier, waybill=waybill, at=at, actor=who)
    if as_json:
        emit_json([{"file": str(o.source), "id": o.exhibit, "kind": o.kind, "status": o.status}
                   for o in outcomes])
        return
    for o in outcomes:
        shown = printable(str(o.source))
        if o.status == "added":
            click.echo(pick(f"{o.exhibit}  已添加{kind_label(o.kind, 'zh')}：{shown}",
                            f"{o.exhibit}  added {o.kind}: {shown}"))
        else:
            click.echo(pick(f"{o.exhibit}  相同内容已存在，未重复添加：{shown}",
                            f"{o.exhibit}  already in the case (same bytes), nothing added: {shown}"))


@click.command("list")
@case_arg
@json_opt
@handle_errors
def list_cmd(case_dir: Path, as_json: bool) -> None:
    """List a case's evidence: exhibit id, kind, name, size, sha256, key facts (withdrawn
    exhibits are listed, marked as withdrawn).

    Example:

    \b
        disputekit list CASE --json
    """
    case = open_case(case_dir)
    if as_json:
        emit_json([item.model_dump(mode="json") for item in case.record.items])
        return
    if not case.record.items:
        click.echo(pick("本案还没有证据。用 disputekit add 添加。",
                        "No evidence yet. Add some with `disputekit add`."))
    for row in evidence_rows(case.record.items):
        click.echo(row)


@click.command("mark")
@case_first_arg
@click.argument("exhibit")
@click.option("--message", "messages", type=int, multiple=True,
              help="Chat message number to highlight (repeatable).")
@click.option("--at", "moments", multiple=True, metavar="TIME",
              help="Video time whose frame is shown large, e.g. 00:41 or 1:02:03 (repeatable).")
@click.option("--unmark", is_flag=True, help="Remove the marks instead.")
@by_opt()
@now_opt
@json_opt
@handle_errors
def mark_cmd(case_dir: Path, exhibit: str, messages: tuple[int, ...], moments: tuple[str, ...],
             unmark: bool, actor: str | None, now: str | None, as_json: bool) -> None:
    """Mark key chat messages (--message) or video moments (--at); the dossier highlights
    the messages and shows the video frames large.

    Example:

    \b
        disputekit mark CASE E2 --message 14 --message 15
        disputekit mark CASE E7 --at 00:41
    """
    if bool(messages) == bool(moments):
        raise UsageError(
            "请给出 --message（聊天消息序号）或 --at（视频时间），二者选一。",
            "Give either --message (chat message numbers) or --at (video times).",
            fix_zh="例如：disputekit mark CASE E2 --message 14，或 disputekit mark CASE E7 --at 00:41",
            fix_en="e.g. disputekit mark CASE E2 --message 14, or disputekit mark CASE E7 --at 00:41",
        )
    from disputekit.collect.edits import mark_frames
    from disputekit.collect.evidence_ops import mark_messages

    at, actor_name = clock_now(now), resolve_actor(actor)
    if moments:
        item = mark_frames(case_dir, exhibit, [video_time(m) for m in moments], at=at,
                           actor=actor_name, unmark=unmark)
    else:
        item = mark_messages(case_dir, exhibit, list(messages), at=at, actor=actor_name,
                             unmark=unmark)
    if as_json:
        emit_json(item.model_dump(mode="json"))
    elif moments:
        shown = ", ".join(clock(t) for t in item.frames)
        click.echo(pick(f"{item.id} 标记画面：{shown}", f"{item.id} marked frames: {shown}"))
    else:
        click.echo(pick(f"{item.id} 重点消息：{item.marks}", f"{item.id} key messages: {item.marks}"))


def video_time(text: str) -> float:
    from disputekit.collect.video_frames import FrameTimeError, parse_timestamp

    try:
        return parse_timestamp(text)
    except FrameTimeError as exc:
        raise UsageError(exc.zh + "。", exc.en + ".") from None


def _echo_item(item: EvidenceItem, as_json: bool, zh: str, en: str) -> None:
    if as_json:
        emit_json(item.model_dump(mode="json"))
        return
    click.echo(pick(zh, en))
    for row in evidence_rows([item]):
        click.echo(row)


@click.command("withdraw")
@case_first_arg
@click.argument("exhibit")
@click.option("--reason", required=True, help="Why the exhibit is withdrawn (kept in the audit log).")
@by_opt()
@now_opt
@json_opt
@handle_errors
def withdraw_cmd(case_dir: Path, exhibit: str, reason: str, actor: str | None, now: str | None,
                 as_json: bool) -> None:
    """Withdraw a wrong exhibit: it leaves every check, dossier and upload bundle.

    Nothing is deleted: the original, its entry in `list` and its history stay, and its
    id is never reused.

    Example:

    \b
        disputekit withdraw CASE E4 --reason "其他订单的出库照片"
    """
    from disputekit.collect.edits import withdraw_exhibit

    item = withdraw_exhibit(case_dir, exhibit, reason, at=clock_now(now), actor=resolve_actor(actor))
    _echo_item(item, as_json, f"{item.id} 已撤回。", f"{item.id} withdrawn.")


@click.command("tag")
@case_first_arg
@click.argument("exhibit")
@click.option("--tag", type=click.Choice(list(TAGS)), default=None,
              help="The new tag: what the evidence shows (e.g. returned_item).")
@click.option("--caption", default=None, help='The new caption ("" removes it).')
@by_opt()
@now_opt
@json_opt
@handle_errors
def tag_cmd(case_dir: Path, exhibit: str, tag: str | None, caption: str | None,
            actor: str | None, now: str | None, as_json: bool) -> None:
    """Change an exhibit's tag or caption (recorded in the audit log).

    Example:

    \b
        disputekit tag CASE E4 --tag returned_item --caption "退货开箱照片"
    """
    from disputekit.collect.edits import tag_exhibit

    item = tag_exhibit(case_dir, exhibit, tag=tag, caption=caption, at=clock_now(now),
                       actor=resolve_actor(actor))
    _echo_item(item, as_json, f"{item.id} 已更新。", f"{item.id} updated.")


@click.command("facts")
@case_first_arg
@click.argument("exhibit")
@click.option("--courier", default=None, help="Courier of a tracking record (code or name, e.g. 中通).")
@click.option("--waybill", default=None, help="Waybill number of a tracking record.")
@by_opt()
@now_opt
@json_opt
@handle_errors
def facts_cmd(case_dir: Path, exhibit: str, courier: str | None, waybill: str | None,
              actor: str | None, now: str | None, as_json: bool) -> None:
    """Type facts a tracking record lacks (courier, waybill); shown as typed by the agent.

    A waybill equal to the case's [shipment] or [return_shipment] waybill tags an untagged
    record as that shipment.

    Example:

    \b
        disputekit facts CASE E3 --courier 中通 --waybill 73512345678901
    """
    from disputekit.collect.edits import type_facts

    item = type_facts(case_dir, exhibit, courier=courier, waybill=waybill, at=clock_now(now),
                      actor=resolve_actor(actor))
    _echo_item(item, as_json, f"{item.id} 已录入。", f"{item.id} updated.")


@click.command("inspect")
@click.argument("file", type=click.Path(path_type=Path))
@as_opt
@click.option("--buyer", default=None, help="Buyer nickname, to assign chat roles.")
@click.option("--seller", default=None, help="Seller nickname, to assign chat roles.")
@click.option("--courier", default=None, help="Courier, for a tracking record that does not name it.")
@json_opt
@handle_errors
def inspect_cmd(file: Path, as_kind: str | None, buyer: str | None, seller: str | None,
                courier: str | None, as_json: bool) -> None:
    """Show what disputekit reads from one file, without a case.

    Example:

    \b
        disputekit inspect chat.txt --json
    """
    from disputekit.collect.inspect import inspect_file

    facts = inspect_file(file, as_kind=as_kind, buyer=buyer, seller=seller, courier=courier)
    data = facts.model_dump(mode="json")
    if as_json:
        emit_json(data)
        return
    from disputekit.text.evidence import facts_lines

    for line in facts_lines(data, full=True):
        click.echo(line)


COMMANDS: dict[str, click.Command] = {command.name or "": command for command in (
    init_cmd, add_cmd, list_cmd, mark_cmd, inspect_cmd, withdraw_cmd, tag_cmd, facts_cmd,
)}
