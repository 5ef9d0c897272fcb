"""Ground rules: evidence exists, a ground is chosen and fits, gifts, Tmall requirements."""

from __future__ import annotations

from decimal import Decimal

from disputekit.models.evidence import EvidenceItem
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Severity
from rulekit import (
    Fires,
    Quiet,
    case,
    chat,
    ctx,
    item,
    items,
    return_case,
    return_ctx,
    return_evidence,
    run_rule,
    signed_evidence,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def without(*ids: str) -> list[EvidenceItem]:
    return [e for e in signed_evidence() if e.id not in ids]


def tmall(**changes: object) -> RuleContext:
    return ctx(case(platform="tmall", **changes), profile="tmall")


def gift_caption() -> RuleContext:
    """Missing parts where the unboxing photo's caption says what is missing is a gift."""
    evidence = return_evidence()
    evidence[2] = evidence[2].model_copy(update={"caption": "开箱:赠品杯垫不在"})
    return return_ctx(return_case(ground="missing_parts"), evidence)


FIRES = [
    Fires("evidence.none", "empty", lambda: ctx(evidence=[]), B,
          "本案还没有任何证据", "The case has no evidence yet"),
    Fires("grounds.chosen", "none", lambda: ctx(case(ground=None)), B,
          "还没有选择拒绝理由", "No refusal ground chosen. Run `disputekit grounds CASE`"),
    Fires("grounds.evidence-present", "no-tracking", lambda: ctx(evidence=without("E2")), B,
          "以“商品已签收(买家称未收到)”拒绝还缺少:发货物流记录(含签收状态、签收人、时间)"
          "(添加时用 --tag shipment)",
          "To refuse as 'Goods delivered and signed for (buyer says not received)' you still need: "
          "shipment tracking record (signed status, signer, time) (add with --tag shipment)."),
    Fires("grounds.evidence-present", "return-tracking-is-not-the-shipment",
          lambda: ctx(evidence=items(chat(), (tracking(), "return"))), B,
          "发货物流记录", "shipment tracking record"),
    Fires("grounds.evidence-present", "lists-everything-missing",
          lambda: return_ctx(evidence=items(chat())), B,
          "出库照片/视频截图(商品序列号与运单号同框)(添加时用 --tag before_shipment);"
          "退回包裹开箱照片(退货运单号与不符商品同框)(添加时用 --tag returned_item);"
          "退货物流记录(添加时用 --tag return)",
          "outbound photo (serial number and waybill in one frame) (add with --tag "
          "before_shipment); unboxing photo of the return (return waybill and the mismatching "
          "item) (add with --tag returned_item); return tracking record (add with --tag return)"),
    Fires("grounds.facts-established", "custom-made-from-any-chat",
          lambda: ctx(case(ground="custom_made")), B,
          "以“定制商品，不支持无理由退货”拒绝，以下事实还没有证据证明(理由未经核实，不能起草):"
          "买家提出的定制要求(已标记的聊天消息)(添加含买家定制要求的聊天记录(--tag custom_order)，"
          "并用 disputekit mark 标记那条消息)。",
          "'Custom-made goods' is unverified: these facts are not yet shown by evidence, so no reason "
          "is drafted: The buyer's customisation request (marked chat message) (add the chat with the "
          "buyer's customisation request (--tag custom_order) and mark that message (`disputekit mark`))."),
    Fires("grounds.facts-established", "agreement-unmarked",
          lambda: ctx(case(ground="agreed_otherwise"), [item(1, chat(), tag="agreement")]), B,
          "买家同意的协商结果(已标记的聊天消息)", "The buyer's agreement (marked chat message)"),
    Fires("grounds.facts-established", "swap-without-serials", return_ctx, B,
          "退回商品的序列号与出库登记不同(在 case.toml 填写 serial_shipped",
          "The returned item's serial number differs from the shipped one (set serial_shipped"),
    Fires("grounds.facts-established", "not-eligible-needs-the-listing",
          lambda: ctx(case(ground="not_7day_eligible")), B,
          "商品页面或下单快照显示不支持七天无理由", "The listing or checkout snapshot shows the 7-day exclusion"),
    Fires("grounds.refund-type", "return-ground-for-refund-only",
          lambda: ctx(case(ground="returned_item_not_ours")), B,
          "“退回商品非本店商品”不适用于仅退款",
          "'Returned item is not the one we shipped' does not apply to a refund only request"),
    Fires("grounds.gift-not-sole-ground", "gift-value",
          lambda: return_ctx(return_case(ground="missing_parts", gift_value=Decimal("15.00"))), B,
          "缺少的是赠品时不能拒绝退货(第61条)。请同意退货并在退款中扣除15.00 元",
          "A missing gift is not a ground to refuse a return (Art. 61). Agree to the return and "
          "deduct the gift's value"),
    Fires("grounds.gift-not-sole-ground", "caption-says-gift",
          lambda: gift_caption(), B,
          "扣除赠品价值", "deduct the gift's value"),
    Fires("grounds.tmall-requirements", "no-refund-phase", lambda: tmall(), B,
          "天猫需要注明售中/售后阶段", 'Set refund_phase = "onsale" or "aftersale" in case.toml'),
    Fires("grounds.tmall-requirements", "no-proof-image",
          lambda: ctx(case(platform="tmall", refund_phase="onsale"), without("E3", "E4"),
                      profile="tmall"), B,
          "天猫拒绝退款必须上传凭证图片", "A Tmall refusal must carry a proof image"),
]


QUIET = [
    Quiet("evidence.none", "has-evidence", ctx),
    Quiet("grounds.chosen", "goods-signed", ctx),
    Quiet("grounds.evidence-present", "complete", ctx),
    Quiet("grounds.evidence-present", "untagged-tracking-is-the-shipment",
          lambda: ctx(evidence=items(chat(), tracking()))),
    Quiet("grounds.evidence-present", "no-ground-chosen", lambda: ctx(case(ground=None), [])),
    Quiet("grounds.refund-type", "fits", ctx),
    Quiet("grounds.facts-established", "goods-signed", ctx),
    Quiet("grounds.facts-established", "no-ground", lambda: ctx(case(ground=None))),
    Quiet("grounds.facts-established", "agreement-marked",
          lambda: ctx(case(ground="agreed_otherwise"), [item(1, chat(), tag="agreement", marks=[3])])),
    Quiet("grounds.facts-established", "custom-order-marked",
          lambda: ctx(case(ground="custom_made"), [item(1, chat(), tag="custom_order", marks=[1])])),
    Quiet("grounds.facts-established", "swap-with-serials",
          lambda: return_ctx(return_case(serial_shipped="A1", serial_returned="Z9"))),
    Quiet("grounds.gift-not-sole-ground", "no-gift", lambda: return_ctx(return_case(ground="missing_parts"))),
    Quiet("grounds.tmall-requirements", "taobao", ctx),
    Quiet("grounds.tmall-requirements", "tmall-complete", lambda: tmall(refund_phase="aftersale")),
]



def test_tmall_without_phase_or_image_gets_both_findings() -> None:
    found = run_rule("grounds.tmall-requirements",
                     ctx(case(platform="tmall"), without("E3", "E4"), profile="tmall"))
    assert ["proof image" in f.en for f in found] == [True, False]
    assert "refund_phase" in found[1].en
