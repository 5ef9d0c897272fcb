"""Write docs/cli.md from the commands' --help texts (a test fails when it is stale).

Run: python tools/gen_cli_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from disputekit.cli.main import cli  # noqa: E402

HEADER = """# CLI reference

Generated from `--help` by `python tools/gen_cli_doc.py`; `tests/test_docs.py` fails when it
is stale. Exit codes: see [exit-codes.md](exit-codes.md). JSON shapes: see [json.md](json.md).

"""


def render() -> str:
    """The English reference (the Chinese help is the same catalog, see text/cli_zh.py)."""
    runner = CliRunner()
    env = {"COLUMNS": "100", "DISPUTEKIT_LANG": "en"}

    def help_of(*args: str) -> str:
        return runner.invoke(cli, ["--lang", "en", *args], prog_name="disputekit",
                             terminal_width=100, env=env).output

    parts = [HEADER, "## disputekit\n\n```\n", help_of("--help"), "```\n"]
    ctx = click.Context(cli)
    for name in sorted(cli.list_commands(ctx)):
        parts += [f"\n## disputekit {name}\n\n```\n", help_of(name, "--help"), "```\n"]
    return "".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render(), "utf-8")
    print("wrote docs/cli.md")
