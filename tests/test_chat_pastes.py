"""Qianniu copy-paste variants (issue 13): a product card pasted inside a conversation and a
backtick-prefixed link are not message text; a tracking CSV is not a chat."""

from __future__ import annotations

from disputekit.collect.parse.chat import parse_chat
from disputekit.collect.sniff import sniff_bytes
from disputekit.models.facts import ChatFacts

BUYER, SELLER = "tb_小明2021", "悦家旗舰店"
CARD = """tb_小明2021 2025-04-20 10:02:03
你好，这个还有货吗
悦家旗舰店:客服A 2025-04-20 10:03:10
亲，有的
商品详情页
悦家 纯棉四件套 1.8m床
¥
199.00
这些非常适合您的商品可以一起看看～～
`https://item.taobao.com/item.htm?id=123
还有别的问题吗
tb_小明2021 2025-04-20 10:05:00
好的
"""


def parse(text: str) -> ChatFacts:
    return parse_chat(text.encode("utf-8"), buyer=BUYER, seller=SELLER)


def test_product_card_is_an_event_not_message_text() -> None:
    facts = parse(CARD)
    assert [m.text for m in facts.messages] == [
        "你好，这个还有货吗",
        "亲，有的\nhttps://item.taobao.com/item.htm?id=123\n还有别的问题吗",
        "好的",
    ]
    assert [(e.type, e.text) for e in facts.events] == [
        ("system", "商品卡片：悦家 纯棉四件套 1.8m床 ¥199.00"),
        ("system", "这些非常适合您的商品可以一起看看～～"),
    ]


def test_card_without_price_ends_at_the_next_header() -> None:
    facts = parse(CARD.replace("¥\n199.00\n这些非常适合您的商品可以一起看看～～\n`https://item.taobao.com"
                               "/item.htm?id=123\n还有别的问题吗\n", ""))
    assert [m.text for m in facts.messages] == ["你好，这个还有货吗", "亲，有的", "好的"]
    assert [e.text for e in facts.events] == ["商品卡片：悦家 纯棉四件套 1.8m床"]


def test_card_words_inside_a_sentence_stay_text() -> None:
    facts = parse(CARD.replace("商品详情页\n", "请看商品详情页\n"))
    assert "请看商品详情页\n悦家 纯棉四件套 1.8m床\n¥\n199.00" in facts.messages[1].text


def test_tracking_csv_by_header_is_tracking() -> None:
    head = "时间,描述,地点\n2025-05-09 15:05,已揽收,广州\n2025-05-12 15:40,已签收,杭州\n".encode()
    assert sniff_bytes(head).kind == "tracking"
    chat = "时间,发送人,内容\n2025-05-09 15:05,a,你好\n2025-05-09 15:06,b,在\n".encode()
    assert sniff_bytes(chat).kind == "chat"
