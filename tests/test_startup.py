"""Start-up: `--help` imports no command module, `list` none of the collect/PDF/image stacks,
and the command list `--help` prints from SUMMARIES is exactly what Click would print from the
commands themselves (timings are in benchmarks/bench_startup.py, not here)."""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from disputekit.cli.main import COMMANDS, SUMMARIES, cli
from disputekit.i18n import set_lang

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("reportlab", "fontTools", "PIL", "pikepdf", "pypdf", "numpy", "onnxruntime", "av",
         "rapidocr", "jinja2", "charset_normalizer")


def _real(name: str) -> click.Command:
    return importlib.import_module(f"disputekit.cli.{COMMANDS[name]}").COMMANDS[name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_the_first_paragraph_of_the_command_docstring(name):
    first = inspect.cleandoc(_real(name).help or "").split("\n\n")[0]
    assert SUMMARIES[name] == " ".join(first.split()), "update SUMMARIES in cli/main.py"


def test_every_command_has_a_summary():
    assert set(SUMMARIES) == set(COMMANDS)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_command_list_is_what_click_prints_from_the_commands(lang):
    set_lang(lang)  # type: ignore[arg-type]
    ctx = click.Context(cli, info_name="disputekit")
    ours, clicks = ctx.make_formatter(), ctx.make_formatter()
    cli.format_commands(ctx, ours)
    click.Group.format_commands(cli, ctx, clicks)  # imports every command module
    assert ours.getvalue() == clicks.getvalue()


def _modules_after(args: list[str], cwd: Path) -> list[str]:
    code = (
        "import json, sys\n"
        "from disputekit.cli.main import cli\n"
        "try:\n"
        f"    cli({args!r}, prog_name='disputekit')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _top(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_no_command_module_and_no_heavy_stack(tmp_path):
    modules = _modules_after(["--help"], tmp_path)
    assert not [m for m in modules if m.startswith("disputekit.cli.") and m.endswith("_cmds")]
    assert not _top(modules) & set(HEAVY)


def test_list_imports_only_what_it_uses(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(ROOT / "samples" / "signed-not-received", case,
                    ignore=shutil.ignore_patterns("out", ".disputekit"))
    modules = _modules_after(["list", str(case)], tmp_path)
    assert not _top(modules) & set(HEAVY)
    unused = ("disputekit.collect", "disputekit.validate", "disputekit.assemble",
              "disputekit.archive", "disputekit.review", "disputekit.draft")
    # the tracking-status names list prints (text/names.py) are data in the PDF labels module
    used = {"disputekit.assemble", "disputekit.assemble.pdf", "disputekit.assemble.pdf.labels"}
    assert not [m for m in modules if m.startswith(unused) and m not in used]
