"""docs/architecture.md's "where to add what" is true, and the package layout stays acyclic.

A throwaway evidence kind and a throwaway platform are added to a temporary copy of the
package exactly as the document says (a kind: one module + one table entry; a platform: one
profile file), and the real CLI runs on them in a subprocess.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "disputekit"

NOTE_MODULE = '''"""A throwaway evidence kind for the architecture test: a plain-text note."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from disputekit.kinds import Hints
from disputekit.models.facts import Frozen


class NoteFacts(Frozen):
    kind: Literal["note"] = "note"
    lines: int
    warnings: list[str] = []


def read_note(path: Path, hints: Hints) -> NoteFacts:
    return NoteFacts(lines=len(path.read_text("utf-8").splitlines()))


def note_summary(facts: dict[str, Any]) -> str:
    return f"note of {facts['lines']} lines"


def note_page(w: Any, d: Any, e: Any, out: Any) -> list[Any]:
    return [w.p(f"note: {e.facts.lines} lines")]
'''

NOTE_ENTRY = '''
from disputekit.collect.parse.note import NoteFacts  # noqa: E402

TABLE = (*TABLE, KindSpec(
    "note", NoteFacts, "便条", "Note",
    parse="disputekit.collect.parse.note:read_note",
    summary="disputekit.collect.parse.note:note_summary",
    exhibit="disputekit.collect.parse.note:note_page",
))
'''

PLATFORM = '''extends = "taobao"

[profile]
id = "jdtest"
version = "2026-11-30"
name_zh = "测试平台"
name_en = "Test platform"
'''


def _package_copy(tmp: Path) -> Path:
    root = tmp / "src"
    shutil.copytree(SRC, root / "disputekit", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _add_note_kind(root: Path) -> None:
    pkg = root / "disputekit"
    (pkg / "collect" / "parse" / "note.py").write_text(NOTE_MODULE, "utf-8")
    kinds = pkg / "kinds.py"
    text = kinds.read_text("utf-8")
    marker = "SPECS: dict[str, KindSpec]"
    kinds.write_text(text.replace(marker, NOTE_ENTRY + "\n" + marker, 1), "utf-8")


def _cli(root: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "DISPUTEKIT_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "disputekit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


INIT = ["init", "CASE", "--order-id", "3712345678901234567", "--refund-id", "20250420001",
        "--buyer", "tb_buyer", "--seller", "shop", "--amount", "10",
        "--requested-at", "2025-04-20 10:02", "--now", "2025-04-21 10:00"]


@pytest.mark.slow
def test_a_new_kind_is_one_module_and_one_table_entry(tmp_path: Path) -> None:
    root = _package_copy(tmp_path)
    _add_note_kind(root)
    note = tmp_path / "note.txt"
    note.write_text("first\nsecond\nthird\n", "utf-8")
    assert _cli(root, tmp_path, *INIT).returncode == 0
    added = _cli(root, tmp_path, "add", "CASE", str(note), "--as", "note", "--now", "2025-04-21 10:00")
    assert added.returncode == 0, added.stderr
    listed = _cli(root, tmp_path, "list", "CASE", "--json")
    items = json.loads(listed.stdout)
    assert [(i["kind"], i["facts"]["lines"]) for i in items] == [("note", 3)]
    shown = _cli(root, tmp_path, "list", "CASE")
    assert "note of 3 lines" in shown.stdout
    built = _cli(root, tmp_path, "build", "CASE", "--draft", "--now", "2025-04-21 10:00")
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "CASE" / "out" / "dossier.pdf").stat().st_size > 0


@pytest.mark.slow
def test_a_new_platform_is_one_profile_file(tmp_path: Path) -> None:
    root = _package_copy(tmp_path)
    (root / "disputekit" / "profiles" / "jdtest.toml").write_text(PLATFORM, "utf-8")
    created = _cli(root, tmp_path, *INIT[:2], "--platform", "jdtest", *INIT[2:])
    assert created.returncode == 0, created.stderr
    checked = _cli(root, tmp_path, "check", "CASE", "--json", "--now", "2025-04-21 10:00")
    assert json.loads(checked.stdout)["case"] == "jdtest-20250420001"


def _imports(path: Path) -> set[str]:
    """Project modules a module imports at its top level (not inside functions)."""
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("disputekit"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("disputekit"))
    return found


def _module_graph() -> dict[str, set[str]]:
    modules = {
        ".".join(("disputekit", *p.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in SRC.rglob("*.py")
    }
    return {name: {m for m in _imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def test_no_import_cycle_among_top_level_imports() -> None:
    graph = _module_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_import_error_guard_around_project_modules() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers
            ):
                guarded = {m for m in _imports_in(node.body) if m.startswith("disputekit")}
                if guarded:
                    offenders.append(f"{path.relative_to(SRC)}: {sorted(guarded)}")
    assert offenders == []


def _imports_in(body: list[ast.stmt]) -> set[str]:
    out = set()
    for stmt in body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module:
            out.add(stmt.module)
        elif isinstance(stmt, ast.Import):
            out.update(a.name for a in stmt.names)
    return out


def test_click_only_in_the_cli_package() -> None:
    outside = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
               if "cli" not in p.relative_to(SRC).parts and "import click" in p.read_text("utf-8")]
    assert outside == []


def test_architecture_doc_names_existing_paths() -> None:
    """Every `src/…` or package path the document mentions exists."""
    doc = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    import re

    paths = set(re.findall(r"`((?:src/disputekit|tests|tools|templates|benchmarks)/[\w./*-]+)`", doc))
    assert paths, "the document names no paths"
    missing = [p for p in sorted(paths) if "*" not in p and not (ROOT / p).exists()]
    assert missing == []
