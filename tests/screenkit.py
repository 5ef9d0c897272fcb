"""Screenshots drawn for tests and benchmarks: tracking, chat and refund pages, phone and desktop.

Pages are drawn with PIL and the bundled Noto Sans CJK SC (package noto-cjk-sans-otc), in a
light or dark theme, after the layouts of the Taobao/Tmall app, 菜鸟, the JD app, courier
websites, 千牛 PC and mobile chats. Each builder takes the facts to show, so a test knows what
the page says. All names and numbers are fictitious.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import noto_cjk_sans_otc
from PIL import Image, ImageDraw, ImageFont

SC_FACE = 2  # Noto Sans CJK SC in the collection


@dataclass(frozen=True)
class Theme:
    bg: str
    card: str
    text: str
    muted: str
    accent: str
    self_bubble: str
    other_bubble: str


LIGHT = Theme("#f2f2f2", "#ffffff", "#1a1a1a", "#8c8c8c", "#ff5000", "#cde8ff", "#ffffff")
DARK = Theme("#121212", "#1e1e1e", "#e8e8e8", "#9a9a9a", "#ff7a33", "#1f4d7a", "#2b2b2b")


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(noto_cjk_sans_otc.FONT_PATH), size, index=SC_FACE)


class Sheet:
    """An image being drawn: text placed by its top-left corner, wrapped to a width."""

    def __init__(self, width: int, height: int, theme: Theme) -> None:
        self.image = Image.new("RGB", (width, height), theme.bg)
        self.draw = ImageDraw.Draw(self.image)
        self.theme = theme

    @property
    def width(self) -> int:
        return self.image.width

    def text(self, x: int, y: int, text: str, size: int, tone: str = "text") -> int:
        """Draw one line; returns the y below it."""
        self.draw.text((x, y), text, font=font(size), fill=getattr(self.theme, tone))
        return y + round(size * 1.45)

    def right(self, x1: int, y: int, text: str, size: int, tone: str = "text") -> int:
        return self.text(x1 - round(font(size).getlength(text)), y, text, size, tone)

    def center(self, y: int, text: str, size: int, tone: str = "muted") -> int:
        return self.text((self.width - round(font(size).getlength(text))) // 2, y, text, size, tone)

    def wrapped(self, x: int, y: int, text: str, size: int, width: int, tone: str = "text") -> int:
        for line in wrap(text, size, width):
            y = self.text(x, y, line, size, tone)
        return y

    def box(self, x0: int, y0: int, x1: int, y1: int, tone: str = "card") -> None:
        self.draw.rounded_rectangle((x0, y0, x1, y1), radius=16, fill=getattr(self.theme, tone))


def wrap(text: str, size: int, width: int) -> list[str]:
    lines, current = [], ""
    for char in text:
        if font(size).getlength(current + char) > width and current:
            lines.append(current)
            current = char
        else:
            current += char
    return [*lines, current] if current else lines


# ------------------------------------------------------------------------------ data
ZTO_EVENTS = (  # (time as shown, phase heading or "", text), newest first as apps show them
    ("04-18 14:05", "已签收", "【杭州市】快件已签收，签收人：本人，如有疑问请联系派件员"),
    ("04-18 08:41", "派送中", "【杭州市】【杭州西湖文三】的派件员张师傅正在第1次派件，请保持电话畅通，并耐心等待"),
    ("04-18 06:58", "运输中", "【杭州市】快件已到达【杭州西湖文三】"),
    ("04-17 20:46", "", "【杭州市】快件离开【杭州中转部】已发往【杭州西湖文三】"),
    ("04-16 15:20", "已揽件", "【金华市】【义乌北苑】的小王已揽收"),
)
YTO_EVENTS = (
    ("04-19 09:12", "", "快件已被【菜鸟驿站】代收，请及时取件"),
    ("04-19 07:40", "", "【杭州市】快件正在派送中，派送员：李师傅"),
    ("04-18 22:03", "", "【杭州转运中心】已发出，下一站【杭州西湖区】"),
    ("04-17 18:30", "", "【广东省深圳市】圆通速递 已揽收"),
)
SF_EVENTS = (
    ("2025-05-12 15:40:12", "[东莞市] 快件已签收，签收人：仓库，如有疑问请电联快递员：黄师傅"),
    ("2025-05-12 09:05:41", "[东莞市] 快件交给黄师傅，正在派送途中"),
    ("2025-05-10 07:18:09", "[东莞市] 快件到达【东莞虎门集散点】"),
    ("2025-05-09 21:02:55", "[广州市] 快件已发车，准备发往【东莞虎门集散点】"),
    ("2025-05-09 16:47:30", "[广州市] 顺丰速运 已收取快件"),
)
JD_EVENTS = (
    ("2025-06-03 11:26:40", "您的订单已由本人签收，感谢您在京东购物，欢迎再次光临"),
    ("2025-06-03 08:15:02", "配送员开始配送，请您准备收货，配送员：刘师傅"),
    ("2025-06-02 23:40:18", "您的订单已到达【北京朝阳望京营业部】"),
    ("2025-06-02 14:05:51", "您的订单已由京东快递揽收"),
)


# ------------------------------------------------------------------------------ tracking
def phone_tracking_taobao(theme: Theme = LIGHT, *, courier: str = "中通快递",
                          waybill: str = "73518294603127", events: Sequence[tuple[str, str, str]] = ZTO_EVENTS,
                          signer: str = "本人", size: tuple[int, int] = (1080, 2160)) -> Image.Image:
    """Taobao/Tmall app 物流详情: summary card, then events with the time BELOW the text."""
    s = Sheet(*size, theme)
    s.text(60, 40, "10:21", 40)
    s.center(130, "物流详情", 48, "text")
    s.box(30, 240, s.width - 30, 560)
    s.text(80, 270, events[0][1] or "运输中", 56, "accent")
    s.text(80, 370, f"{courier}  {waybill}", 40)
    s.right(s.width - 80, 370, "复制", 34, "muted")
    s.text(80, 440, f"签收人：{signer}  {events[0][0]}", 38, "muted")
    s.box(30, 600, s.width - 30, size[1] - 40)
    y = 640
    s.text(140, y, "收货地址：浙江省杭州市西湖区文三路**号", 38)
    y += 110
    for when, phase, text in events:
        if phase:
            y = s.text(140, y, phase, 44)
        y = s.wrapped(140, y, text, 38, s.width - 220, "text" if phase == "已签收" else "muted")
        y = s.text(140, y, when, 32, "muted") + 40
    return s.image


def phone_tracking_cainiao(theme: Theme = LIGHT, *, courier: str = "圆通速递",
                           waybill: str = "YT7512345678901", events: Sequence[tuple[str, str, str]] = YTO_EVENTS,
                           size: tuple[int, int] = (1080, 2160)) -> Image.Image:
    """菜鸟 app: date and clock stacked in a left column, the text to their right."""
    s = Sheet(*size, theme)
    s.center(120, "包裹详情", 48, "text")
    s.box(30, 220, s.width - 30, 420)
    s.text(80, 250, courier, 44)
    s.text(80, 330, f"运单号：{waybill}", 38, "muted")
    y = 480
    for when, _, text in events:
        day, clock = when.split(" ")
        s.text(60, y, day, 34, "muted")
        s.text(60, y + 48, clock, 30, "muted")
        bottom = s.wrapped(240, y, text, 38, s.width - 300)
        y = max(bottom, y + 110) + 50
    return s.image


def phone_tracking_time_above(theme: Theme = DARK, *, courier: str = "京东快递",
                              waybill: str = "JDVA12345678901", events: Sequence[tuple[str, str]] = JD_EVENTS,
                              size: tuple[int, int] = (1080, 2160)) -> Image.Image:
    """JD app style: a full date-time line ABOVE each event's text."""
    s = Sheet(*size, theme)
    s.center(120, "物流跟踪", 48, "text")
    s.text(60, 240, f"{courier}  运单号 {waybill}", 38)
    y = 360
    for when, text in events:
        y = s.text(100, y, when, 32, "muted")
        y = s.wrapped(100, y, text, 38, s.width - 180) + 70
    return s.image


def desktop_tracking_table(theme: Theme = LIGHT, *, courier: str = "顺丰速运",
                           waybill: str = "SF1427395068213", events: Sequence[tuple[str, str]] = SF_EVENTS,
                           header: bool = True, size: tuple[int, int] = (1366, 768)) -> Image.Image:
    """Courier website / 千牛 PC: the time column left of the description column."""
    s = Sheet(*size, theme)
    s.box(40, 30, s.width - 40, size[1] - 30)
    s.text(80, 60, f"{courier} 运单查询", 26)
    s.text(80, 120, f"运单号：{waybill}", 18)
    y = 180
    if header:
        s.text(80, y, "时间", 17, "muted")
        s.text(360, y, "地点和跟踪进度", 17, "muted")
        y += 50
    for when, text in events:
        s.text(80, y, when, 17)
        y = s.wrapped(360, y, text, 17, 560) + 26
    return s.image


# ------------------------------------------------------------------------------ chat
def qianniu_pc_chat(theme: Theme = LIGHT, *, messages: Sequence[tuple[str, str, str]],
                    size: tuple[int, int] = (1366, 768)) -> Image.Image:
    """千牛 PC: a 'sender  date time' header line, the message text below it."""
    s = Sheet(*size, theme)
    s.text(40, 20, "千牛工作台 - 接待中心", 18, "muted")
    y = 80
    for sender, when, text in messages:
        s.text(60, y, f"{sender}  {when}", 16, "muted")
        y = s.wrapped(60, y + 30, text, 18, 900) + 24
    s.text(60, size[1] - 60, "快捷短语", 16, "muted")
    s.right(size[0] - 60, size[1] - 60, "发送", 18)
    return s.image


def phone_chat(theme: Theme = LIGHT, *, title: str, items: Sequence[tuple[str, str]],
               size: tuple[int, int] = (1080, 2160)) -> Image.Image:
    """Mobile chat: centred time separators ('time', text), bubbles ('left'/'right', text)."""
    s = Sheet(*size, theme)
    s.center(110, title, 44, "text")
    y = 240
    for kind, text in items:
        if kind == "time":
            y = s.center(y, text, 30) + 30
            continue
        lines = wrap(text, 40, 620)
        bubble_w = max(round(font(40).getlength(line)) for line in lines) + 60
        x0 = 170 if kind == "left" else s.width - 170 - bubble_w
        bottom = y + len(lines) * 58 + 40
        s.box(x0, y, x0 + bubble_w, bottom, "other_bubble" if kind == "left" else "self_bubble")
        for n, line in enumerate(lines):
            s.text(x0 + 30, y + 20 + n * 58, line, 40)
        y = bottom + 50
    s.right(s.width - 40, size[1] - 110, "发送", 38)
    return s.image


# ------------------------------------------------------------------------------ refund
def phone_refund(theme: Theme = LIGHT, *, state: str = "请等待商家处理",
                 countdown: str = "还剩2天13时05分", amount: str = "¥128.50",
                 refund_id: str = "20250420001", size: tuple[int, int] = (1080, 2160)) -> Image.Image:
    s = Sheet(*size, theme)
    s.center(110, "退款详情", 48, "text")
    s.text(60, 240, state, 52, "accent")
    s.text(60, 330, countdown, 38, "muted")
    s.box(30, 440, s.width - 30, 1000)
    for n, (key, value) in enumerate((("退款金额", amount), ("退款编号", refund_id),
                                      ("退款类型", "仅退款"), ("申请时间", "2025-04-20 10:02:11"))):
        s.text(80, 480 + n * 110, key, 38, "muted")
        s.right(s.width - 80, 480 + n * 110, value, 38)
    return s.image


def desktop_refund(theme: Theme = LIGHT, *, state: str = "待商家处理",
                   countdown: str = "还剩 1天 23小时 59分", amount: str = "128.50",
                   refund_id: str = "20250420001", size: tuple[int, int] = (1366, 768)) -> Image.Image:
    s = Sheet(*size, theme)
    s.text(60, 40, "退款详情", 26)
    s.text(60, 110, f"退款状态：{state}", 20)
    s.text(500, 110, countdown, 20, "accent")
    s.text(60, 170, f"退款编号：{refund_id}", 18)
    s.text(60, 220, f"退款金额：¥{amount}", 18)
    s.text(60, 270, "退款原因：未收到货", 18)
    return s.image
