"""Reopen a written dossier and check it before anyone is told it exists.

Uses pikepdf (qpdf): streams are read one at a time, so checking a large dossier does not
hold it in memory.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pikepdf

from disputekit.assemble.pdf.active_scan import active_problems
from disputekit.assemble.pdf.page_digests import page_digests, page_problems
from disputekit.case import Case
from disputekit.errors import VerificationFailed

FORBIDDEN_ACTIONS = ("/URI", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData")


def _outline_titles(pdf: pikepdf.Pdf) -> list[str]:
    titles: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            titles.append(str(item.title))
            walk(item.children)

    with pdf.open_outline() as outline:
        walk(outline.root)
    return titles


def _annotation_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            kind = str(action.get("/S")) if action is not None else ""
            if kind in FORBIDDEN_ACTIONS:
                problems.append(f"page {number}: external action {kind}")
    return problems


def _attachment_problems(pdf: pikepdf.Pdf, manifest: dict[str, Any] | None) -> list[str]:
    names = list(pdf.attachments.keys())
    if manifest is None:  # the submission edition: nothing attached at all
        return [f"unexpected attachment {name}" for name in names]
    if "manifest.json" not in names:
        return ["manifest.json is not attached"]
    problems = []
    attached = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())
    if attached != json.loads(json.dumps(manifest)):
        problems.append("attached manifest.json differs from the manifest built")
    by_id = {e["id"]: e for e in manifest["exhibits"]}
    renditions: dict[str, str] = manifest.get("renditions", {})
    for name in names:
        if name == "manifest.json":
            continue
        if name in renditions:
            data = pdf.attachments[name].get_file().read_bytes()
            if hashlib.sha256(data).hexdigest() != renditions[name]:
                problems.append(f"attachment {name} does not match its SHA-256")
            continue
        exhibit = by_id.get(name.split("_", 1)[0])
        if exhibit is None:
            problems.append(f"unexpected attachment {name}")
            continue
        data = pdf.attachments[name].get_file().read_bytes()
        if hashlib.sha256(data).hexdigest() != exhibit["sha256"]:
            problems.append(f"attachment {name} does not match its SHA-256")
    for name in renditions:
        if name not in names:
            problems.append(f"masked rendition {name} is not attached")
    for exhibit_id in manifest.get("attached", []):
        if not any(n.split("_", 1)[0] == exhibit_id for n in names):
            problems.append(f"original of {exhibit_id} is not attached")
    return problems


def _page_problems(pdf: pikepdf.Pdf, manifest: dict[str, Any] | None) -> list[str]:
    """The pages as written against the digests ``finish_pdf`` recorded in the manifest."""
    if manifest is None:  # the submission edition carries no manifest
        return []
    if "pages" not in manifest:
        return ["the manifest records no page digests"]
    return [en for _zh, en in page_problems(manifest["pages"], page_digests(pdf))]


def verify_dossier(path: Path, manifest: dict[str, Any] | None, case: Case) -> int:
    """Return the page count, or raise VerificationFailed naming every problem.

    ``manifest`` None: the submission edition, which must carry no attachment at all."""
    problems: list[str] = []
    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            if pages == 0:
                problems.append("no pages")
            titles = _outline_titles(pdf)
            for item in case.evidence.items:
                if not any(title.startswith(item.id + " ") for title in titles):
                    problems.append(f"no outline entry for {item.id}")
            problems += _annotation_problems(pdf)
            problems += _attachment_problems(pdf, manifest)
            problems += _page_problems(pdf, manifest)
            problems += active_problems(pdf)  # every object, referenced or not
    except pikepdf.PdfError as exc:
        problems.append(f"unreadable: {exc}")
        pages = 0
    if problems:
        detail = "\n- ".join(problems)
        raise VerificationFailed(
            f"生成的证据包未通过校验：\n- {detail}", f"The dossier failed verification:\n- {detail}",
            fix_zh="证据包未写出。请用 --verbose 重试并报告此问题。",
            fix_en="Nothing was written. Retry with --verbose and report this.",
        )
    return pages
