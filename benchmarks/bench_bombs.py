"""Benchmark: memory and time bombs against the real CLI (issue 15 §7, "Bounded work").

Each bomb is generated in a temporary folder, then ``disputekit add`` (into a fresh case made
with ``init``), ``inspect`` and ``build --draft`` run in child processes. Per step it prints the
wall seconds, the child's peak RSS, the exit code and the first line of its message. Target:
every chat/XLSX bomb ≤ 30 s and ≤ 1 GB RSS per step (a refusal with exit 5 is a pass).

Run: ``.venv/bin/python benchmarks/bench_bombs.py [--only NAME ...] [--steps add,build]
[--timeout 180] [--rss-cap-gb 4]``. A step is killed after ``--timeout`` seconds or when its
process tree's RSS passes ``--rss-cap-gb`` (so the shared machine survives); the row then says
so and the numbers are lower bounds.

Bombs (the red team's, issue 15):

- ``xlsx-big-cells``: a ~1.2 MB XLSX whose sheet inflates to ~500 MB of 100,000-character
  inline-string cells (its central directory tells the truth, under the old 512 MB cap);
- ``xlsx-dense``: a small XLSX whose sheet inflates to ~500 MB of tiny cells, many per row;
- ``xlsx-shared``: the same bytes moved into ``sharedStrings.xml`` (loaded whole by openpyxl);
- ``xlsx-*-120mb``: the same three, inflating to 120 MB (under the 128 MB cap), and
  ``xlsx-shared-tiny-120mb``: 120 MB of one-character shared strings (7 million of them);
- ``xlsx-lying``: a zip whose central directory says the sheet is 1 KB while it inflates to
  ~1 GB;
- ``chat-line-50mb``: a Qianniu text chat whose one message is a single 50 MB line;
- ``chat-message-1mb``: one 1 MB message (10,000 lines of 100 bytes);
- ``chat-long-messages``: 31 MB of messages exactly at the message limit (none is cut);
- ``chat-empty-lines``: a header and 31 million empty lines (31 MB, under the size cap);
- ``chat-100mb``: a 100 MB Qianniu export of ordinary short messages (~1.9 M messages);
- ``chat-at-cap``: an ordinary Qianniu export 1,000 messages under the entries cap
  (``limits.MAX_CHAT_ENTRIES``), the largest text chat that is accepted;
- ``json-at-cap``: a JSON chat of tiny messages, 1,000 under the entries cap;
- ``pdf-flate``: a ~1.5 MB PDF whose page content is a Flate stream inflating to ~1.5 GB
  (owned by the evidence-PDF work; measured here only).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NOW = "2025-04-21T09:00:00+08:00"
BUYER, SELLER = "买家小王", "旗舰店"
TARGET_S, TARGET_RSS_MB = 30.0, 1024.0
MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="chat" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row><c t="inlineStr"><is><t>时间</t></is></c><c t="inlineStr"><is><t>发送人</t></is></c>'
    '<c t="inlineStr"><is><t>内容</t></is></c></row>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _xlsx(path: Path, sheet_chunks: Callable[[], object], shared: Callable[[], object],
          *, zip64: bool = True) -> None:
    """Write a workbook whose sheet and shared strings come from chunk generators (streamed
    through the zip writer, so generating a 500 MB sheet never holds it in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet_chunks),
                             ("xl/sharedStrings.xml", shared)):
            with archive.open(name, "w", force_zip64=zip64) as member:
                for chunk in chunks():  # type: ignore[attr-defined]
                    member.write(chunk)


def _row(text: str) -> bytes:
    return (f'<row><c t="inlineStr"><is><t>2025-4-20 10:02:03</t></is></c>'
            f'<c t="inlineStr"><is><t>{BUYER}</t></is></c>'
            f'<c t="inlineStr"><is><t>{text}</t></is></c></row>').encode()


def _empty_shared():  # type: ignore[no-untyped-def]
    yield (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
           b'org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>')


def xlsx_big_cells(path: Path, size: int = 480 * MB) -> None:
    row = _row("啊" * 100_000)  # 300 KB of XML per row

    def sheet():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD.encode()
        for _ in range(size // len(row)):
            yield row
        yield _SHEET_TAIL.encode()

    _xlsx(path, sheet, _empty_shared)


def xlsx_dense(path: Path, size: int = 480 * MB) -> None:
    cells = b"<c><v>1</v></c>" * 10_000  # 150 KB: a row of 10,000 tiny cells
    block = b"<row>" + cells + b"</row>"

    def sheet():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD.encode()
        for _ in range(size // len(block)):
            yield block
        yield _SHEET_TAIL.encode()

    _xlsx(path, sheet, _empty_shared)


def xlsx_shared(path: Path, size: int = 480 * MB, chars: int = 100_000) -> None:
    item = ("<si><t>" + "啊" * chars + "</t></si>").encode()
    count = size // len(item)

    def shared():  # type: ignore[no-untyped-def]
        yield (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxml'
               f'formats.org/spreadsheetml/2006/main" count="{count}" uniqueCount="{count}">'
               ).encode()
        for _ in range(count):
            yield item
        yield b"</sst>"

    def sheet():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD.encode()
        for i in range(min(count, 10_000)):  # the strings cost the memory, not the rows
            yield (f'<row><c t="inlineStr"><is><t>2025-4-20 10:02:03</t></is></c>'
                   f'<c t="inlineStr"><is><t>{BUYER}</t></is></c>'
                   f'<c t="s"><v>{i}</v></c></row>').encode()
        yield _SHEET_TAIL.encode()

    _xlsx(path, sheet, shared)


def xlsx_lying(path: Path) -> None:
    """Write a real workbook, then patch the sheet's sizes in both headers to 1 KB."""
    row = _row("啊" * 100_000)

    def sheet():  # type: ignore[no-untyped-def]
        yield _SHEET_HEAD.encode()
        for _ in range(1000 * MB // len(row)):
            yield row
        yield _SHEET_TAIL.encode()

    _xlsx(path, sheet, _empty_shared, zip64=False)  # 32-bit sizes, in both headers
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    real, lie = info.file_size.to_bytes(4, "little"), (1024).to_bytes(4, "little")
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(info.filename.encode()) + 1)
    for offset in (info.header_offset + 22, central + 24):
        if data[offset : offset + 4] != real:
            raise SystemExit("xlsx-lying: unexpected zip layout")
        data[offset : offset + 4] = lie
    path.write_bytes(bytes(data))


def chat_line(path: Path) -> None:
    head = f"{BUYER} 2025-4-20 10:02:03\n".encode()
    path.write_bytes(head + "啊".encode() * (50 * MB // 3) + b"\n")


def chat_message(path: Path) -> None:
    head = f"{BUYER} 2025-4-20 10:02:03\n".encode()
    line = ("啊" * 33 + "\n").encode()  # 100 bytes
    path.write_bytes(head + line * (MB // len(line)))


def _ordinary_chat(path: Path, size: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_chat import make_export

    block = make_export(10_000) + b"\r\n\r\n"
    with path.open("wb") as out:
        for _ in range(size // len(block)):
            out.write(block)


def chat_long_messages(path: Path) -> None:
    """As many messages of exactly the message limit (5,000 CJK characters) as fit in 31 MB:
    nothing is cut, the dossier gets the most text a chat can carry (about 2,000 messages)."""
    try:
        from disputekit.collect.parse import limits

        chars = int(limits.MAX_MESSAGE_CHARS)
    except (ImportError, AttributeError):
        chars = 5_000
    block = f"{BUYER} 2025-4-20 10:02:03\n{'啊' * chars}\n".encode()
    path.write_bytes(block * (31 * MB // len(block)))


def chat_empty_lines(path: Path) -> None:
    """A header, then 31 million empty lines (31 MB: under the chat size cap)."""
    path.write_bytes(f"{BUYER} 2025-4-20 10:02:03\n".encode() + b"\n" * (31 * MB))


def chat_100mb(path: Path) -> None:
    _ordinary_chat(path, 100 * MB)


def _entries_cap() -> int:
    try:
        from disputekit.collect.parse import limits

        return int(limits.MAX_CHAT_ENTRIES)
    except (ImportError, AttributeError):
        return 120_000  # before the entries cap existed: the same count, to compare


def chat_at_cap(path: Path) -> None:
    """An ordinary Qianniu export with 1,000 messages fewer than the entries cap: the
    largest text chat that is accepted (about 15 MB)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_chat import make_export

    path.write_bytes(make_export(_entries_cap() - 1000))


def json_at_cap(path: Path) -> None:
    """A disputekit-chat/1 JSON of tiny messages, 1,000 fewer than the entries cap."""
    item = f'{{"time":"2025-04-20T10:02:03","sender":"{BUYER}","text":"好的"}},'
    count = _entries_cap() - 1000
    body = (item * count)[:-1]
    path.write_bytes(('{"format":"disputekit-chat/1","messages":[' + body + "]}").encode())


def pdf_flate(path: Path) -> None:
    """One page whose content stream inflates to ~1.5 GB of spaces."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (16 * MB)
    stream = b"".join(squeeze.compress(chunk) for _ in range(96)) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))


UNDER_CAP = 120 * MB
"""Under ``limits.MAX_XLSX_UNPACKED`` (128 MB): what the streaming reader itself must bound."""

BOMBS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "xlsx-big-cells": ("chat.xlsx", xlsx_big_cells),
    "xlsx-dense": ("chat.xlsx", xlsx_dense),
    "xlsx-shared": ("chat.xlsx", xlsx_shared),
    "xlsx-big-cells-120mb": ("chat.xlsx", lambda p: xlsx_big_cells(p, UNDER_CAP)),
    "xlsx-dense-120mb": ("chat.xlsx", lambda p: xlsx_dense(p, UNDER_CAP)),
    "xlsx-shared-120mb": ("chat.xlsx", lambda p: xlsx_shared(p, UNDER_CAP)),
    "xlsx-shared-tiny-120mb": ("chat.xlsx", lambda p: xlsx_shared(p, UNDER_CAP, 1)),
    "xlsx-lying": ("chat.xlsx", xlsx_lying),
    "chat-line-50mb": ("chat.txt", chat_line),
    "chat-message-1mb": ("chat.txt", chat_message),
    "chat-long-messages": ("chat.txt", chat_long_messages),
    "chat-empty-lines": ("chat.txt", chat_empty_lines),
    "chat-100mb": ("chat.txt", chat_100mb),
    "chat-at-cap": ("chat.txt", chat_at_cap),
    "json-at-cap": ("chat.json", json_at_cap),
    "pdf-flate": ("evidence.pdf", pdf_flate),
}


@dataclass
class Run:
    seconds: float
    rss_mb: float
    code: int | str
    message: str


def _tree_rss_kb(pid: int) -> int:
    """Resident set of ``pid`` and its children (/proc), in KiB; 0 once it is gone."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def run_cli(args: list[str], timeout: float, rss_cap_kb: int) -> Run:
    """Run ``disputekit`` in a child, polling its RSS; kill it past the timeout or the cap."""
    cmd = [sys.executable, "-m", "disputekit", "--lang", "en", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    peak_kb, killed = 0, ""
    out_err: tuple[bytes, bytes] = (b"", b"")
    while True:
        try:
            out_err = proc.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            peak_kb = max(peak_kb, _tree_rss_kb(proc.pid))
            elapsed = time.perf_counter() - start
            if elapsed > timeout or peak_kb > rss_cap_kb:
                killed = (f"killed after {elapsed:.0f} s" if elapsed > timeout
                          else f"killed at {peak_kb / 1024:.0f} MB RSS")
                os.killpg(proc.pid, signal.SIGKILL)
    seconds = time.perf_counter() - start
    rss_mb = peak_kb / 1024
    message = _first_line(out_err[1].decode(errors="replace")
                          or out_err[0].decode(errors="replace"))
    return Run(seconds, rss_mb, killed or proc.returncode, message)


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:150]
    return ""


def bench(name: str, steps: list[str], timeout: float, rss_cap_kb: int, tmp: Path) -> None:
    file_name, make = BOMBS[name]
    folder = tmp / name
    folder.mkdir()
    bomb = folder / file_name
    made_at = time.perf_counter()
    make(bomb)
    print(f"\n{name}: {bomb.stat().st_size / MB:.2f} MB on disk "
          f"(generated in {time.perf_counter() - made_at:.0f} s)", flush=True)
    case = folder / "CASE"
    init = run_cli(["init", str(case), "--order-id", "1", "--refund-id", "2", "--buyer", BUYER,
                    "--seller", SELLER, "--amount", "12", "--requested-at", "2025-04-20 10:02",
                    "--now", NOW], timeout, rss_cap_kb)
    if init.code != 0:
        print(f"  init failed: {init.message}")
        return
    added = True
    for step in steps:
        if step == "add":
            run = run_cli(["add", str(case), str(bomb), "--now", NOW], timeout, rss_cap_kb)
            added = run.code == 0
        elif step == "inspect":
            run = run_cli(["inspect", str(bomb)], timeout, rss_cap_kb)
        elif step == "build":
            if not added:
                print(f"  {'build':8} skipped (nothing added)")
                continue
            run = run_cli(["build", str(case), "--draft", "--now", NOW], timeout, rss_cap_kb)
        else:
            raise SystemExit(f"unknown step {step}")
        within = (isinstance(run.code, int) and run.seconds <= TARGET_S
                  and run.rss_mb <= TARGET_RSS_MB)
        print(f"  {step:8} {run.seconds:7.1f} s {run.rss_mb:8.0f} MB  exit {run.code!s:22} "
              f"{'ok  ' if within else 'OVER'} {run.message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", choices=sorted(BOMBS), default=None)
    parser.add_argument("--steps", default="add,inspect,build")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--rss-cap-gb", type=float, default=4.0)
    args = parser.parse_args()
    steps = [s for s in args.steps.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or list(BOMBS):
            bench(name, steps, args.timeout, int(args.rss_cap_gb * MB), Path(tmp))


if __name__ == "__main__":
    main()
