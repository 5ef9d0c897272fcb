"""No crash, no control character (issue 15 §8): the values the red-team pass used to crash a
command (exit 1) or slip through now give a clear error with its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from disputekit.cli.main import cli

INIT = ["init", "CASE", "--order-id", "3712345678901234567", "--refund-id", "20250420001",
        "--buyer", "tb_小明2021", "--seller", "悦家旗舰店", "--amount", "128.50",
        "--refund-type", "refund_only", "--state", "waiting_seller_agree",
        "--requested-at", "2025-04-20 10:02"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--lang", "en", *args], env=env)


@pytest.mark.parametrize("value", ["garbage", "2025-04-21T09:00:00+99:00", "9999-12-31"])
def test_now_that_is_not_a_time_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 value: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*INIT, "--now", value)
    assert result.exit_code == 2, result.output
    assert f"--now: {value!r} is not a usable time (ISO 8601, years 2000–2100)." \
        in result.output
    assert not (tmp_path / "CASE").exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999"])
def test_source_date_epoch_junk_is_a_usage_error(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 value: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*INIT, env={"SOURCE_DATE_EPOCH": value})
    assert result.exit_code == 2, result.output
    assert f"SOURCE_DATE_EPOCH: {value!r} is not a usable time" in result.output


def test_search_until_the_last_day_of_year_9999(tmp_path: Path) -> None:
    result = run("search", str(tmp_path / "nowhere"), "--until", "9999-12-31")
    assert result.exit_code == 2, result.output
    assert "--until: cannot read the date '9999-12-31' (expected YYYY-MM-DD)." in result.output


def test_a_huge_name_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(*INIT, "--now", "2025-04-21T09:00+08:00").exit_code == 0
    result = run("build", "CASE", "--by", "王" * 10_000, "--now", "2025-04-21T09:00+08:00")
    assert result.exit_code == 2, result.output
    assert "--by: a name must be 1–64 printable characters (10000 given)." in result.output


def _case_toml(tmp_path: Path, extra: str) -> Path:
    case = tmp_path / "case"
    case.mkdir()
    (case / "case.toml").write_text(
        'schema_version = 1\norder_id = "1"\nrefund_id = "2"\nbuyer = "b"\nseller = "s"\n'
        f'amount = "100.00"\nrequested_at = "2025-04-20 10:02"\n{extra}', "utf-8")
    return case


def test_deeply_nested_case_toml(tmp_path: Path) -> None:
    case = _case_toml(tmp_path, "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = run("check", str(case), "--now", "2025-04-21T09:00+08:00")
    assert result.exit_code == 5, result.output
    assert "is nested too deeply to be parsed" in result.output


@pytest.mark.parametrize(("value", "message"), [
    ("-1e9", "gift_value: cannot read '-1000000000.0' (must not be negative)"),
    ("200", "gift_value 200.00 is above the refund amount 100.00"),
])
def test_gift_value_outside_the_amount(tmp_path: Path, value: str, message: str) -> None:
    case = _case_toml(tmp_path, f"gift_value = {value}\n")
    result = run("check", str(case), "--now", "2025-04-21T09:00+08:00")
    assert result.exit_code == 5, result.output
    assert message in result.output


@pytest.mark.parametrize("buyer", ["evil\\u001b[2J", "bell\\u0007", "rlo\\u202egnp.exe"])
def test_control_characters_in_the_buyer_never_reach_the_terminal(tmp_path: Path,
                                                                  buyer: str) -> None:
    case = _case_toml(tmp_path, "").parent / "case"
    text = (case / "case.toml").read_text("utf-8").replace('buyer = "b"', f'buyer = "{buyer}"')
    (case / "case.toml").write_text(text, "utf-8")
    for command in (["check", str(case)], ["review", str(case)]):
        result = run(*command, "--now", "2025-04-21T09:00+08:00")
        assert result.exit_code == 5, result.output
        assert "buyer → Value error, contains control or bidi-override characters" \
            in result.output
        assert not any(ch in result.output for ch in "\x1b\x07\u202e")
