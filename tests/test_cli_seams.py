"""One name per concept across commands, old names kept as hidden aliases, CASE defaulting to
the current folder, JSON as documented, and no option value that ends in a traceback."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disputekit.cli.main import COMMANDS, cli

NOW = "2025-04-21T09:00:00+08:00"
INIT = ["--order-id", "3712345678901234567", "--refund-id", "20250420001", "--buyer", "b",
        "--seller", "s", "--amount", "12", "--requested-at", "2025-04-20 10:02", "--now", NOW]
# What each shared option name means, wherever it appears (a type name or a choice list).
MEANING = {
    "--lang": ["zh", "en"],  # the language of what the command writes
    "--json": "BOOL",
    "--now": "TEXT",
    "--by": "TEXT",
    "--message": "INTEGER",  # a chat message number (mark); a comment is --comment
    "--comment": "TEXT",
    "--tag": "CHOICE",
    "--caption": "TEXT",
    "--courier": "TEXT",
    "--waybill": "TEXT",
    "--ground": "CHOICE",
    "--profile": "FILE",
}


def run(*args: str, **kw: Any) -> Any:
    return CliRunner().invoke(cli, ["--lang", "en", *args], **kw)


def commands() -> dict[str, click.Command]:
    ctx = click.Context(cli)
    found = {name: cli.get_command(ctx, name) for name in COMMANDS}
    return {name: command for name, command in found.items() if command is not None}


def meaning(param: click.Option) -> object:
    if isinstance(param.type, click.Choice) and set(param.type.choices) == {"zh", "en"}:
        return ["zh", "en"]
    if isinstance(param.type, click.Choice):
        return "CHOICE"
    if isinstance(param.type, click.Path):
        return "FILE"
    return "BOOL" if param.is_flag else param.type.name.upper()


def test_option_names_mean_the_same_thing_in_every_command() -> None:
    wrong = []
    for name, command in commands().items():
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            for flag in param.opts:
                if flag in MEANING and meaning(param) != MEANING[flag]:
                    wrong.append(f"{name} {flag}: {meaning(param)}, elsewhere {MEANING[flag]}")
    assert wrong == []


def test_no_command_shows_an_old_name() -> None:
    shown = {flag for command in commands().values() for p in command.params
             if isinstance(p, click.Option) for flag in p.opts}
    assert not shown & {"--case-lang"}
    messages = [n for n, c in commands().items() for p in c.params
                if isinstance(p, click.Option) and "--message" in p.opts]
    assert messages == ["mark"]


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run("init", "CASE", *INIT).exit_code == 0
    return tmp_path / "CASE"


def test_old_names_still_work(case: Path) -> None:
    for flag, comment in (("--message", "no photo"), ("-m", "no chat"), ("--comment", "no tracking")):
        assert run("return", str(case), "--by", "lead", flag, comment, "--now", NOW).exit_code == 0
        decisions = run("review", str(case), "--json", "--now", NOW)
        assert json.loads(decisions.output)["last_decision"]["comment"] == comment
    draft = run("draft", str(case), "--case-lang", "en", "--now", NOW)
    assert "no such option" not in draft.output


def test_case_defaults_to_the_current_folder(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(case)
    assert run("list").output == "No evidence yet. Add some with `disputekit add`.\n"
    assert run("check", "--json", "--now", NOW).exit_code in (0, 3)
    monkeypatch.chdir(case.parent)
    outside = run("check")
    assert (outside.exit_code, outside.output.splitlines()[-1]) == (
        2, "Error: Missing argument CASE (the current folder is not a case: no case.toml).")


def test_init_json_and_utf8(case: Path, tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "other"), *INIT[:-2], "--buyer-claim", "没收到", "--json",
                 "--now", NOW)
    assert '"buyer_claim": "没收到"' in result.output  # UTF-8, no \\u escapes
    assert json.loads(result.output)["case"] == "taobao-20250420001"


def test_verify_json_problems_use_the_documented_key(case: Path) -> None:
    with (case / ".disputekit" / "audit.jsonl").open("a", encoding="utf-8") as log:
        log.write('{"seq": 2, "action": "forged"}\n')
    data = json.loads(run("verify", str(case), "--json").output)
    assert data["problems"] and all({"path", "problem", "message"} <= set(p) for p in data["problems"])


def test_queue_shows_folders(case: Path) -> None:
    lines = run("queue", str(case.parent), "--now", NOW).output.splitlines()
    assert lines[0].endswith("folder") and lines[1].endswith(str(case))


# --------------------------------------------------------------------------- no traceback

SKIP = {"--out", "--to", "--help", "--version"}  # paths written to; Click's own


def value_options() -> list[tuple[str, str]]:
    return [(name, param.opts[0]) for name, command in commands().items()
            for param in command.params
            if isinstance(param, click.Option) and not param.is_flag and param.opts[0] not in SKIP]


VALUES = st.one_of(
    st.text(alphabet=string.printable + "年月日元¥，：１２３", max_size=12).filter(lambda v: "\x00" not in v),
    st.sampled_from(["", "-1", "0", "9" * 30, "nan", "2025-02-30 10:00", "E0", "../.."]),
)
"""A command line never holds NUL (argv entries are C strings), so values leave it out."""


@pytest.mark.parametrize(("command", "option"), value_options())
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES)
def test_no_option_value_ends_in_a_traceback(case: Path, command: str, option: str,
                                             value: str) -> None:
    positional = {"init": [str(case.parent / "new")], "add": [str(case), str(case / "case.toml")],
                  "mark": [str(case), "E1"], "withdraw": [str(case), "E1"],
                  "tag": [str(case), "E1"], "facts": [str(case), "E1"],
                  "inspect": [str(case / "case.toml")], "queue": [str(case.parent)],
                  "search": [str(case.parent)], "stats": [str(case.parent)],
                  "reindex": [str(case.parent / "archive")]}.get(command, [str(case)])
    extra = INIT[:-2] if command == "init" and option not in INIT else []
    if command in ("approve", "return") and option != "--by":
        extra = ["--by", "lead", *(["-m", "x"] if command == "return" else [])]
    result = run(command, *positional, *extra, option, value)
    assert result.exit_code != 1, result.output
    assert "Traceback" not in result.output and "Unexpected error" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
