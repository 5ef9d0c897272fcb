"""A long chat is shown as an excerpt with an index of what was left out (issue 13 §4)."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from disputekit.assemble.chat_excerpt import Anchors, message_locators, rule_cited, select
from disputekit.clock import parse_time
from disputekit.models.facts import ChatFacts, Message, Role
from disputekit.profiles.load import load_profile
from disputekit.profiles.model import DossierLayout

START = parse_time("2025-04-01T09:00:00+08:00")
REQUEST = parse_time("2025-04-20T10:00:00+08:00")


def layout(**values: float) -> DossierLayout:
    base = load_profile("taobao").dossier.model_dump()
    for key, value in values.items():
        base[key]["value"] = value
    return DossierLayout.model_validate(base)


def long_chat(n: int, step: timedelta = timedelta(hours=1), start: datetime = START,
              text: str = "在吗") -> ChatFacts:
    messages = [Message(index=i + 1, time=start + i * step, sender="买家" if i % 2 else "店:客服",
                        role=Role.BUYER if i % 2 else Role.SELLER, text=f"{text} {i + 1}")
                for i in range(n)]
    return ChatFacts(format="qianniu-text", encoding="gbk", participants=["买家", "店:客服"],
                     messages=messages)


def numbers(excerpt_messages: list[Message]) -> list[int]:
    return [m.index for m in excerpt_messages]


NO_ANCHORS = Anchors([], [], [])


def test_a_short_chat_is_shown_whole() -> None:
    facts = long_chat(300)
    ex = select(facts, NO_ANCHORS, REQUEST, layout(chat_whole_up_to=300))
    assert ex.whole and len(ex.shown) == 300 and not ex.capped


def test_marked_message_with_context_and_the_day_before_the_request() -> None:
    facts = long_chat(1000)  # hourly from 04-01 09:00: message 458 is 04-20 10:00
    ex = select(facts, Anchors(marked=[99], quoted=[], cited=[]), REQUEST,
                layout(chat_context=2, chat_before_request_hours=24, chat_after_request_hours=3))
    shown = numbers(ex.shown)
    assert shown[:5] == [98, 99, 100, 101, 102]  # message 100 (position 99) ± 2
    request_pos = next(m.index for m in facts.messages if m.time == REQUEST)
    assert shown[5:] == list(range(request_pos - 24, request_pos + 4))  # 24 h before, 3 h after
    assert not ex.capped


def test_omitted_ranges_cover_exactly_what_is_not_shown() -> None:
    facts = long_chat(1000)
    ex = select(facts, Anchors(marked=[10, 500], quoted=[700], cited=[999]), REQUEST, layout())
    shown = set(numbers(ex.shown))
    left_out: set[int] = set()
    for gap in ex.omitted:
        run = set(range(gap.first, gap.last + 1))
        assert len(run) == gap.count and not run & shown
        assert gap.start == facts.messages[gap.first - 1].time
        assert gap.end == facts.messages[gap.last - 1].time
        left_out |= run
    assert shown | left_out == set(range(1, 1001)) and not shown & left_out
    assert {997, 998, 999, 1000} <= shown and 996 not in shown  # the last message, 3 before it


def test_the_cap_keeps_marked_before_quoted_before_the_request_window() -> None:
    facts = long_chat(2000, step=timedelta(minutes=1), start=REQUEST - timedelta(hours=10))
    ex = select(facts, Anchors(marked=[5], quoted=[1900], cited=[]), REQUEST,
                layout(chat_context=1, chat_max_shown=20))
    shown = numbers(ex.shown)
    assert ex.capped and len(shown) == 20
    assert {5, 6, 7} <= set(shown) and {1900, 1901, 1902} <= set(shown)
    assert 601 in shown  # the request minute comes first among the window's messages


def test_message_locators_pick_this_exhibits_message_facts() -> None:
    found = message_locators([("E1", "message 19"), ("E2", "message 3"), ("E1", "event 4"),
                              ("E1", None), ("E1", "message 24")], "E1")
    assert found == {19, 24}


def test_rule_cited_messages() -> None:
    facts = long_chat(50)
    msgs = list(facts.messages)
    msgs[3] = msgs[3].model_copy(update={"recalled": True})
    msgs[7] = msgs[7].model_copy(update={"time": None})
    msgs[11] = msgs[11].model_copy(update={"text": "订单 4455667788990011 什么时候到"})
    msgs[20] = msgs[20].model_copy(update={"text": "1"})  # a short order id is not looked for
    gap_start = msgs[30].time
    assert gap_start is not None
    for i in range(31, 50):  # a 100-hour silence after message 31 spanning the request
        t = msgs[i].time
        assert t is not None
        msgs[i] = msgs[i].model_copy(update={"time": t + timedelta(hours=100)})
    facts = facts.model_copy(update={"messages": msgs})
    cited = rule_cited(facts, gap_start + timedelta(hours=50), ["4455667788990011", "1"], 72)
    assert sorted(set(cited)) == [3, 7, 11, 30, 31]


# --------------------------------------------------------------------------- in the dossier

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


@pytest.mark.slow
def test_long_chat_dossier_shows_the_excerpt_index_and_where_the_transcript_is(tmp_path: Path) -> None:
    from bench_chat import BUYER, SELLER, make_export

    from disputekit.assemble.build import build_dossier
    chat = tmp_path / "chat.txt"
    chat.write_bytes(make_export(2000))  # one message every 7 s from 2025-04-20 09:00
    case = tmp_path / "CASE"
    from click.testing import CliRunner

    from disputekit.cli.main import cli
    runner = CliRunner()
    now = "2025-04-21T09:00:00+08:00"
    made = runner.invoke(cli, ["--lang", "zh", "init", str(case), "--order-id", "1", "--refund-id", "2",
                                "--buyer", BUYER, "--seller", SELLER, "--amount", "12",
                                "--requested-at", "2025-04-20 12:00", "--now", now])
    assert made.exit_code == 0, made.output
    shop = tmp_path / "shop.toml"
    shop.write_text(
        "[dossier]\n"
        'chat_before_request_hours = { value = 0.1, source = "test", confidence = "high" }\n'
        'chat_after_request_hours = { value = 0.1, source = "test", confidence = "high" }\n',
        "utf-8")
    for args in (["add", str(case), str(chat)], ["mark", str(case), "E1", "--message", "40"]):
        done = runner.invoke(cli, ["--lang", "zh", *args, "--now", now])
        assert done.exit_code == 0, done.output
    from disputekit.models.build import BuildOptions
    result = build_dossier(case, BuildOptions(now=parse_time(now), upload=False, draft=True,
                                                profile_path=shop))
    review = "".join(p.extract_text() for p in PdfReader(result.dossier).pages)
    squashed = re.sub(r"\s+", "", review)
    assert "聊天较长（共2,000条）" in squashed
    assert "省略索引" in squashed and "E1.masked.txt" in squashed
    headers = set(re.findall(r"#(\d+)\s+\S+\s+2025-04-20 \d\d:\d\d:\d\d", review))  # "#43 sender time"
    assert {"37", "40", "43"} <= headers and not {"36", "44", "1000"} & headers
    assert result.excerpts == {"E1": {"messages": 2000, "shown": len(headers)}}
    assert "#1–#36" in squashed  # the first omitted run, in the index
    assert "买家申请退款2025-04-2012:00" in squashed
    assert result.submission is not None
    submission = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(result.submission).pages))
    assert "完整聊天记录由卖家保存" in submission and "E1.masked.txt" not in submission
