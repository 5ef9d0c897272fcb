"""docs/rules.md is generated from the registry and the profiles, and must not be stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from disputekit.profiles.load import load_profile
from disputekit.validate.rules.registry import all_rules

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "rules.md"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules_doc", ROOT / "tools" / "gen_rules_doc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_rules_md_is_up_to_date() -> None:
    rendered = generator().render()
    committed = DOC.read_text("utf-8") if DOC.exists() else ""
    assert committed == rendered, "docs/rules.md is stale: run `python tools/gen_rules_doc.py`"


def test_every_rule_is_documented_with_severity_and_source() -> None:
    text = generator().render()
    for spec in all_rules().values():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{spec.id}` |"))
        assert f"| {spec.severity.value} |" in row
        assert spec.source.split(";")[0].replace("|", "\\|") in row


def test_every_profile_source_is_documented() -> None:
    text = generator().render()
    taobao = load_profile("taobao")
    assert f"| {taobao.thresholds.chat_gap_hours.source} | low |" in text
    for gid, ground in taobao.grounds.items():
        assert f"| `{gid}` |" in text
        assert f"{ground.source} ({ground.confidence})" in text


def test_cells_escape_pipes() -> None:
    assert generator().cell("a|b\nc") == "a\\|b c"


def test_check_mode(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gen = generator()
    stale = tmp_path / "rules.md"
    stale.write_text("old\n", "utf-8")
    monkeypatch.setattr(gen, "TARGET", stale)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    assert stale.read_text("utf-8") == gen.render()
