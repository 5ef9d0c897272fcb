"""Under a Chinese locale the CLI speaks Chinese: every --help text and Click's own errors."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from casekit import SAMPLES
from disputekit.cli.main import cli, flag_of
from disputekit.text.cli_zh import COMMANDS, ROOT, option_help

ZH_ENV = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LANGUAGE": "", "DISPUTEKIT_LANG": ""}
NAMES = sorted(cli.list_commands(click.Context(cli)))
# Three or more lowercase English words in a row: a sentence, not an id, flag or metavar.
SENTENCE = re.compile(r"\b[A-Za-z][a-z]+(?:[\s,():/'-]+[a-z]{2,}){2,}")


def english_sentences(help_text: str) -> list[str]:
    """Lines of ``help_text`` with an English sentence, example command lines left out."""
    found = []
    for line in help_text.splitlines():
        text = re.sub(r"^\s*(-\w, )?--[\w-]+( [^\s]+)?\s{2,}", "", line)  # drop "  --out DIR   "
        if text.strip().startswith("disputekit "):
            continue
        if SENTENCE.search(text):
            found.append(line)
    return found


def run_zh(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), env=ZH_ENV, prog_name="disputekit")


def test_sentence_detector_can_fail() -> None:
    assert english_sentences("  --out DIR   Output folder (default: CASE/out).")
    assert english_sentences("Show this message and exit.")
    assert not english_sentences("  --out 文件夹   输出文件夹（默认：CASE/out）。")
    assert not english_sentences("      disputekit build CASE --lang en --out /tmp/x --json")


def test_root_help_is_chinese() -> None:
    result = run_zh("--help")
    assert result.exit_code == 0
    assert "用法：" in result.output and "命令" in result.output
    assert english_sentences(result.output) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_command_help_is_chinese(name: str) -> None:
    result = run_zh(name, "--help")
    assert result.exit_code == 0, result.output
    assert "示例：" in result.output
    assert english_sentences(result.output) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_option_has_chinese_help(name: str) -> None:
    """A new or renamed option fails here until text/cli_zh.py has its Chinese help."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and name in COMMANDS
    missing = [flag_of(p) for p in command.params
               if isinstance(p, click.Option) and option_help(name, flag_of(p)) is None]
    assert missing == [], f"{name}: add Chinese help for {missing} to text/cli_zh.py"


def test_root_options_have_chinese_help() -> None:
    flags = [flag_of(p) for p in cli.params if isinstance(p, click.Option)]
    assert sorted(set(flags) - set(ROOT.options)) == []


def test_english_locale_keeps_english_help() -> None:
    result = CliRunner().invoke(cli, ["build", "--help"], env={**ZH_ENV, "LANG": "en_US.UTF-8"})
    assert "Output folder (default: CASE/out)." in result.output
    assert "Usage: " in result.output


def test_lang_option_switches_help_before_it_is_shown() -> None:
    result = CliRunner().invoke(cli, ["--lang", "zh", "--help"], env={**ZH_ENV, "LANG": "en_US.UTF-8"})
    assert "显示此帮助并退出。" in result.output


def test_no_such_option_is_chinese() -> None:
    result = run_zh("build", "CASE", "--bogus")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "错误：没有这个选项 '--bogus'。 （您是不是要用其中之一：'--jobs', '--out'？）"
    assert "运行 'disputekit build --help' 查看帮助。" in result.output


def test_missing_argument_is_chinese() -> None:
    result = run_zh("add")  # (build's CASE defaults to a case folder it is run in)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "错误：缺少参数 'CASE'."


def test_no_such_command_is_chinese() -> None:
    result = run_zh("bild")
    assert result.exit_code == 2
    assert "错误：没有这个命令 'bild'。" in result.output


def test_bad_choice_is_chinese() -> None:
    result = run_zh("build", "CASE", "--lang", "fr")
    assert result.exit_code == 2
    assert "错误：'--lang' 的值无效：'fr' 不在可选值 'zh', 'en' 之中。" in result.output


def test_human_output_names_ids_in_chinese(tmp_path: Path) -> None:
    """No raw ids in Chinese human output: kinds, tags and tracking statuses by name."""
    from casekit import sample_case

    case = sample_case("signed-not-received", tmp_path / "case")
    listing = run_zh("list", str(case)).output
    assert "聊天记录" in listing and "[发货物流]" in listing and "[出库前]" in listing
    assert not re.search(r"E\d+\s+(chat|tracking|photo|screenshot)\s", listing)
    assert "[shipment]" not in listing and "[before_shipment]" not in listing
    shown = run_zh("inspect", str(SAMPLES / "signed-not-received" / "tracking.json")).output
    assert "[揽收]" in shown and "[collected]" not in shown
