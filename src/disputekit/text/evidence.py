"""Plain-text summaries of evidence for the terminal (``list``, ``inspect``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from disputekit.i18n import current_lang, pick
from disputekit.kinds import SPECS, label
from disputekit.models.evidence import EvidenceItem
from disputekit.text.names import status_name, tag_name


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def chat_summary(facts: dict[str, Any]) -> str:
    msgs = facts.get("messages", [])
    span = f"{msgs[0]['time'] or '?'} → {msgs[-1]['time'] or '?'}" if msgs else ""
    return pick(
        f"{len(msgs)} 条消息，{facts.get('encoding')}，参与者 {', '.join(facts.get('participants', []))};{span}",
        f"{len(msgs)} messages, {facts.get('encoding')}, participants {', '.join(facts.get('participants', []))}; {span}",
    )


def tracking_summary(facts: dict[str, Any]) -> str:
    signed = facts.get("signed_at") or pick("未签收", "not signed")
    return pick(
        f"{facts.get('courier') or '?'} {facts.get('waybill') or '?'},{len(facts.get('events', []))} 条轨迹，签收 {signed} {facts.get('signer') or ''}",
        f"{facts.get('courier') or '?'} {facts.get('waybill') or '?'}, {len(facts.get('events', []))} events, signed {signed} {facts.get('signer') or ''}",
    ).rstrip()


def image_summary(facts: dict[str, Any]) -> str:
    taken = facts.get("taken_at") or pick("无拍摄时间", "no capture time")
    soft = f", software {facts['software']}" if facts.get("software") else ""
    return f"{facts.get('width')}×{facts.get('height')} {facts.get('format')}, {taken}{soft}"


def document_summary(facts: dict[str, Any]) -> str:
    text = pick("有文字", "has text") if facts.get("has_text") else pick("无文字层", "no text")
    return f"PDF, {facts.get('pages')} " + pick("页", "pages") + f", {text}"


def clock(seconds: float) -> str:
    """``mm:ss`` (``h:mm:ss`` from one hour), like a player's clock."""
    minutes, sec = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{sec:02d}" if hours else f"{minutes:02d}:{sec:02d}"


def video_summary(facts: dict[str, Any]) -> str:
    taken = facts.get("taken_at") or pick("无拍摄时间", "no capture time")
    device = " ".join(str(x) for x in (facts.get("make"), facts.get("model")) if x)
    edited = pick(f"，经 {facts['edited_by']} 编辑", f", edited with {facts['edited_by']}") \
        if facts.get("edited") else ""
    cut = pick("，文件不完整", ", truncated") if facts.get("truncated") else ""
    length = float(facts.get("duration_s") or 0)
    return (f"{facts.get('width')}×{facts.get('height')} {facts.get('format')}, {length:.0f} s, "
            f"{taken}" + (f", {device}" if device else "") + edited + cut)


def video_details(facts: dict[str, Any]) -> list[str]:
    keys = ("rotation", "fps", "video_codec", "audio_codec", "taken_at_source", "encoder",
            "software", "handler")
    return [f"{key}: {facts[key]}" for key in keys if facts.get(key) not in (None, "", 0)]


def key_facts(facts: dict[str, Any]) -> str:
    """One line of the facts that matter most for each kind (the kinds table's ``summary``)."""
    found = SPECS.get(str(facts.get("kind")))
    return "" if found is None else str(found.call("summary", facts))


def chat_details(facts: dict[str, Any]) -> list[str]:
    lines = []
    for m in facts.get("messages", []):
        flag = pick(" [撤回]", " [recalled]") if m.get("recalled") else ""
        lines.append(f"#{m['index']:<4} {m['time']}  {m['sender']} ({m.get('role')}){flag}")
        lines.extend("      " + part for part in str(m["text"]).splitlines())
    return lines


def tracking_details(facts: dict[str, Any]) -> list[str]:
    return [f"{e['time']}  [{status_name(str(e['status']))}]  {e['text']}" for e in facts.get("events", [])]


def _kind(kind: str) -> str:
    """The kind's Chinese name under a Chinese locale; English output keeps the kind's word."""
    return label(kind, "zh") if current_lang() == "zh" else kind


def evidence_rows(items: Sequence[EvidenceItem]) -> list[str]:
    rows = []
    for item in items:
        caption = f" “{item.caption}”" if item.caption else ""
        tag = f" [{tag_name(item.tag)}]" if item.tag else ""
        rows.append(
            f"{item.id:<4} {_kind(item.kind):<10} {item.name}{caption}{tag}  {human_size(item.size)}  "
            f"sha256:{item.sha256[:16]}…\n      {key_facts(item.facts)}"
        )
        if item.marks:
            rows.append("      " + pick("重点消息：", "key messages: ") + ", ".join(map(str, item.marks)))
        if item.frames:
            rows.append("      " + pick("标记画面：", "marked frames: ")
                        + ", ".join(clock(t) for t in item.frames))
        if item.typed:
            typed = ", ".join(f"{k}={v}" for k, v in item.typed.items())
            rows.append("      " + pick("代理人录入：", "typed by the agent: ") + typed)
        if item.withdrawn:
            w = item.withdrawn
            rows.append("      " + pick(f"已撤回（{w.at:%Y-%m-%d %H:%M}，{w.by}）：{w.reason}",
                                         f"withdrawn ({w.at:%Y-%m-%d %H:%M}, {w.by}): {w.reason}"))
    return rows


def facts_lines(facts: dict[str, Any], *, full: bool = False) -> list[str]:
    lines = [f"{facts.get('kind')}: {key_facts(facts)}"]
    if not full:
        return lines
    found = SPECS.get(str(facts.get("kind")))
    if found is not None and found.details is not None:
        lines.extend(found.call("details", facts))
    for warning in [*facts.get("decode_warnings", []), *facts.get("warnings", [])]:
        lines.append(pick("注意：", "Note: ") + warning)
    return lines
