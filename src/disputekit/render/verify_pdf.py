"""Reopen a written dossier and check it before anyone is told it exists."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from disputekit.case import Case
from disputekit.errors import VerificationFailed

FORBIDDEN_ACTIONS = ("/URI", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData")


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(reader.outline)
    return titles


def _annotation_problems(reader: PdfReader) -> list[str]:
    problems = []
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots", []) or []:
            obj = annot.get_object()
            action = obj.get("/A")
            kind = str(action.get_object().get("/S")) if action is not None else ""
            if kind in FORBIDDEN_ACTIONS:
                problems.append(f"page {number}: external action {kind}")
    return problems


def _attachment_problems(reader: PdfReader, manifest: dict[str, Any]) -> list[str]:
    files = {name: data for name, datas in reader.attachments.items() for data in datas}
    problems = []
    if "manifest.json" not in files:
        return ["manifest.json is not attached"]
    if json.loads(files["manifest.json"]) != json.loads(json.dumps(manifest)):
        problems.append("attached manifest.json differs from the manifest built")
    by_id = {e["id"]: e for e in manifest["exhibits"]}
    for name, data in files.items():
        exhibit = by_id.get(name.split("_", 1)[0])
        if name == "manifest.json":
            continue
        if exhibit is None:
            problems.append(f"unexpected attachment {name}")
        elif hashlib.sha256(data).hexdigest() != exhibit["sha256"]:
            problems.append(f"attachment {name} does not match its SHA-256")
    for exhibit_id in manifest.get("attached", []):
        if not any(n.split("_", 1)[0] == exhibit_id for n in files):
            problems.append(f"original of {exhibit_id} is not attached")
    return problems


def verify_dossier(path: Path, manifest: dict[str, Any], case: Case) -> int:
    """Return the page count, or raise VerificationFailed naming every problem."""
    reader = PdfReader(path)
    problems: list[str] = []
    pages = len(reader.pages)
    if pages == 0:
        problems.append("no pages")
    titles = _outline_titles(reader)
    for item in case.evidence.items:
        if not any(title.startswith(item.id + " ") for title in titles):
            problems.append(f"no outline entry for {item.id}")
    problems += _annotation_problems(reader)
    problems += _attachment_problems(reader, manifest)
    if problems:
        detail = "\n- ".join(problems)
        raise VerificationFailed(
            f"生成的证据包未通过校验：\n- {detail}", f"The dossier failed verification:\n- {detail}",
            fix_zh="证据包未写出。请用 --verbose 重试并报告此问题。",
            fix_en="Nothing was written. Retry with --verbose and report this.",
        )
    return pages
