"""Checks on a refusal text: length within the profile's limits, no contact details, polite."""

from __future__ import annotations

import re
from dataclasses import dataclass

from disputekit.profiles.model import Profile

PATTERNS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "phone": (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"),
              "电话号码", "a phone number"),
    "url": (re.compile(r"https?://|www\.|\b[a-z0-9-]+\.(?:com|cn|net|top|cc)\b", re.I),
            "网址链接", "a link"),
    "handle": (re.compile(r"(?:微信|weixin|wechat|vx|v信|qq|扣扣)\s*[::号]?\s*[A-Za-z0-9_-]{5,}", re.I),
               "联系方式（微信/QQ 号）", "a contact handle (WeChat/QQ)"),
}


@dataclass(frozen=True)
class TextProblem:
    code: str
    zh: str
    en: str


def char_count(text: str) -> int:
    """Characters as the platform counts them: Unicode code points."""
    return len(text)


def check_text(text: str, profile: Profile, *, limit_bytes: int | None = None) -> list[TextProblem]:
    problems: list[TextProblem] = []
    lo, hi = profile.limits.reason_min_chars.value, profile.limits.reason_max_chars.value
    n = char_count(text)
    if limit_bytes is None and not lo <= n <= hi:
        problems.append(TextProblem("length", f"长度 {n} 字，须在 {lo}–{hi} 字之间。",
                                    f"Length {n} characters; must be {lo}–{hi}."))
    if limit_bytes is not None and len(text.encode("utf-8")) > limit_bytes:
        size = len(text.encode("utf-8"))
        problems.append(TextProblem("bytes", f"长度 {size} 字节，超过 {limit_bytes} 字节。",
                                    f"{size} bytes, over the {limit_bytes}-byte limit."))
    for code, (pattern, zh, en) in PATTERNS.items():
        if pattern.search(text):
            problems.append(TextProblem(code, f"含有{zh}，平台不允许在理由中留联系方式或链接。",
                                        f"Contains {en}; contact details and links are not allowed."))
    rude = [w for w in profile.wording.abusive if w in text]
    if rude:
        problems.append(TextProblem("abusive", f"含有不当用语：{'、'.join(rude)}。请保持礼貌、陈述事实。",
                                    f"Contains abusive words: {', '.join(rude)}. Stay polite and factual."))
    return problems
