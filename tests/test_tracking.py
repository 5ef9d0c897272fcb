"""parse_tracking on kuaidi100 JSON, disputekit-tracking/1 and CSV, and every error message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse.tracking import parse_tracking
from disputekit.collect.parse.tracking_formats import MAX_BYTES, MAX_EVENTS
from disputekit.errors import ExitCode, InputFileError
from disputekit.models.facts import TrackingFacts
from disputekit.models.facts import TrackingStatus as S

TOO_MANY_EN = "Tracking file {} has 10,001 or more events, more than the limit of 10,000."
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "tracking"


def corpus_file(name: str) -> bytes:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} is absent")
    return path.read_bytes()


def k100(events: list[dict[str, object]], **top: object) -> bytes:
    """A kuaidi100 query response, newest event first like the real API."""
    body = {"message": "ok", "nu": "YT1234567890123", "ischeck": "0", "com": "yuantong",
            "status": "200", "state": "0", **top, "data": events}
    return json.dumps(body, ensure_ascii=False).encode()


def ev(time: str, context: str, **extra: object) -> dict[str, object]:
    return {"time": time, "ftime": time, "context": context, **extra}


def error_of(data: bytes, name: str = "t.json", **kwargs: object) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        parse_tracking(data, name=name, **kwargs)  # type: ignore[arg-type]
    assert info.value.exit_code is ExitCode.INPUT
    return info.value


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


# ------------------------------------------------------------------------------ corpus
@pytest.mark.corpus
def test_corpus_yuantong_in_delivery() -> None:
    facts = parse_tracking(corpus_file("kuaidi100_query_yuantong_in_delivery.json"),
                           name="kuaidi100_query_yuantong_in_delivery.json")
    assert facts.format == "kuaidi100-json"
    assert (facts.courier, facts.courier_name) == ("yuantong", "圆通速递")
    assert facts.waybill == "807209844896"
    assert facts.waybill_plausible is True
    assert facts.state == "5"
    assert facts.final_status is S.OUT_FOR_DELIVERY
    assert (facts.signed_at, facts.signer) == (None, None)
    assert len(facts.events) == 10
    assert facts.events[0].time == at("2016-06-15 11:18:02")
    assert [e.status for e in facts.events[:3]] == [S.COLLECTED, S.COLLECTED, S.IN_TRANSIT]
    # same timestamp: 已揽收 before 已打包, as in the (reversed) original
    assert facts.events[1].text.endswith("已揽收")
    assert facts.events[-1].status is S.OUT_FOR_DELIVERY
    assert facts.warnings == []


@pytest.mark.corpus
def test_corpus_jsonc_with_comments_is_rejected() -> None:
    name = "kuaidi100_query_lianhao_signed_with_comments.jsonc"
    err = error_of(corpus_file(name), name)
    assert err.zh == f"物流文件 {name} 在第 3 行第 24 列有注释（// 或 /* */），JSON 不允许注释。"
    assert err.en == (f"Tracking file {name} has a comment (// or /* */) at line 3, column 24; "
                      "JSON does not allow comments.")
    assert err.fix_en == "Remove the comments, or use the unmodified JSON returned by kuaidi100."


@pytest.mark.corpus
def test_corpus_jsonc_content_once_comments_are_removed() -> None:
    raw = corpus_file("kuaidi100_query_lianhao_signed_with_comments.jsonc").decode()
    clean = "\n".join(line.split("//")[0] for line in raw.splitlines())
    facts = parse_tracking(clean.encode(), name="lianhao.json")
    assert (facts.courier, facts.courier_name) == ("lianhaowuliu", "联昊通")
    assert facts.waybill_plausible is None  # no known pattern for 联昊通
    assert facts.final_status is S.SIGNED
    assert facts.signed_at == at("2018-07-17 11:26:35")
    assert facts.signer is None  # 签收人是【】: empty
    assert [e.status for e in facts.events][-2:] == [S.OUT_FOR_DELIVERY, S.SIGNED]


@pytest.mark.corpus
def test_corpus_garbled_json_names_position() -> None:
    name = "kuaidi100_query_jd_garbled.json"
    err = error_of(corpus_file(name), name)
    assert err.zh == f"物流文件 {name} 不是有效的 JSON：第 27 行第 9 列，缺少冒号。"
    assert err.en == (f"Tracking file {name} is not valid JSON: line 27, column 9: "
                      "Expecting ':' delimiter.")


@pytest.mark.corpus
def test_corpus_empty_file() -> None:
    err = error_of(corpus_file("empty.json"), "empty.json")
    assert err.zh == "物流文件 empty.json 是空的。"
    assert err.en == "Tracking file empty.json is empty."
    assert err.fix_zh == "请重新导出物流记录（快递100 查询结果 JSON 或 CSV）。"


# ------------------------------------------------------------------------------ kuaidi100
LOCKER_THEN_PICKUP = [
    ev("2024-05-03 18:20:00", "您的快件已取件，感谢使用"),
    ev("2024-05-03 09:10:00", "您的快件已由【幸福里菜鸟驿站】代收，请及时取件"),
    ev("2024-05-03 07:30:00", "【上海市】快递员张三正在派件"),
    ev("2024-05-01 20:00:00", "【杭州市】已揽收"),
]


def test_kuaidi100_locker_deposit_is_not_signing_but_pickup_is() -> None:
    facts = parse_tracking(k100(LOCKER_THEN_PICKUP, state="3", ischeck="1"))
    assert [e.status for e in facts.events] == [
        S.COLLECTED, S.OUT_FOR_DELIVERY, S.LOCKER, S.SIGNED]
    assert facts.signed_at == at("2024-05-03 18:20:00")
    assert facts.final_status is S.SIGNED
    assert facts.warnings == []


def test_kuaidi100_deposit_only() -> None:
    facts = parse_tracking(k100(LOCKER_THEN_PICKUP[1:], state="501"))
    assert facts.final_status is S.LOCKER
    assert (facts.signed_at, facts.signer) == (None, None)


def test_kuaidi100_station_signing_by_state_only() -> None:
    facts = parse_tracking(k100(LOCKER_THEN_PICKUP[1:], state="304", ischeck="1"))
    assert facts.final_status is S.SIGNED_PROXY
    assert facts.signed_at == at("2024-05-03 09:10:00")
    assert facts.signer == "幸福里菜鸟驿站"
    assert len(facts.warnings) == 2  # state/text disagreement, signing time from the state


def test_kuaidi100_proxy_signer() -> None:
    facts = parse_tracking(k100([ev("2024-05-03 12:00:00", "已签收，他人代收：门卫"),
                                 ev("2024-05-03 08:00:00", "正在派件")], state="3"))
    assert facts.final_status is S.SIGNED_PROXY
    assert facts.signer == "门卫"
    assert facts.signed_at == at("2024-05-03 12:00:00")


def test_kuaidi100_ischeck_without_signing_warns() -> None:
    facts = parse_tracking(k100([ev("2024-05-03 08:00:00", "正在派件")], ischeck="1"))
    assert facts.warnings == [
        "记录标记为已签收（ischeck=1），但没有找到签收轨迹。 / "
        "The record is flagged as signed (ischeck=1) but no signing event was found."
    ]


def test_kuaidi100_times_offsets_locations_and_integers() -> None:
    events = [
        {"ftime": "2024-05-02T01:00:00Z", "context": "到达", "areaName": "上海市"},
        ev("2024-05-01 23:00:00", "已揽收", location="杭州"),
    ]
    facts = parse_tracking(k100(events, state=0, ischeck=0, nu=1234567890123))
    assert facts.events[0].time == at("2024-05-01 23:00:00")
    assert facts.events[0].time.utcoffset() == timedelta(hours=8)
    assert facts.events[1].time == datetime(2024, 5, 2, 1, tzinfo=UTC)
    assert [e.location for e in facts.events] == ["杭州", "上海市"]
    assert facts.state == "0"
    assert facts.waybill == "1234567890123"


def test_kuaidi100_push_callback_is_unwrapped() -> None:
    inner = json.loads(k100([ev("2024-05-03 12:00:00", "已签收，签收人：李四")], state="3"))
    body = {"status": "polling", "billstatus": "check", "message": "", "lastResult": inner}
    facts = parse_tracking(json.dumps(body).encode())
    assert facts.signer == "李四"


def test_courier_record_wins_and_disagreement_warns() -> None:
    facts = parse_tracking(k100([ev("2024-05-03 08:00:00", "运输中")]), courier="顺丰")
    assert facts.courier == "yuantong"
    assert facts.warnings == [
        "记录中的快递公司“yuantong”与指定的“顺丰”不一致，按记录处理。 / "
        "The record's courier \"yuantong\" differs from the given \"顺丰\"; the record's is used."
    ]
    same = parse_tracking(k100([ev("2024-05-03 08:00:00", "运输中")]), courier="圆通")
    assert same.warnings == []


def test_courier_argument_used_when_record_has_none() -> None:
    facts = parse_tracking(k100([ev("2024-05-03 08:00:00", "运输中")], com=""), courier="中通")
    assert (facts.courier, facts.courier_name) == ("zhongtong", "中通快递")
    assert facts.waybill_plausible is False
    assert facts.warnings == [
        "运单号 YT1234567890123 不符合 zhongtong 已知的单号格式（仅为经验判断），请核对。 / "
        "Waybill YT1234567890123 does not match zhongtong's known number formats "
        "(a heuristic); check it."
    ]


def test_unknown_courier_is_kept_raw() -> None:
    facts = parse_tracking(k100([ev("2024-05-03 08:00:00", "运输中")], com="annengwuliu"))
    assert (facts.courier, facts.courier_name, facts.waybill_plausible) == (
        "annengwuliu", None, None)


# ------------------------------------------------------------------------------ kuaidi100 errors
@pytest.mark.parametrize(
    ("top", "reason"),
    [
        ({"result": False, "returnCode": "400", "message": "找不到对应公司"}, "找不到对应公司"),
        ({"returnCode": "500", "message": "查询无结果，请隔段时间再查"},
         "查询无结果，请隔段时间再查"),
        ({"status": "201", "message": "快递公司参数异常：单号不存在或者已经过期"},
         "快递公司参数异常：单号不存在或者已经过期"),
        ({"status": "400", "message": ""}, "status=400"),
        ({"result": False}, "result=false"),
    ],
)
def test_failed_query(top: dict[str, object], reason: str) -> None:
    err = error_of(json.dumps(top, ensure_ascii=False).encode())
    assert err.zh == f"物流文件 t.json 是一次失败的快递100 查询：{reason}。"
    assert err.en == f"Tracking file t.json records a failed kuaidi100 query: {reason}."


def test_no_tracking_found_message_is_a_failed_query() -> None:
    err = error_of(k100([], message="运单号不存在"))
    assert err.en == "Tracking file t.json records a failed kuaidi100 query: 运单号不存在."


def test_no_events() -> None:
    err = error_of(k100([]))
    assert err.zh == "物流文件 t.json 没有任何物流轨迹。"
    assert err.en == "Tracking file t.json has no tracking events."


@pytest.mark.parametrize(
    ("body", "zh", "en"),
    [
        ({"nu": "1", "data": {"time": "x"}}, "物流文件 t.json 中的 data 应为列表，而不是对象。",
         "In tracking file t.json, data must be a list, not an object."),
        ({"nu": "1"}, "物流文件 t.json 缺少 data。", "Tracking file t.json is missing data."),
        ({"nu": "1", "data": ["x"]}, "物流文件 t.json 中的 data[0] 应为对象，而不是字符串。",
         "In tracking file t.json, data[0] must be an object, not a string."),
        ({"nu": "1", "data": [{"context": "a"}]}, "物流文件 t.json 缺少 data[0].ftime。",
         "Tracking file t.json is missing data[0].ftime."),
        ({"nu": "1", "data": [ev("2024-05-01 08:00", "a"), {"time": 1714521600, "context": "b"}]},
         "物流文件 t.json 中的 data[1].time 应为字符串，而不是数字。",
         "In tracking file t.json, data[1].time must be a string, not a number."),
        ({"nu": "1", "data": [{"time": "2024-05-01 08:00"}]},
         "物流文件 t.json 缺少 data[0].context。",
         "Tracking file t.json is missing data[0].context."),
        ({"nu": "1", "data": [ev("2024-05-01 08:00", "a", location=["x"])]},
         "物流文件 t.json 中的 data[0].location 应为字符串，而不是列表。",
         "In tracking file t.json, data[0].location must be a string, not a list."),
        ({"nu": True, "data": [ev("2024-05-01 08:00", "a")]},
         "物流文件 t.json 中的 nu 应为字符串，而不是布尔值。",
         "In tracking file t.json, nu must be a string, not a boolean."),
        ({"lastResult": [1]}, "物流文件 t.json 中的 lastResult 应为对象，而不是列表。",
         "In tracking file t.json, lastResult must be an object, not a list."),
        ({"nu": "1", "data": [ev("昨天下午", "a")]},
         "物流文件 t.json 中 data[0].time 的时间“昨天下午”无法识别。",
         "In tracking file t.json, data[0].time has an unrecognised time \"昨天下午\"."),
    ],
)
def test_kuaidi100_wrong_shapes(body: dict[str, object], zh: str, en: str) -> None:
    err = error_of(json.dumps(body, ensure_ascii=False).encode())
    assert (err.zh, err.en) == (zh, en)


@pytest.mark.parametrize("value", ["1989-12-31 23:59", "2101-01-01 00:00", "0001-01-01T00:00Z"])
def test_implausible_years_are_refused(value: str) -> None:
    err = error_of(k100([ev(value, "a")]))
    assert err.en == f"In tracking file t.json, data[0].time has an unrecognised time \"{value}\"."


def test_bad_time_fix_says_the_format() -> None:
    err = error_of(k100([ev("2024-13-01 08:00", "a")]))
    assert err.fix_zh == (
        "时间应写作 2024-05-01 13:45:00 或 ISO 8601（如 2024-05-01T13:45:00+08:00）。"
    )


def test_too_many_events() -> None:
    err = error_of(k100([ev("2024-05-01 08:00", "a")] * (MAX_EVENTS + 1)))
    assert err.zh == "物流文件 t.json 有 10,001 条以上的轨迹，超过上限 10,000 条。"
    assert err.en == TOO_MANY_EN.format("t.json")


def test_max_events_is_accepted() -> None:
    facts = parse_tracking(k100([ev("2024-05-01 08:00", "运输中")] * MAX_EVENTS))
    assert len(facts.events) == MAX_EVENTS


def test_too_large() -> None:
    err = error_of(b"{" + b" " * MAX_BYTES)
    assert err.en == ("Tracking file t.json is 20,971,521 bytes, more than the "
                      "20,971,520-byte limit.")
    assert err.fix_en == "Keep only this shipment's tracking record."


# ------------------------------------------------------------------------------ JSON errors
@pytest.mark.parametrize("body", [b"{}", b"[]", b'"text"', b"42", b'{"foo": 1}', b"null"])
def test_unrecognised_json(body: bytes) -> None:
    err = error_of(body)
    assert err.zh == ("物流文件 t.json 里没有可识别的物流数据"
                      "（需要快递100 查询结果或 disputekit-tracking/1）。")
    assert err.en == ("Tracking file t.json holds no recognisable tracking data "
                      "(expected a kuaidi100 query result or disputekit-tracking/1).")


def test_truncated_json() -> None:
    err = error_of(b'{"nu": "1", "data": [')
    assert err.en == "Tracking file t.json is not valid JSON: line 1, column 22: Expecting value."
    assert err.zh == "物流文件 t.json 不是有效的 JSON：第 1 行第 22 列，此处应有一个值。"


def test_block_comment() -> None:
    err = error_of(b'{\n  /* note */ "nu": "1"}')
    assert err.zh == "物流文件 t.json 在第 2 行第 3 列有注释（// 或 /* */），JSON 不允许注释。"


def test_deeply_nested_json() -> None:
    err = error_of(b"[" * 100_000 + b"]" * 100_000)
    assert err.en == "Tracking file t.json nests JSON too deeply."


def test_huge_integer() -> None:
    err = error_of(b'{"nu": ' + b"1" * 5000 + b"}")
    assert err.en.startswith("Tracking file t.json is not valid JSON (Exceeds the limit")


def test_json_name_with_other_content_is_a_json_error() -> None:
    err = error_of("时间,描述\n".encode(), "track.json")
    assert err.en.startswith("Tracking file track.json is not valid JSON: line 1, column 1")


def test_unnamed_file() -> None:
    err = error_of(b"", name="")
    assert (err.zh, err.en) == ("物流文件 是空的。", "The tracking file is empty.")


def test_name_is_cleaned_of_control_characters() -> None:
    err = error_of(b"", name="a\x1b[31mb.json")
    assert err.en == "Tracking file a [31mb.json is empty."


# ------------------------------------------------------------------------------ encodings
def test_undecodable_bytes() -> None:
    err = error_of(b"time,text\n\x80\x80", "t.csv")
    assert err.zh == "物流文件 t.csv 既不是 UTF-8 也不是 GB18030 编码的文本。"
    assert err.en == "Tracking file t.csv is neither UTF-8 nor GB18030 text."


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16", "utf-8"])
def test_csv_encodings(encoding: str) -> None:
    text = "时间,描述,地点\n2024-05-01 08:00:00,【杭州市】已揽收,杭州\n"
    facts = parse_tracking(text.encode(encoding), name="t.csv")
    assert facts.events[0].text == "【杭州市】已揽收"
    assert facts.events[0].location == "杭州"


def test_kuaidi100_json_with_bom() -> None:
    data = "\ufeff".encode() + k100([ev("2024-05-01 08:00:00", "已揽收")])
    assert parse_tracking(data).events[0].status is S.COLLECTED


# ------------------------------------------------------------------------------ CSV
@pytest.mark.parametrize(
    "text",
    [
        "时间,描述\n2024-05-02 10:00,已签收，签收人：张三\n2024-05-01 08:00,已揽收\n",
        "Time,Description,Location\n2024-05-01 08:00,已揽收,杭州\n"
        "2024-05-02 10:00,已签收，签收人：张三,\n",
        "2024-05-01 08:00,已揽收\n2024-05-02 10:00,已签收，签收人：张三\n",
        "地点\t内容\t时间\n杭州\t已揽收\t2024/5/1 8:00\n"
        "\t已签收，签收人：张三\t2024-05-02 10:00:00\n",
        "日期;物流信息\n2024年5月1日 08:00;已揽收\n\n2024年5月2日 10:00;已签收，签收人：张三\n",
    ],
)
def test_csv_variants(text: str) -> None:
    facts = parse_tracking(text.encode(), name="t.csv")
    assert isinstance(facts, TrackingFacts)
    assert facts.format == "csv"
    assert (facts.courier, facts.waybill) == (None, None)
    assert [e.status for e in facts.events] == [S.COLLECTED, S.SIGNED]
    assert facts.signed_at == at("2024-05-02 10:00:00")
    assert facts.signer == "张三"
    assert facts.final_status is S.SIGNED


def test_csv_courier_argument() -> None:
    facts = parse_tracking("2024-05-01 08:00,已揽收\n".encode(), name="t.csv", courier="顺丰")
    assert (facts.courier, facts.courier_name) == ("shunfeng", "顺丰速运")


def test_csv_unrecognised_header() -> None:
    err = error_of("日子,事情\n2024-05-01,揽收\n".encode(), "t.csv")
    assert err.zh == "物流文件 t.csv 的 CSV 表头无法识别：日子,事情。"
    assert err.en == "Tracking file t.csv has an unrecognised CSV header: 日子,事情."


def test_csv_bad_time() -> None:
    err = error_of("时间,描述\n2024-05-01 08:00,已揽收\nsoon,到达\n".encode(), "t.csv")
    assert err.zh == "物流文件 t.csv 中第 3 行的时间“soon”无法识别。"
    assert err.en == "In tracking file t.csv, line 3 has an unrecognised time \"soon\"."


def test_csv_missing_description() -> None:
    err = error_of("时间,描述\n2024-05-01 08:00,\n".encode(), "t.csv")
    assert (err.zh, err.en) == ("物流文件 t.csv 第 2 行缺少描述。",
                                "Tracking file t.csv line 2 has no description.")


def test_csv_header_only_has_no_events() -> None:
    err = error_of("时间,描述\n".encode(), "t.csv")
    assert err.en == "Tracking file t.csv has no tracking events."


def test_csv_too_many_rows() -> None:
    rows = "".join("2024-05-01 08:00,运输中\n" for _ in range(MAX_EVENTS + 1))
    err = error_of(rows.encode(), "t.csv")
    assert err.en == TOO_MANY_EN.format("t.csv")


# ------------------------------------------------------------------------------ disputekit JSON
def dk(**body: object) -> bytes:
    return json.dumps({"format": "disputekit-tracking/1", **body}, ensure_ascii=False).encode()


def test_disputekit_format() -> None:
    facts = parse_tracking(dk(courier="极兔", waybill="jt 1234567890123", events=[
        {"time": "2024-05-01T08:00:00", "text": "已揽收", "location": "义乌"},
        {"time": "2024-05-03T10:00:00+08:00", "text": "快件已放入丰巢快递柜"},
        {"time": "2024-05-03T19:00:00+08:00", "text": "已从快递柜取出"},
    ]))
    assert facts.format == "disputekit-tracking/1"
    assert (facts.courier, facts.courier_name) == ("jtexpress", "极兔速递")
    assert facts.waybill == "JT1234567890123"
    assert facts.waybill_plausible is True
    assert facts.state is None
    assert [e.status for e in facts.events] == [S.COLLECTED, S.LOCKER, S.SIGNED]
    assert facts.signed_at == at("2024-05-03 19:00:00")


def test_disputekit_courier_and_waybill_are_optional() -> None:
    facts = parse_tracking(dk(events=[{"time": "2024-05-01 08:00", "text": "已揽收"}]))
    assert (facts.courier, facts.waybill, facts.waybill_plausible) == (None, None, None)


@pytest.mark.parametrize(
    ("body", "en"),
    [
        (dk(events=[], extra=1),
         "Tracking file t.json has an unknown key extra (allowed: format, courier, waybill, "
         "events)."),
        (dk(events=[{"time": "2024-05-01", "text": "a", "where": "x"}]),
         "Tracking file t.json has an unknown key events[0].where (allowed: time, text, "
         "location)."),
        (dk(events="none"), "In tracking file t.json, events must be a list, not a string."),
        (dk(events=[{"time": "2024-05-01"}]), "Tracking file t.json is missing events[0].text."),
        (dk(courier=3, events=[]),
         "In tracking file t.json, courier must be a string, not a number."),
        (json.dumps({"format": "disputekit-tracking/2", "events": []}).encode(),
         "Tracking file t.json has format \"disputekit-tracking/2\", which is not supported "
         "(disputekit-tracking/1 is)."),
        (json.dumps({"format": None}).encode(), "Tracking file t.json is missing format."),
    ],
)
def test_disputekit_errors(body: bytes, en: str) -> None:
    assert error_of(body).en == en


def test_disputekit_unknown_key_zh() -> None:
    err = error_of(dk(events=[], extra=1))
    assert err.zh == (
        "物流文件 t.json 中有未知字段 extra（可用：format, courier, waybill, events）。"
    )
