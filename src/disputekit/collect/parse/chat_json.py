"""The ``disputekit-chat/1`` JSON format, for integrations (specified in docs/formats-chat.md).

::

    {"format": "disputekit-chat/1", "timezone": "+08:00", "channel": "qianniu",
     "messages": [{"time": "2025-04-20T10:02:03", "sender": "买家小王", "text": "在吗"}]}

Unknown keys are errors (a newer format version must say so in ``format``). A time without an
offset is read in ``timezone`` (default ``+08:00``; an IANA name such as ``Asia/Shanghai`` also
works); ``null`` means unknown.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, ValidationError

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse import limits
from disputekit.collect.parse.chat_bounds import too_many_entries
from disputekit.collect.parse.roles import Channel, Roster
from disputekit.errors import InputFileError

FORMAT_ID = "disputekit-chat/1"
_JSON_START = re.compile(r"\s*[\[{]")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_MAX_ERRORS_SHOWN = 3


class JsonMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    time: str | None
    sender: str
    text: str
    recalled: bool = False
    transferred: bool = False
    read_status: Literal["read", "unread", "sending"] | None = None


class JsonChat(BaseModel):
    """The document; its messages are validated one at a time (``parse_json``), each raw
    message dropped once read, so a big chat is never held three times over (raw, validated,
    parsed)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    format: Literal["disputekit-chat/1"]
    timezone: str = "+08:00"
    channel: Channel = "unknown"
    messages: list[Any]


def looks_like_json(text: str) -> bool:
    """Starts with ``{`` or ``[`` and mentions a ``"messages"`` key."""
    return _JSON_START.match(text) is not None and '"messages"' in text


def parse_json(text: str, roster: Roster) -> Channel:
    """Read a ``disputekit-chat/1`` document into ``roster``; return its channel."""
    chat = _load(text)
    zone = parse_timezone(chat.timezone)
    raw = chat.messages
    errors: list[tuple[tuple[str | int, ...], str]] = []
    for i in range(len(raw)):
        try:
            message = JsonMessage.model_validate(raw[i])
        except ValidationError as exc:
            errors += [(("messages", i, *e["loc"]), e["msg"]) for e in exc.errors()]
            continue
        finally:
            raw[i] = None  # the raw dict is no longer needed
        if errors:
            continue  # keep counting the errors of the other messages
        roster.message(
            _message_time(message.time, zone, i),
            message.sender,
            message.text.replace("\r\n", "\n"),
            recalled=message.recalled,
            transferred=message.transferred,
            read_status=message.read_status,
        )
    if errors:
        detail = _error_detail(errors)
        raise _invalid(detail, detail)
    return chat.channel


def _load(text: str) -> JsonChat:
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputFileError(
            f"JSON 聊天记录无法解析：{exc}。",
            f"The JSON chat cannot be parsed: {exc}.",
            fix_zh="请检查 JSON 语法（引号、逗号、括号）。",
            fix_en="Check the JSON syntax (quotes, commas, brackets).",
        ) from exc
    if not isinstance(raw, dict):
        raise _invalid(
            f'顶层应为对象 {{"format": "{FORMAT_ID}", "messages": [...]}}',
            f'the top level must be an object {{"format": "{FORMAT_ID}", "messages": [...]}}',
        )
    messages = raw.get("messages")
    cap = limits.value("MAX_CHAT_ENTRIES")
    if isinstance(messages, list) and len(messages) > cap:  # before validating them all
        raise too_many_entries(cap)
    try:
        return JsonChat.model_validate(raw)
    except ValidationError as exc:
        detail = _validation_detail(exc)
        raise _invalid(detail, detail) from exc


def _validation_detail(exc: ValidationError) -> str:
    return _error_detail([(tuple(err["loc"]), err["msg"]) for err in exc.errors()])


def _error_detail(errors: list[tuple[tuple[str | int, ...], str]]) -> str:
    parts = [
        f"{'.'.join(str(p) for p in loc) or '(top level)'} → {msg}"
        for loc, msg in errors[:_MAX_ERRORS_SHOWN]
    ]
    more = len(errors) - len(parts)
    return "; ".join(parts) + (f"; (+{more})" if more > 0 else "")


def parse_timezone(value: str) -> tzinfo:
    """``+08:00``/``+0800``/``Z``/``UTC`` or an IANA name; ``+08:00`` is ``CHINA_TZ``."""
    text = value.strip()
    if text in ("Z", "UTC", "+00:00"):
        return UTC
    m = _OFFSET.fullmatch(text)
    if m is not None:
        return _offset_zone(m.group(1), int(m.group(2)), int(m.group(3)), value)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise _bad_timezone(value) from exc


def _offset_zone(sign: str, hours: int, minutes: int, value: str) -> tzinfo:
    if hours > 23 or minutes > 59:
        raise _bad_timezone(value)
    delta = timedelta(hours=hours, minutes=minutes) * (-1 if sign == "-" else 1)
    return CHINA_TZ if delta == timedelta(hours=8) else timezone(delta)


def _message_time(value: str | None, zone: tzinfo, index: int) -> datetime | None:
    if value is None:
        return None
    raw = value.strip()
    try:
        parsed = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith("Z") else raw)
    except ValueError as exc:
        raise _invalid(
            f"messages.{index}.time → 不是 ISO 8601 时间：{value!r}",
            f"messages.{index}.time → not an ISO 8601 time: {value!r}",
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _invalid(zh_detail: str, en_detail: str) -> InputFileError:
    return InputFileError(
        f"JSON 聊天记录不符合 {FORMAT_ID} 格式：{zh_detail}。",
        f"The JSON chat does not follow {FORMAT_ID}: {en_detail}.",
        fix_zh="格式说明见 docs/formats-chat.md。",
        fix_en="See docs/formats-chat.md for the format.",
    )


def _bad_timezone(value: str) -> InputFileError:
    return _invalid(
        f"timezone → 无法识别的时区 {value!r}（应为 +08:00 这样的偏移或 Asia/Shanghai）",
        f"timezone → unknown time zone {value!r} (use an offset such as +08:00 "
        "or a name such as Asia/Shanghai)",
    )
