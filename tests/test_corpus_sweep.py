"""Corpus sweep: every file in ../shared/corpus through ``disputekit inspect FILE --json`` and
``disputekit add`` into a fresh case, as an agent would run them.

Each file must give exit 0 (inspect: valid JSON naming a kind; add: one new exhibit) or exit 5
with a message (add: the case byte-for-byte unchanged) — never exit 1 (unexpected) or any
other code, and inspect and add must agree. The whole sweep runs once and prints a summary
table (per folder, then per ``property_exercised`` of MANIFEST.tsv) to the test output; the
same rows are written as TSV next to the temporary cases. What each file *should* produce is
checked file by file in test_corpus_parse.py; this sweep checks the command-line contract.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import tree_snapshot
from crashkit import AT, SAMPLE
from disputekit.case import CasePaths, init_case, load_evidence
from disputekit.cli.main import cli
from disputekit.models.case import CaseFile

pytestmark = pytest.mark.corpus

SECONDS_PER_FILE = 30  # a bomb or a looping PDF must be refused long before this


@dataclass(frozen=True)
class Swept:
    path: str
    folder: str
    prop: str
    expected: str
    inspect_code: int
    add_code: int
    message: str
    seconds: float

    @property
    def outcome(self) -> str:
        if (self.inspect_code, self.add_code) == (0, 0):
            return "accepted"
        if (self.inspect_code, self.add_code) == (5, 5):
            return "rejected"
        return f"UNEXPECTED {self.inspect_code}/{self.add_code}"


def manifest(corpus: Path) -> dict[str, dict[str, str]]:
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


def folder_of(rel: str) -> str:
    parts = rel.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0] + "/"


def sweep_one(runner: CliRunner, path: Path, rel: str, row: dict[str, str], template: Path,
              work: Path) -> tuple[Swept, list[str]]:
    problems: list[str] = []
    start = time.monotonic()
    inspected = runner.invoke(cli, ["inspect", str(path), "--json"])
    if inspected.exit_code == 0:
        facts = json.loads(inspected.stdout)
        if not (isinstance(facts, dict) and facts.get("kind")):
            problems.append(f"{rel}: inspect --json gave no kind")
    elif inspected.exit_code == 5:
        if not inspected.stderr.strip().removeprefix("Error:").strip():
            problems.append(f"{rel}: inspect exit 5 without a message")
    else:
        problems.append(f"{rel}: inspect exit {inspected.exit_code}: {inspected.output[-300:]}")
    case = work / "case"
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(template, case)
    before = tree_snapshot(case)
    added = runner.invoke(cli, ["add", str(case), str(path), "--now", "2025-04-21 09:00"])
    if added.exit_code == 0:
        if len(load_evidence(CasePaths(case).evidence).items) != 1:
            problems.append(f"{rel}: add exit 0 but no exhibit")
    elif added.exit_code == 5:
        if not added.stderr.strip().removeprefix("Error:").strip():
            problems.append(f"{rel}: add exit 5 without a message")
        if tree_snapshot(case) != before:
            problems.append(f"{rel}: refused, but the case changed")
    else:
        problems.append(f"{rel}: add exit {added.exit_code}: {added.output[-300:]}")
    if inspected.exit_code != added.exit_code:
        problems.append(f"{rel}: inspect exit {inspected.exit_code} but add exit {added.exit_code}")
    seconds = time.monotonic() - start
    if seconds > SECONDS_PER_FILE:
        problems.append(f"{rel}: took {seconds:.1f} s")
    message = (inspected.stderr or added.stderr).strip().splitlines()
    return Swept(rel, folder_of(rel), row.get("property_exercised", "?"),
                 row.get("expected_behaviour", "?"), inspected.exit_code, added.exit_code,
                 message[0][:160] if message else "", seconds), problems


def table(title: str, groups: dict[str, list[Swept]], width: int) -> list[str]:
    lines = [f"{title:<{width}}  files  accepted  rejected  unexpected"]
    for key in sorted(groups):
        counts = Counter(s.outcome.split()[0] for s in groups[key])
        lines.append(f"{key[:width]:<{width}}  {len(groups[key]):>5}  {counts['accepted']:>8}  "
                     f"{counts['rejected']:>8}  {counts['UNEXPECTED']:>10}")
    return lines


def report(swept: list[Swept]) -> list[str]:
    by_folder: dict[str, list[Swept]] = defaultdict(list)
    by_property: dict[str, list[Swept]] = defaultdict(list)
    for s in swept:
        by_folder[s.folder].append(s)
        by_property[f"{s.folder} · {s.prop}"].append(s)
    total = Counter(s.outcome.split()[0] for s in swept)
    return [
        "", f"corpus sweep: {len(swept)} files — {total['accepted']} accepted, "
        f"{total['rejected']} rejected with a message, {total['UNEXPECTED']} unexpected; "
        f"slowest {max(s.seconds for s in swept):.2f} s",
        "", *table("folder", by_folder, 28),
        "", *table("folder · property_exercised", by_property, 96), "",
    ]


def test_every_corpus_file_is_accepted_or_refused_cleanly(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = manifest(corpus)
    template = tmp_path / "template"
    init_case(template, CaseFile.model_validate(
        __import__("tomllib").loads((SAMPLE / "case.toml").read_text("utf-8"))),
        at=AT, actor="sweep")
    runner = CliRunner()
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name not in
                   ("MANIFEST.tsv", "README.md"))
    assert len(files) >= 270
    swept, problems = [], []
    for path in files:
        rel = path.relative_to(corpus).as_posix()
        one, found = sweep_one(runner, path, rel, rows.get(rel, {}), template, tmp_path)
        swept.append(one)
        problems += found
    out = tmp_path / "corpus-sweep.tsv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["path", "outcome", "inspect", "add", "seconds", "expected", "message"])
        writer.writerows([s.path, s.outcome, s.inspect_code, s.add_code, f"{s.seconds:.3f}",
                          s.expected, s.message] for s in swept)
    with capsys.disabled():
        print("\n".join([*report(swept), f"rows: {out}"]))
    assert problems == []
