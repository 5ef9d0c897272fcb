"""The recogniser of personal data (``disputekit.privacy.pii``): a table of realistic strings.

Each row is (input, expected masked output), exact. Positives include every string listed in
issue 12's "Why" section; negatives cover what must never be masked: Taobao order ids, refund
ids, waybills, amounts, dates and times, counts, SKU codes, hashes and exhibit ids. Identity
and card numbers in the table are valid (GB 11643 check character, Luhn) unless a row says so.
Hypothesis checks that masking is idempotent and never touches generated ids, amounts, dates.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from disputekit.privacy import find_pii, mask, mask_text
from disputekit.privacy.pii import id_card_ok, id_check_char, luhn_ok, privacy_kinds
from disputekit.profiles.model import Privacy

MOBILE = [
    ("13912345678", "139****5678"),
    ("139 1234 5678", "139****5678"),
    ("139-1234-5678", "139****5678"),
    ("139.1234.5672", "139****5672"),
    ("139-1234 5678", "139****5678"),
    ("+86 13912345678", "139****5678"),
    ("+86 139 1234 5678", "139****5678"),
    ("+86-139-1234-5678", "139****5678"),
    ("+8613912345678", "139****5678"),
    ("86-13912345678", "139****5678"),
    ("0086 13912345678", "139****5678"),
    ("(+86)13912345678", "139****5678"),
    ("１３９１２３４５６７８", "139****5678"),
    ("手机：１３９－１２３４－５６７８", "手机：139****5678"),
    ("签收人：张三 13987654321", "签收人：张三 139****4321"),
    ("签收人：张三13987654321", "签收人：张三139****4321"),
    ("快递员电话13957112345", "快递员电话139****2345"),
    ("快递员13957112345已揽收", "快递员139****2345已揽收"),
    ("张三_13912345678_文三路90号.jpg", "张三_139****5678_文三路**号.jpg"),
    ("E5_13912345678_90.jpg", "E5_139****5678_90.jpg"),
    ("收件人电话13812345678，地址文三路90号", "收件人电话138****5678，地址文三路**号"),
    ("买家手机15088886666，请尽快联系", "买家手机150****6666，请尽快联系"),
    ("联系方式：17712345678（微信同号）", "联系方式：177****5678（微信同号）"),
    ("Tel:18612345678", "Tel:186****5678"),
    ("tel18612345678", "tel186****5678"),
    ("电话 199 8888 7777 / 166 0000 1111", "电话 199****7777 / 166****1111"),
    ("【顺丰速运】快件已由13987654321签收", "【顺丰速运】快件已由139****4321签收"),
    ("派件员：李四，电话：18967891234", "派件员：李四，电话：189****1234"),
    ("您好，我的号码是 147 2580 3690", "您好，我的号码是 147****3690"),
    ("13912345678,13812345678", "139****5678,138****5678"),
    ("13912345678。", "139****5678。"),
    ("(13912345678)", "(139****5678)"),
    ("across the border 13912345678", "across the border 139****5678"),  # not "order"
    ("订单收件人13912345678", "订单收件人139****5678"),  # 订单 guards only the id right after it
]

LANDLINE = [
    ("010-1234-5678", "010-****5678"),
    ("010-12345678", "010-****5678"),
    ("010 1234 5678", "010-****5678"),
    ("(0571)88881234", "0571-****1234"),
    ("（0571）88881234", "0571-****1234"),
    ("(0571) 8888 1234", "0571-****1234"),
    ("0571 8888 1234", "0571-****1234"),
    ("0571-88881234", "0571-****1234"),
    ("0571 - 88881234", "0571-****1234"),
    ("021-6234-5678", "021-****5678"),
    ("0755-2345678", "0755-****5678"),
    ("座机：020-87654321", "座机：020-****4321"),
    ("电话057188881234", "电话0571-****1234"),
    ("固话：01062345678", "固话：010-****5678"),
    ("店铺电话 0571-8888-1234 转 8", "店铺电话 0571-****1234 转 8"),
    ("０５７１－８８８８１２３４", "0571-****1234"),
]

ID_CARD = [
    ("11010519491231002X", "110***********002X"),
    ("11010519491231002x", "110***********002X"),
    ("身份证号：330106199003071236", "身份证号：330***********1236"),
    ("身份证330106199003071236，姓名张三", "身份证330***********1236，姓名张三"),
    ("证件号 440304198511205674", "证件号 440***********5674"),
    ("510107200002290010", "510***********0010"),
    ("320582197808154431", "320***********4431"),
    ("身份证号码：330106900307123", "身份证号码：330********7123"),  # 15-digit, after keyword
    ("身份证号：330106199003071230", "身份证号：330***********1230"),  # typo in check char
    ("１１０１０５１９４９１２３１００２Ｘ", "110***********002X"),
]

BANK_CARD = [
    ("6222 0212 3456 7890 128", "6222 **** **** 0128"),
    ("6228-4800-1234-5678-903", "6228 **** **** 8903"),
    ("4367 4212 3456 7896", "4367 **** **** 7896"),
    ("卡号 6222021234567890128", "卡号 6222 **** **** 0128"),
    ("银行卡：6217001234567890122", "银行卡：6217 **** **** 0122"),
    ("退款到我的银行卡 6013820123456789010 吧", "退款到我的银行卡 6013 **** **** 9010 吧"),
    ("账号 6222 0212 3456 7890 123", "账号 6222 **** **** 0123"),  # after a keyword: no Luhn needed
]

EMAIL = [
    ("zhangsan@example.com", "z***@example.com"),
    ("邮箱：zhang.san+tb@mail.example.cn", "邮箱：z***@mail.example.cn"),
    ("发到 12345678@qq.com 谢谢", "发到 1***@qq.com 谢谢"),
    ("13912345678@163.com", "1***@163.com"),
    ("Email: Li_Si-2025@Company.COM.", "Email: L***@Company.COM."),
]

ADDRESS = [
    ("幸福里小区12幢3单元501", "幸福里小区**幢**单元**"),
    ("望京西园三区312号楼5单元602", "望京西园三区**号楼**单元**"),
    ("大街1号华润国际社区8栋2单元1503", "大街**号华润国际社区**栋**单元**"),
    ("北京市朝阳区建国路大街1号华润国际社区8栋2单元1503", "北京市朝阳区建国路大街**号华润国际社区**栋**单元**"),
    ("3号楼501室", "**号楼**室"),
    ("5栋2单元301室", "**栋**单元**室"),
    ("学院路 128 号", "学院路 ** 号"),
    ("文三路90号", "文三路**号"),
    ("浙江省杭州市西湖区文三路90号东部软件园2号楼", "浙江省杭州市西湖区文三路**号东部软件园**号楼"),
    ("浙江省杭州市西湖区文三路90号东部软件园2号楼305室", "浙江省杭州市西湖区文三路**号东部软件园**号楼**室"),
    ("上海市黄浦区长乐路123弄4号501室", "上海市黄浦区长乐路**弄**号**室"),
    ("长乐路123弄4号501室 10:02 签收", "长乐路**弄**号**室 10:02 签收"),
    ("幸福小区3-2-501", "幸福小区**"),
    ("阳光花园 7 栋 1 单元 802", "阳光花园 ** 栋 ** 单元 **"),
    ("翠苑一区18幢2单元302室", "翠苑一区**幢**单元**室"),
    ("金地格林小城B座1203", "金地格林小城**座**"),
    ("国贸大厦15楼1506", "国贸大厦**楼**"),
    ("中关村大街27号院3号楼", "中关村大街**号院**号楼"),
    ("张家村3组12号", "张家村**组**号"),
    ("南京西路1266号恒隆广场1座38层", "南京西路**号恒隆广场**座**层"),
    ("天通苑北二区5号楼2单元1101", "天通苑北二区**号楼**单元**"),
    ("天通苑北二区五号楼二单元1101", "天通苑北二区**号楼**单元**"),
    ("深圳市南山区科技园南区高新南一道9号", "深圳市南山区科技园南区高新南一道**号"),
    ("收货地址：广东省深圳市福田区福华路88号卓越大厦1808室", "收货地址：广东省深圳市福田区福华路**号卓越大厦**室"),
    ("地址：成都市武侯区人民南路四段12号", "地址：成都市武侯区人民南路四段**号"),
    ("锦绣家园12-3-402", "锦绣家园**"),
    ("东城区东四十条胡同5号", "东城区东四十条胡同**号"),
    ("华润国际社区8栋", "华润国际社区**栋"),
    ("8栋2单元1503", "**栋**单元**"),
    ("12幢3单元", "**幢**单元"),
    ("２号楼５０１室", "**号楼**室"),
    ("文三路９０号", "文三路**号"),
    ("江南大道 3688 号 星耀城 2 幢 1601", "江南大道 ** 号 星耀城 ** 幢 **"),
    ("收件人：张三，13912345678，浙江省杭州市西湖区文三路90号", "收件人：张三，139****5678，浙江省杭州市西湖区文三路**号"),
    ("签收地址 幸福里小区12幢3单元501，签收人 张三 13987654321", "签收地址 幸福里小区**幢**单元**，签收人 张三 139****4321"),
]

ALREADY_MASKED = [
    ("138****5621", "138****5621"),
    ("139 **** 5678", "139 **** 5678"),
    ("收件人电话138****5678，地址文三路**号", "收件人电话138****5678，地址文三路**号"),
    ("010-****5678", "010-****5678"),
    ("0571-****1234", "0571-****1234"),
    ("110***********002X", "110***********002X"),
    ("6222 **** **** 0128", "6222 **** **** 0128"),
    ("z***@example.com", "z***@example.com"),
    ("幸福里小区**幢**单元**", "幸福里小区**幢**单元**"),
]

NEVER = [
    # Taobao order ids (19 digits; the second passes Luhn)
    "3712345678901234567",
    "3712345678901234561",
    "订单号：3712345678901234567",
    "订单号 3712345678901234561",
    "订单编号:2001234567890123450",
    "Order No. 3712345678901234567",
    "交易订单 3712345678901234567 已付款",
    # refund ids
    "20250420001",
    "退款编号 20250420001",
    "退款编号：2025042012345678",
    "2025042012345678",
    "退款单号 13500012345",
    "售后单号：13912345678",
    # waybills
    "73518294603127",
    "运单号73518294603127",
    "快递单号：773012345678901",
    "SF1234567890123",
    "SF1427395068213",
    "YT1234567890123",
    "JD0012345678901",
    "JT5012345678901",
    "EA123456785CN",
    "运单号 SF1427395068213，已签收",
    "中通快递 7351829460312 派送中",
    "韵达 4312345678901",
    "物流单号：462012345678912",
    # amounts
    "128.50",
    "¥1,280.00",
    "￥128.50元",
    "退款金额：139.00元",
    "实付 13912.50",
    "1,391,234.56",
    # dates and times
    "2025-04-20 10:02",
    "2025-04-20 10:02:03",
    "2025/4/20",
    "20250420",
    "2025年4月20日 10时02分",
    "4月3号发货",
    "我这里3号就发了",
    "2025.04.20",
    "04-20 18:30",
    "13:45:12",
    # counts, sizes, weights
    "3件",
    "共2箱 15kg",
    "买了3件，退回2件",
    "放在3楼了",
    "第3单元的说明",
    "尺码 175/92A",
    "1号线地铁站",
    # SKU codes and product ids
    "SKU: 100234567890",
    "SKU-A1B2C3-XL",
    "货号 JX2025-0420",
    "商品ID 693012345678",
    # hashes and exhibit ids
    "c3e1a0f09b8d7e61",
    "phash 8f0f3c3c1e1e0f0f",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "E12",
    "见 E5、E12",
    "upload/images/E5_0420.jpg",
    # business numbers (deliberately kept: public service lines)
    "400-820-8820",
    "4008208820",
    "800-810-8888",
    "顺丰客服 95338",
    "中通客服95311",
    "顺丰客服中心95338",
    "客服中心 4008208820 转 2",
    "售后服务中心 400 820 8820",
    "邮政客服 11183",
    # other numbers
    "邮编 310012",
    "库存 12345678",
    "会员等级 V3",
    "版本 1.13.9",
    "退货地址见页面",
    "浙江省杭州市西湖区",
    "110105194912310021",  # 18 digits, wrong check character, no keyword
    "330106990307123",  # 15 digits without a keyword: a waybill for all we know
    "6222 0212 3456 7890 123",  # grouped but fails Luhn, no keyword
    "6222021234567890128",  # a valid card number, but an ungrouped run without a keyword
]

TABLE = (
    MOBILE
    + LANDLINE
    + ID_CARD
    + BANK_CARD
    + EMAIL
    + ADDRESS
    + ALREADY_MASKED
    + [(s, s) for s in NEVER]
)


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 150
    assert len({s for s, _ in TABLE}) == len(TABLE)  # no duplicate inputs


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mask_table(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mask_is_idempotent_on_table(text: str, expected: str) -> None:
    assert mask_text(expected) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("13912345678", {"mobile"}),
        ("010-1234-5678", {"landline"}),
        ("11010519491231002X", {"id_card"}),
        ("6222 0212 3456 7890 128", {"bank_card"}),
        ("zhangsan@example.com", {"email"}),
        ("幸福里小区12幢3单元501", {"address"}),
        ("签收人：张三 13987654321，文三路90号", {"mobile", "address"}),
    ],
)
def test_kinds(text: str, kinds: set[str]) -> None:
    assert {s.kind for s in find_pii(text)} == kinds


def test_spans_point_into_the_input() -> None:
    text = "签收人：张三１３９８７６５４３２１，地址文三路90号"
    spans = find_pii(text)
    assert [(text[s.start : s.end], s.kind, s.replacement) for s in spans] == [
        ("１３９８７６５４３２１", "mobile", "139****4321"),
        ("90号", "address", "**号"),
    ]


def test_mask_text_kinds_filter() -> None:
    text = "电话13912345678，地址文三路90号，邮箱 a1@example.com"
    assert mask_text(text, kinds={"mobile"}) == "电话139****5678，地址文三路90号，邮箱 a1@example.com"
    assert mask_text(text, kinds={"address"}) == "电话13912345678，地址文三路**号，邮箱 a1@example.com"
    assert mask_text(text, kinds=set()) == text


def _privacy(phones: bool, addresses: bool) -> Privacy:
    src = {"source": "test profile", "confidence": "high"}
    return Privacy.model_validate(
        {
            "mask_phones": {"value": phones, **src},
            "mask_addresses": {"value": addresses, **src},
            "attach_originals": {"value": False, **src},
        }
    )


def test_drop_in_mask_follows_privacy_switches() -> None:
    text = "收件人电话13812345678，地址文三路90号，身份证11010519491231002X"
    assert mask(text, _privacy(True, True)) == "收件人电话138****5678，地址文三路**号，身份证110***********002X"
    assert mask(text, _privacy(True, False)) == "收件人电话138****5678，地址文三路90号，身份证110***********002X"
    assert mask(text, _privacy(False, True)) == "收件人电话13812345678，地址文三路**号，身份证110***********002X"
    assert privacy_kinds(_privacy(False, False)) == {"id_card", "bank_card", "email"}


def test_checksums() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_card_ok("11010519491231002X")
    assert not id_card_ok("110105194912310021")
    assert not id_card_ok("990105194912310025")  # no such province
    assert not id_card_ok("110105194902300029")  # 30 February
    assert luhn_ok("4367421234567896")
    assert not luhn_ok("4367421234567897")


# --- properties ------------------------------------------------------------------------------

_FILLER = st.text(
    alphabet=st.sampled_from(list("收件人地址电话签收快递，。：的了 张三李四文三路号楼栋单元室小区-_.0123456789１３９")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FILLER, st.sampled_from([s for s, _ in TABLE])), max_size=4))
def test_masking_is_idempotent(parts: list[str]) -> None:
    text = "".join(parts)
    once = mask_text(text)
    assert mask_text(once) == once


_SEPARATORS = st.sampled_from(["", " ", "，", "：", "。", "\n", " 订单号：", "运单号 ", "金额 ", "（", "）"])
_CJK = st.text(alphabet=st.sampled_from(list("买家卖家已签收退款成功物流派送中请核实谢谢")), max_size=6)


@st.composite
def _never_masked(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["order", "waybill", "prefixed", "amount", "date", "refund", "hex"]))
    if kind == "order":  # Taobao order id: 19 digits
        return str(draw(st.integers(10**18, 10**19 - 1)))
    if kind == "waybill":  # pure-digit waybills: 12-15 digits
        n = draw(st.integers(12, 15))
        return str(draw(st.integers(10 ** (n - 1), 10**n - 1)))
    if kind == "prefixed":
        prefix = draw(st.sampled_from(["SF", "YT", "JD", "JT", "ZT", "DPK"]))
        return prefix + str(draw(st.integers(10**9, 10**14 - 1)))
    if kind == "amount":
        cents = draw(st.integers(0, 10**9))
        plain = f"{cents // 100}.{cents % 100:02d}"
        return draw(st.sampled_from([plain, f"¥{cents / 100:,.2f}", f"{plain}元"]))
    if kind == "date":
        moment = datetime(2000, 1, 1) + timedelta(minutes=draw(st.integers(0, 60 * 24 * 365 * 40)))
        fmt = draw(st.sampled_from(["%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日"]))
        return moment.strftime(fmt)
    if kind == "refund":  # 2025042000123-style ids starting with the date
        day = draw(st.dates(min_value=datetime(2000, 1, 1).date(), max_value=datetime(2099, 12, 31).date()))
        return day.strftime("%Y%m%d") + str(draw(st.integers(100, 99999999)))
    return draw(st.text(alphabet="0123456789abcdef", min_size=16, max_size=64).filter(lambda s: any(c.isalpha() for c in s)))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_never_masked(), _SEPARATORS, _CJK), min_size=1, max_size=4))
def test_ids_amounts_dates_never_change(parts: list[tuple[str, str, str]]) -> None:
    text = "".join(f"{value}{sep}{words}" for value, sep, words in parts)
    assert mask_text(text) == text


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["{}", "{0}-{1}-{2}", "{0} {1} {2}", "+86 {}", "{0}.{1}.{2}"]),
    _CJK,
    _CJK,
)
def test_generated_mobiles_are_masked(number: str, spelling: str, before: str, after: str) -> None:
    written = spelling.format(number[:3], number[3:7], number[7:]) if "{0}" in spelling else spelling.format(number)
    assert mask_text(f"{before}{written}{after}") == f"{before}{number[:3]}****{number[-4:]}{after}"
