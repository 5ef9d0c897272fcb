"""The case folder: ``case.toml`` + ``.disputekit/`` (objects, evidence.json, audit.jsonl)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from disputekit.errors import CaseError, UsageError
from disputekit.i18n import pick
from disputekit.models.case import CaseFile
from disputekit.models.evidence import EvidenceList
from disputekit.store.anchors import LOG_FORMAT
from disputekit.store.atomic import atomic_write_bytes, atomic_write_text
from disputekit.store.audit import AuditLog
from disputekit.store.objects import ObjectStore
from disputekit.values import ValueProblem

CASE_FILE = "case.toml"
META_DIR = ".disputekit"


def format_validation(error: ValidationError, source: str) -> str:
    """``file: field → message`` lines, one per problem."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(root)"
        typed = problem.get("ctx", {}).get("error")
        if isinstance(typed, ValueProblem):  # names field, value and a working example
            lines.append(f"{source}: {pick(typed.zh, typed.en)}")
            continue
        lines.append(f"{source}: {where} → {problem['msg']}")
    return "\n".join(lines)


@dataclass(frozen=True)
class CasePaths:
    root: Path

    @property
    def case_toml(self) -> Path:
        return self.root / CASE_FILE

    @property
    def meta(self) -> Path:
        return self.root / META_DIR

    @property
    def objects(self) -> Path:
        return self.meta / "objects"

    @property
    def evidence(self) -> Path:
        return self.meta / "evidence.json"

    @property
    def audit(self) -> Path:
        return self.meta / "audit.jsonl"

    @property
    def out(self) -> Path:
        return self.root / "out"


@dataclass(frozen=True)
class Case:
    paths: CasePaths
    facts: CaseFile
    record: EvidenceList  # evidence.json as stored, withdrawn exhibits included

    @cached_property
    def evidence(self) -> EvidenceList:
        """The exhibits in force. The one place withdrawn exhibits are left out: every rule,
        the dossier, the upload bundle and the grounds read this; `list` reads ``record``."""
        return self.record.in_force()

    @property
    def store(self) -> ObjectStore:
        return ObjectStore(self.paths.objects)

    @property
    def audit(self) -> AuditLog:
        return AuditLog(self.paths.audit)

    @property
    def case_id(self) -> str:
        return self.facts.case_id


def load_case_file(path: Path) -> CaseFile:
    return validate_case_data(read_case_data(path), path)


def read_case_data(path: Path) -> dict[str, Any]:
    """case.toml as a dict (no validation yet)."""
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CaseError(
            f"{path.parent} 不是案件文件夹（缺少 case.toml）。",
            f"{path.parent} is not a case folder (no case.toml).",
            fix_zh="先运行 disputekit init 建立案件。",
            fix_en="Run `disputekit init` first.",
        ) from None
    except RecursionError:  # 100k-deep arrays: tomllib recurses per level
        raise CaseError(
            f"{path} 嵌套过深，无法解析。", f"{path} is nested too deeply to be parsed.",
            fix_zh="case.toml 只需要简单的键值；请删除嵌套的数组。",
            fix_en="case.toml needs plain keys and values; remove the nested arrays.",
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CaseError(
            f"{path} 无法解析：{exc}", f"{path} cannot be parsed: {exc}",
            fix_zh="请修正该行的 TOML 语法（字符串要加引号）。",
            fix_en="Fix the TOML syntax on that line (strings need quotes).",
        ) from None


def validate_case_data(raw: dict[str, Any], path: Path) -> CaseFile:
    try:
        return CaseFile.model_validate(_dates_as_text(raw))
    except ValidationError as exc:
        detail = format_validation(exc, str(path))
        raise CaseError(
            f"case.toml 内容有误：\n{detail}", f"case.toml is invalid:\n{detail}",
            fix_zh="请按提示修改对应字段。", fix_en="Fix the fields named above.",
        ) from None


def _dates_as_text(raw: dict[str, Any]) -> dict[str, Any]:
    """A bare TOML date (``requested_at = 2025-04-20``) reads like the string "2025-04-20"
    (midnight, China time); pydantic would make it a *naive* datetime that cannot be compared
    with the others."""
    return {k: v.isoformat() if type(v) is date else v for k, v in raw.items()}


def load_evidence(path: Path) -> EvidenceList:
    if not path.exists():
        return EvidenceList()
    try:
        return EvidenceList.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        detail = format_validation(exc, str(path))
        raise CaseError(
            f"证据清单已损坏：\n{detail}", f"The evidence list is damaged:\n{detail}",
            fix_zh="请用 disputekit verify 检查案件，或从备份恢复。",
            fix_en="Run `disputekit verify` on the case or restore it from a backup.",
        ) from None


def open_case(root: Path) -> Case:
    paths = CasePaths(root)
    facts = load_case_file(paths.case_toml)
    return Case(paths=paths, facts=facts, record=load_evidence(paths.evidence))


def case_toml_text(facts: CaseFile) -> str:
    data: dict[str, Any] = facts.model_dump(mode="json", exclude_none=True)
    for key in ("shipment", "return_shipment"):
        if not data.get(key):
            data.pop(key, None)
    header = "# disputekit case file — edit freely; `disputekit check` validates it.\n"
    return header + tomli_w.dumps(data)


def write_case_file(paths: CasePaths, facts: CaseFile) -> None:
    atomic_write_text(paths.case_toml, case_toml_text(facts))


def write_evidence(paths: CasePaths, evidence: EvidenceList) -> None:
    data = json.dumps(evidence.model_dump(mode="json"), ensure_ascii=False, indent=2)
    atomic_write_bytes(paths.evidence, (data + "\n").encode("utf-8"))


def init_case(root: Path, facts: CaseFile, *, at: datetime, actor: str) -> Case:
    """Create the case folder; refuses to overwrite an existing case.toml."""
    paths = CasePaths(root)
    if paths.case_toml.exists():
        raise UsageError(
            f"{root} 已经是一个案件（已有 case.toml）。",
            f"{root} is already a case (case.toml exists).",
            fix_zh="换一个文件夹，或直接编辑 case.toml。",
            fix_en="Use another folder, or edit case.toml directly.",
        )
    root.mkdir(parents=True, exist_ok=True)
    paths.objects.mkdir(parents=True, exist_ok=True)
    write_case_file(paths, facts)
    write_evidence(paths, EvidenceList())
    AuditLog(paths.audit).append(at, actor, "init", {"case_id": facts.case_id, "log": LOG_FORMAT})
    return open_case(root)
