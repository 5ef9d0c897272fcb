"""Chat rules: platform channel, both parties, timestamps, coverage, relevance, completeness."""

from __future__ import annotations

from pathlib import Path

from disputekit.models.facts import ChatFacts, Role
from disputekit.profiles.load import load_profile
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Severity
from rulekit import (
    ORDER_ID,
    Fires,
    Quiet,
    chat,
    ctx,
    good_messages,
    msg,
    replace,
    run_rule,
    signed_evidence,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def with_chat(facts: ChatFacts) -> RuleContext:
    """The good case with exhibit E1 (the chat) replaced."""
    return ctx(evidence=replace(signed_evidence(), 1, facts))


def without_time(index: int, **extra: object) -> ChatFacts:
    messages = good_messages()
    m = messages[index - 1]
    messages[index - 1] = m.model_copy(update={"time": None, **extra})
    return chat(messages)


UNRELATED = [
    msg(1, "2025-04-19 20:13", Role.BUYER, "在吗"),
    msg(2, "2025-04-20 10:20", Role.SELLER, "亲,在的"),
]

FIRES = [
    Fires("chat.platform-channel", "wechat", lambda: with_chat(chat(channel="wechat")), W,
          "看起来是wechat聊天记录,不是千牛/旺旺", "not Qianniu/Wangwang", ("E1",)),
    Fires("chat.platform-channel", "says-low-confidence", lambda: with_chat(chat(channel="qq")), W,
          "此规则可信度低", "(low-confidence rule)", ("E1",)),
    Fires("chat.both-parties", "nobody",
          lambda: with_chat(chat([msg(1, "2025-04-20 10:00", Role.UNKNOWN, ORDER_ID)])), B,
          "既没有买家“tb_小明2021”也没有卖家“悦家旗舰店”",
          "contains neither the buyer 'tb_小明2021' nor the seller '悦家旗舰店'", ("E1",)),
    Fires("chat.both-parties", "buyer-only",
          lambda: with_chat(chat([m for m in good_messages() if m.role == Role.BUYER])), W,
          "中没有卖家的消息", "has no message from the seller", ("E1",)),
    Fires("chat.timestamps", "one-missing", lambda: with_chat(without_time(2)), W,
          "有 1 条消息没有时间", "has 1 messages without a time", ("E1",)),
    Fires("chat.covers-request", "ends-before-request",
          lambda: with_chat(chat(good_messages()[:2])), W,
          "不包含退款申请时间 04-20 10:02", "does not include the refund request at 04-20 10:02",
          ("E1",)),
    Fires("chat.mentions-order", "small-talk", lambda: with_chat(chat(UNRELATED)), W,
          "没有出现订单号、运单号或商品名", "never mentions the order number, waybill or item",
          ("E1",)),
    Fires("chat.complete", "gap-across-request", lambda: with_chat(chat([
              msg(1, "2025-04-16 10:00", Role.BUYER, ORDER_ID),
              msg(2, "2025-04-20 10:29", Role.SELLER, "在的"),
          ])), W,
          "在 04-16 10:00 与 04-20 10:29 之间有超过 72 小时的空白",
          "silence of more than 72 h between 04-16 10:00 and 04-20 10:29", ("E1",)),
    Fires("chat.complete", "gap-elsewhere", lambda: with_chat(chat([
              msg(1, "2025-04-16 10:00", Role.BUYER, ORDER_ID),
              msg(2, "2025-04-19 10:01", Role.SELLER, "好的"),
              msg(3, "2025-04-20 10:29", Role.SELLER, "在的"),
          ])), INFO,
          "在 04-16 10:00 与 04-19 10:01 之间有超过 72 小时的空白",
          "silence of more than 72 h between 04-16 10:00 and 04-19 10:01", ("E1",)),
    Fires("chat.complete", "recalled", lambda: with_chat(without_time(3, recalled=True)), INFO,
          "有 1 条撤回的消息", "contains 1 recalled messages", ("E1",)),
]

QUIET = [
    Quiet("chat.platform-channel", "qianniu", ctx),
    Quiet("chat.platform-channel", "unknown-channel", lambda: with_chat(chat(channel="unknown"))),
    Quiet("chat.both-parties", "both", ctx),
    Quiet("chat.timestamps", "all-timed", ctx),
    Quiet("chat.timestamps", "recalled-untimed", lambda: with_chat(without_time(3, recalled=True))),
    Quiet("chat.covers-request", "spans-request", ctx),
    Quiet("chat.mentions-order", "order-id", ctx),
    Quiet("chat.mentions-order", "item-title-word", lambda: with_chat(chat([
        msg(1, "2025-04-19 20:13", Role.BUYER, "北欧陶瓷马克杯没收到"),
        msg(2, "2025-04-20 10:20", Role.SELLER, "亲,在查"),
    ]))),
    Quiet("chat.complete", "gap-under-threshold", lambda: with_chat(chat([
        msg(1, "2025-04-17 11:03", Role.BUYER, ORDER_ID),
        msg(2, "2025-04-20 10:02", Role.SELLER, "好的"),
    ]))),
]



def test_gap_threshold_comes_from_the_profile(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\nchat_gap_hours = { value = 12, source = "shop rule", '
                    'confidence = "high" }\n', "utf-8")
    context = ctx(profile=load_profile("taobao", shop))
    # the good chat has a 13.8 h silence overnight: quiet at 72 h, a warning at 12 h
    assert run_rule("chat.complete", ctx()) == []
    [finding] = run_rule("chat.complete", context)
    assert "more than 12 h" in finding.en


def test_a_chat_with_many_recalled_messages_lists_a_few_numbers() -> None:
    messages = [msg(i, "2025-04-20 10:05", Role.BUYER, "撤回了", recalled=True) for i in range(1, 41)]
    messages += good_messages()[3:]
    findings = [f for f in run_rule("chat.complete", with_chat(chat(messages))) if "撤回" in f.zh]
    assert len(findings) == 1
    assert "40 条撤回的消息（第 1、2、3、4、5 条等）" in findings[0].zh
    assert "40 recalled messages (e.g. 1, 2, 3, 4, 5)" in findings[0].en
