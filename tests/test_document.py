"""parse_pdf on PDFs built in fixtures with reportlab and pypdf."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import BooleanObject, DictionaryObject, NameObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from disputekit.collect.parse import document
from disputekit.collect.parse.document import parse_pdf
from disputekit.errors import InputFileError


def report(path: Path, pages: int = 3, *, text: bool = True, title: str | None = None) -> Path:
    """A reportlab PDF with ``pages`` pages (text on each, or only a rectangle)."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        pdf.setTitle(title)
    for number in range(1, pages + 1):
        if text:
            pdf.drawString(72, 760, f"Inspection report page {number}")
        else:
            pdf.rect(72, 600, 200, 100, fill=1)
        pdf.showPage()
    pdf.save()
    return path


def rewrite(source: Path, target: Path, change: object) -> Path:
    """Copy a PDF through PdfWriter, letting ``change(writer)`` alter it."""
    writer = PdfWriter(clone_from=source)
    change(writer)  # type: ignore[operator]
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def test_pages_text_and_title(tmp_path: Path) -> None:
    facts = parse_pdf(report(tmp_path / "r.pdf", 3, title="  质检报告 \x00"))
    assert (facts.pages, facts.has_text, facts.title) == (3, True, "质检报告")
    assert facts.warnings == []
    assert not (facts.has_javascript or facts.has_attachments or facts.has_forms)


def test_scan_without_text(tmp_path: Path) -> None:
    facts = parse_pdf(report(tmp_path / "scan.pdf", 2, text=False))
    assert (facts.pages, facts.has_text) == (2, False)


def test_encrypted_pdf_is_refused_with_exact_message(tmp_path: Path) -> None:
    path = rewrite(
        report(tmp_path / "r.pdf"),
        tmp_path / "locked.pdf",
        lambda w: w.encrypt("usersecret", "ownersecret", algorithm="RC4-128"),
    )
    with pytest.raises(InputFileError) as caught:
        parse_pdf(path)
    error = caught.value
    assert error.zh == "PDF 已加密：locked.pdf 需要密码才能打开。"
    assert error.fix_zh == "请先用密码打开并另存为未加密的 PDF 再添加。"
    assert error.en == "The PDF is encrypted: locked.pdf needs a password to open."
    assert error.fix_en == "Open it with its password and save an unencrypted copy, then add that."
    assert error.message("zh") == (
        "PDF 已加密：locked.pdf 需要密码才能打开。请先用密码打开并另存为未加密的 PDF 再添加。"
    )


def test_owner_password_only_is_accepted(tmp_path: Path) -> None:
    path = rewrite(
        report(tmp_path / "r.pdf", 2),
        tmp_path / "restricted.pdf",
        lambda w: w.encrypt("", "ownersecret", algorithm="RC4-128"),
    )
    facts = parse_pdf(path)
    assert (facts.pages, facts.has_text) == (2, True)
    assert facts.warnings == [
        "PDF 设有权限密码，但无需密码即可打开 / "
        "The PDF has an owner password (restricted permissions) but opens without a password"
    ]


def test_document_javascript_is_flagged(tmp_path: Path) -> None:
    path = rewrite(
        report(tmp_path / "r.pdf", 1),
        tmp_path / "js.pdf",
        lambda w: w.add_open_action(JavaScript("app.alert('hi');")),  # a /Names JavaScript
    )
    facts = parse_pdf(path)
    assert facts.has_javascript
    assert not (facts.has_open_action or facts.has_launch_action)


@pytest.mark.parametrize(
    ("action", "javascript", "launch"),
    [("/JavaScript", True, False), ("/Launch", False, True)],
)
def test_open_actions_are_flagged(
    tmp_path: Path, action: str, javascript: bool, launch: bool
) -> None:
    def add(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject(action)}
        )

    facts = parse_pdf(rewrite(report(tmp_path / "r.pdf", 1), tmp_path / "a.pdf", add))
    assert facts.has_open_action
    assert (facts.has_javascript, facts.has_launch_action) == (javascript, launch)


def test_attachment_is_flagged(tmp_path: Path) -> None:
    path = rewrite(
        report(tmp_path / "r.pdf", 1),
        tmp_path / "att.pdf",
        lambda w: w.add_attachment("invoice.txt", b"paid"),
    )
    assert parse_pdf(path).has_attachments


def test_dynamic_xfa_is_refused(tmp_path: Path) -> None:
    def mark(writer: PdfWriter) -> None:
        writer.root_object[NameObject("/NeedsRendering")] = BooleanObject(True)

    path = rewrite(report(tmp_path / "r.pdf", 1), tmp_path / "xfa.pdf", mark)
    with pytest.raises(InputFileError) as caught:
        parse_pdf(path)
    assert caught.value.en == (
        "The PDF xfa.pdf is a dynamic XFA form (Adobe LiveCycle); only Adobe Reader can show "
        "its content."
    )


def test_jpeg_named_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100)
    with pytest.raises(InputFileError) as caught:
        parse_pdf(path)
    assert caught.value.en == "report.pdf is not a PDF: by its content it is jpeg."


def test_empty_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(InputFileError) as caught:
        parse_pdf(path)
    assert caught.value.zh == "文件为空：empty.pdf 是 0 字节。"


def test_damaged_pdf_is_refused_with_cause(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * 50)
    with pytest.raises(InputFileError) as caught:
        parse_pdf(path)
    assert re.fullmatch(
        r"Cannot read the PDF bad\.pdf: it is damaged beyond automatic repair \(Pdf\w*Error: .+\)\.",
        caught.value.en,
    )
    assert caught.value.fix_en == (
        "Open it in a PDF reader, use Save As (or Print to PDF), then add the new file."
    )


def test_broken_xref_is_repaired_with_warning(tmp_path: Path) -> None:
    data = report(tmp_path / "r.pdf", 1).read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    end = data.index(b"\n", start)
    broken = data[:start] + str(int(data[start:end]) + 7).encode() + data[end:]
    (tmp_path / "x.pdf").write_bytes(broken)
    facts = parse_pdf(tmp_path / "x.pdf")
    assert facts.pages == 1
    assert facts.warnings[0].startswith("PDF 结构不规范，已自动修复（")


def test_truncated_pdf_never_raises_anything_else(tmp_path: Path) -> None:
    data = report(tmp_path / "r.pdf", 3).read_bytes()
    for cut in range(10, len(data), max(1, len(data) // 40)):
        (tmp_path / "cut.pdf").write_bytes(data[:cut])
        try:
            parse_pdf(tmp_path / "cut.pdf")
        except InputFileError as error:
            assert error.zh and error.en


def test_deadline_interrupts_slow_parsing(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught, document._deadline(tmp_path / "slow.pdf", 0.05):
        time.sleep(2)
    assert caught.value.en == (
        "The PDF slow.pdf is too complex to read within 0.05 seconds; gave up."
    )
