"""Keyword → status rules, signer patterns and kuaidi100 state codes (tracking_keywords.toml)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse.tracking import (
    KeywordRule,
    SignerPattern,
    classify_text,
    extract_signer,
    final_status,
    load_rules,
    signing,
    state_code,
)
from disputekit.models.facts import TrackingEvent
from disputekit.models.facts import TrackingStatus as S


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # signed_proxy
        ("您的快件已签收，家人代签", S.SIGNED_PROXY),
        ("快件已由他人代收：门卫", S.SIGNED_PROXY),
        ("已签收，签收人是【门卫】", S.SIGNED_PROXY),
        ("已签收,签收人：前台", S.SIGNED_PROXY),
        ("快件已由门卫代收", S.SIGNED_PROXY),
        ("【棠下服务部】快件已签收，签收人：驿站代收，如有疑问请电联快递员", S.SIGNED_PROXY),
        ("快件已签收,签收人是【菜鸟驿站】", S.SIGNED_PROXY),
        ("您的快件已被【幸福里菜鸟驿站】签收", S.SIGNED_PROXY),
        # locker deposit — not signing
        ("快件已到达，请到驿站签收", S.LOCKER),
        ("快件已放入丰巢智能柜，请凭取件码取件", S.LOCKER),
        ("您的快件已由【XX驿站】代收，请及时取件", S.LOCKER),
        ("快件已被【丰巢的小区北门柜(丰巢智能快递柜)】代收，如有问题请电联", S.LOCKER),
        ("您的快件已到达菜鸟驿站，待取件", S.LOCKER),
        ("快件已送达自提点", S.LOCKER),
        ("快件已由济南历城区翡翠雅郡北区西门店代收，请及时取件", S.LOCKER),
        # refused / returned
        ("收件人拒收，快件将退回", S.REFUSED),
        ("客户拒签", S.REFUSED),
        ("快件已退回寄件人", S.RETURNED),
        ("退件已返回寄件人", S.RETURNED),
        # signed
        ("已签收，签收人：张三", S.SIGNED),
        ("您的快件已签收,感谢使用", S.SIGNED),
        ("客户签收人: 已签收，签收人凭取货码签收。", S.SIGNED),
        ("您的订单已由本人签收。感谢您在京东购物", S.SIGNED),
        ("您的快递已签收, 签收人在【丰巢的小区北门柜(丰巢智能快递柜)】领取。", S.SIGNED),
        ("已签收,签收人是【】签收图片", S.SIGNED),
        ("邮件已妥投", S.SIGNED),
        ("派件异常后签收", S.SIGNED),
        # out for delivery
        ("【龙华】的【梁献新】正在派件,扫描员是【梁献新】", S.OUT_FOR_DELIVERY),
        ("快件派送中，请保持电话畅通，签收前请验货", S.OUT_FOR_DELIVERY),
        ("配送员开始配送，请您准备收货", S.OUT_FOR_DELIVERY),
        ("投递员：李四，电话 138****0000", S.OUT_FOR_DELIVERY),
        # collected
        ("浙江省杭州市萧山中部公司(点击查询电话) 已揽收", S.COLLECTED),
        ("快递员已揽件", S.COLLECTED),
        ("浙江省杭州市萧山中部公司 取件人: 王棕元 已收件", S.COLLECTED),
        # exception
        ("问题件：地址不详", S.EXCEPTION),
        ("快件派送异常，收件人电话无法接通", S.EXCEPTION),
        ("快件在中转站滞留", S.EXCEPTION),
        ("外包装破损", S.EXCEPTION),
        # in transit (default)
        ("杭州转运中心 已发出,下一站 重庆转运中心", S.IN_TRANSIT),
        ("重庆转运中心 已收入", S.IN_TRANSIT),
        ("正在派送途中如有异常请联系网点", S.OUT_FOR_DELIVERY),
        ("货到付款，代收货款 100 元，快件运输中", S.IN_TRANSIT),
        ("", S.IN_TRANSIT),
    ],
)
def test_classify_text(text: str, status: S) -> None:
    assert classify_text(text) is status


def test_pickup_counts_as_signed_only_after_a_deposit() -> None:
    assert classify_text("快递员已取件") is S.COLLECTED
    assert classify_text("快递员已取件", earlier=[S.IN_TRANSIT]) is S.COLLECTED
    assert classify_text("您的快件已取件", earlier=[S.LOCKER]) is S.SIGNED


def test_rule_order_decides() -> None:
    # "代收" alone would be signed_proxy; the locker words exclude it and the locker rule wins.
    assert classify_text("已由丰巢代收") is S.LOCKER
    assert classify_text("已由物业代收") is S.SIGNED_PROXY


@pytest.mark.parametrize(
    ("text", "signer"),
    [
        ("已签收，签收人：张三", "张三"),
        ("已签收，签收人: 李四。感谢使用", "李四"),
        ("已签收,签收人是【本人】", "本人"),
        ("已签收,签收人是【 王五 】签收图片", "王五"),
        ("已签收，签收人凭取货码签收。", "凭取件码"),
        ("客户签收人: 已签收，签收人凭取货码签收。", "凭取件码"),
        ("快件已由他人代收：门卫，如有疑问请联系", "门卫"),
        ("您的快件已由【XX驿站】代收", "XX驿站"),
        ("快件已被【丰巢北门柜】代收", "丰巢北门柜"),
        ("快件已由门卫代收", "门卫"),
        ("快件已签收，签收人：驿站代收，如有疑问请电联快递员", "驿站代收"),
        ("您的快件已被【幸福里菜鸟驿站】签收", "幸福里菜鸟驿站"),
        ("家人代签", "家人"),
        ("快件已放入快递柜，请凭取件码签收", None),  # an instruction, not a signing
        ("前台代收", "前台"),
        ("您的订单已由本人签收", "本人"),
        ("已签收,签收人是【】签收图片", None),
        ("已签收", None),
        ("", None),
    ],
)
def test_extract_signer(text: str, signer: str | None) -> None:
    assert extract_signer(text) == signer


def test_state_codes_have_source_and_medium_confidence() -> None:
    states = {s.code: s for s in load_rules().state}
    for code in ("0", "1", "2", "3", "4", "5", "6", "7", "8", "10", "11", "12", "13", "14",
                 "301", "302", "303", "304", "501"):
        assert code in states, code
        assert states[code].source == "kuaidi100 API docs"
        assert states[code].confidence == "medium"
    assert states["303"].status is S.SIGNED_PROXY
    assert states["501"].status is S.LOCKER
    assert states["14"].status is S.REFUSED
    assert state_code("999") is None
    assert state_code(None) is None


def test_rule_needs_keywords_or_patterns() -> None:
    with pytest.raises(ValidationError, match="keywords or patterns"):
        KeywordRule(status=S.SIGNED)


def test_rules_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="extra"):
        KeywordRule.model_validate({"status": "signed", "keywords": ["x"], "keyword": ["y"]})


def test_signer_pattern_needs_group_or_value() -> None:
    with pytest.raises(ValidationError, match="group or a value"):
        SignerPattern.model_validate({"pattern": "签收人"})
    with pytest.raises(ValidationError, match="group or a value"):
        SignerPattern.model_validate({"pattern": "(?P<signer>x)", "value": "y"})


# ------------------------------------------------------------------------------ final status
T0 = datetime(2024, 5, 1, 8, 0, tzinfo=CHINA_TZ)


def _events(*statuses: S) -> list[TrackingEvent]:
    return [
        TrackingEvent(time=T0 + timedelta(hours=i), text=f"e{i}", status=s)
        for i, s in enumerate(statuses)
    ]


def test_final_status_without_state_is_last_event() -> None:
    assert final_status(_events(S.COLLECTED, S.LOCKER), None) == (S.LOCKER, [])
    assert final_status(_events(S.COLLECTED, S.LOCKER), "unknown-code") == (S.LOCKER, [])


def test_final_status_keeps_more_precise_compatible_text() -> None:
    assert final_status(_events(S.SIGNED_PROXY), "3") == (S.SIGNED_PROXY, [])
    assert final_status(_events(S.LOCKER), "5") == (S.LOCKER, [])
    assert final_status(_events(S.SIGNED), "0") == (S.SIGNED, [])


def test_final_status_state_fills_in_for_plain_transit_text() -> None:
    assert final_status(_events(S.IN_TRANSIT), "3") == (S.SIGNED, [])


def test_final_status_conflict_uses_state_and_warns() -> None:
    status, warnings = final_status(_events(S.OUT_FOR_DELIVERY), "3")
    assert status is S.SIGNED
    assert warnings == [
        "记录状态 3（签收）与最后一条轨迹（out_for_delivery）不一致，按记录状态处理。 / "
        "The record's state 3 (signed) disagrees with the last event (out_for_delivery); "
        "the state is used."
    ]


def test_signing_is_first_signed_event() -> None:
    events = _events(S.OUT_FOR_DELIVERY, S.SIGNED_PROXY, S.SIGNED)
    assert signing(events, S.SIGNED) == (events[1], [])


def test_locker_deposit_is_not_signing() -> None:
    assert signing(_events(S.OUT_FOR_DELIVERY, S.LOCKER), S.LOCKER) == (None, [])


def test_signing_after_return_is_not_counted() -> None:
    event, warnings = signing(_events(S.REFUSED, S.RETURNED, S.SIGNED), S.SIGNED)
    assert event is None
    assert warnings == [
        "签收发生在拒收/退回之后，可能是寄件人签收，未计为收件人签收。 / "
        "A signing comes after a refusal/return, probably by the sender; it is not counted as "
        "the recipient signing."
    ]


def test_signing_from_state_only_takes_last_event() -> None:
    events = _events(S.OUT_FOR_DELIVERY, S.LOCKER)
    event, warnings = signing(events, S.SIGNED_PROXY)
    assert event == events[-1]
    assert len(warnings) == 1
    assert warnings[0].startswith("记录状态为已签收，但轨迹文字中没有签收")
