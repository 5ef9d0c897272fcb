"""`disputekit check` end to end: exit codes, the --json contract, bad input as findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from disputekit.cli.main import cli
from rulekit import case, chat, items, make_case_dir, return_case, signed_evidence, t

NOW = "2025-04-21T10:00:00+08:00"


def check(case_dir: Path, *args: str, lang: str = "en") -> Result:
    return CliRunner().invoke(cli, ["--lang", lang, "check", str(case_dir), "--now", NOW, *args],
                              catch_exceptions=False)


def check_json(case_dir: Path, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = check(case_dir, "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def assert_contract(data: dict) -> None:  # type: ignore[type-arg]
    """The documented `check --json` interface (issue #3)."""
    assert isinstance(data["ready"], bool)
    assert data["ground"] is None or isinstance(data["ground"], str)
    if data["deadline"] is not None:
        d = data["deadline"]
        assert isinstance(d["at"], str) and isinstance(d["estimated"], bool)
        assert isinstance(d["hours_left"], float)
        assert t(d["at"])  # ISO 8601
    assert data["advice"]["action"] in ("refuse", "negotiate", "agree")
    assert isinstance(data["advice"]["why"], str) and data["advice"]["why"]
    for f in data["findings"]:
        assert isinstance(f["rule"], str)
        assert f["severity"] in ("blocking", "warning", "info")
        assert isinstance(f["message"], str) and f["message"]
        assert isinstance(f["exhibits"], list)
        assert all(isinstance(e, str) for e in f["exhibits"])


def test_ready_case_exits_0(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    code, data = check_json(tmp_path / "a")
    assert code == 0
    assert_contract(data)
    assert data["ready"] is True
    assert data["ground"] == "goods_signed"
    assert data["deadline"]["at"] == "2025-04-25T10:02:00+08:00"
    assert data["deadline"]["estimated"] is False
    assert data["deadline"]["hours_left"] == 96.03
    assert data["advice"]["action"] == "refuse"
    assert data["findings"] == []


def test_blocking_case_exits_3(tmp_path: Path) -> None:
    evidence = signed_evidence()[:1] + signed_evidence()[2:]  # no tracking
    make_case_dir(tmp_path / "a", case(), evidence)
    code, data = check_json(tmp_path / "a")
    assert code == 3
    assert_contract(data)
    assert data["ready"] is False
    assert data["advice"]["action"] == "negotiate"
    [missing] = [f for f in data["findings"] if f["rule"] == "grounds.evidence-present"]
    assert missing == {
        "rule": "grounds.evidence-present", "severity": "blocking",
        "message": "To refuse as 'Goods delivered and signed for (buyer says not received)' you "
                   "still need: shipment tracking record (signed status, signer, time) (add with "
                   "--tag shipment).",
        "message_zh": missing["message_zh"], "message_en": missing["message"],
        "exhibits": [],
    }


def test_findings_are_sorted_blocking_first(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(deadline=None), items(chat(channel="wechat")))
    _, data = check_json(tmp_path / "a")
    order = {"blocking": 0, "warning": 1, "info": 2}
    severities = [order[f["severity"]] for f in data["findings"]]
    assert severities == sorted(severities) and set(severities) == {0, 1, 2}


def test_estimated_deadline_and_null_deadline(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "est", case(deadline=None), signed_evidence())
    _, data = check_json(tmp_path / "est")
    assert data["deadline"]["estimated"] is True
    assert data["deadline"]["at"] == "2025-04-25T10:02:00+08:00"
    make_case_dir(tmp_path / "none", return_case(deadline=None, state_since=None))
    _, data = check_json(tmp_path / "none")
    assert_contract(data)
    assert data["deadline"] is None


def test_no_evidence_reports_what_is_missing(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case())
    code, data = check_json(tmp_path / "a")
    assert code == 3
    rules = {f["rule"]: f["message"] for f in data["findings"]}
    assert rules["evidence.none"].startswith("The case has no evidence yet.")
    assert ("shipment tracking record (signed status, signer, time) (add with --tag shipment); "
            "Qianniu/Wangwang chat record") in rules["grounds.evidence-present"]


def test_times_in_the_wrong_order_are_findings(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(paid_at=t("2025-04-17 09:00")), signed_evidence())
    code, data = check_json(tmp_path / "a")
    assert code == 3
    assert [f["message"] for f in data["findings"] if f["rule"] == "timeline.order"] == [
        "Times out of order: payment (2025-04-17 09:00) is after shipment (2025-04-16 15:20). "
        "Check case.toml."]


def test_unparseable_time_is_a_blocking_finding_not_a_crash(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    toml = tmp_path / "a" / "case.toml"
    toml.write_text(toml.read_text("utf-8").replace('shipped_at = "2025-04-16T15:20:00+08:00"',
                                                     'shipped_at = "last tuesday"'), "utf-8")
    code, data = check_json(tmp_path / "a")
    assert code == 3
    assert [f["message"] for f in data["findings"] if f["rule"] == "case.times"] == [
        "case.toml: shipped_at = 'last tuesday' is not a time (expected YYYY-MM-DD HH:MM); "
        "it was ignored. Fix it."]


def test_unparseable_required_time_is_a_clear_error(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    toml = tmp_path / "a" / "case.toml"
    text = toml.read_text("utf-8")
    start = text.index("requested_at = ")
    end = text.index("\n", start)
    toml.write_text(text[:start] + 'requested_at = "soon"' + text[end:], "utf-8")
    result = check(tmp_path / "a")
    assert result.exit_code == 5
    assert "case.toml is invalid" in result.stderr
    assert f"{toml}: requested_at: cannot read 'soon' (a date and time, China time); e.g. 2025-04-20 10:02" in result.stderr
    assert "Traceback" not in result.output


def test_ground_option_evaluates_without_saving(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    before = (tmp_path / "a" / "case.toml").read_bytes()
    code, data = check_json(tmp_path / "a", "--ground", "beyond_7day_window")
    assert (code, data["ground"]) == (3, "beyond_7day_window")
    assert [f["rule"] for f in data["findings"] if f["severity"] == "blocking"] == [
        "grounds.facts-established", "timeline.beyond-7-days"]
    assert (tmp_path / "a" / "case.toml").read_bytes() == before


def test_text_output_groups_findings(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence()[:1])
    result = check(tmp_path / "a")
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Case taobao-20250420001", "Verdict: not ready"]
    assert "Blocking (must fix) (2)" in lines  # the evidence and the facts it would show
    assert any(line.endswith("(grounds.evidence-present)") for line in lines)


def test_chinese_output(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(ground=None), signed_evidence())
    result = CliRunner().invoke(cli, ["--lang", "zh", "check", str(tmp_path / "a"), "--now", NOW,
                                      "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    [chosen] = [f for f in data["findings"] if f["rule"] == "grounds.chosen"]
    assert chosen["message"].startswith("还没有选择拒绝理由")
    assert chosen["message"] == chosen["message_zh"]


def test_shop_profile(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\nsmall_amount_cny = { value = 200, source = "shop rules 3", '
                    'confidence = "high" }\n', "utf-8")
    code, data = check_json(tmp_path / "a", "--profile", str(shop))
    assert (code, data["advice"]["action"]) == (0, "agree")


def test_bad_shop_profile_names_file_key_and_line(tmp_path: Path) -> None:
    make_case_dir(tmp_path / "a", case(), signed_evidence())
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\n\nchat_gap_hours = { value = "x", source = "shop", '
                    'confidence = "low" }\n', "utf-8")
    result = check(tmp_path / "a", "--profile", str(shop))
    assert result.exit_code == 5
    assert f"{shop}:3: thresholds.chat_gap_hours.value → " in result.stderr
