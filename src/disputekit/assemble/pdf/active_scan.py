"""Every object of a written PDF scanned for active content — referenced or not.

Active content reached only through page *resources* (an ExtGState or Form pointing at an
evidence PDF's catalog) is copied by a page-level merge even though nothing references it:
``/OpenAction`` JavaScript, ``/Names/JavaScript``, ``/Launch``, ``/URI``, ``/AA``, an embedded
``payload.exe``. The post-write check (``verify_pdf``) and ``verify`` look at all objects, not
only at what a reader would follow. Stream *data* (attached originals) is not parsed.
"""

from __future__ import annotations

from typing import Any

import pikepdf

ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/Launch", "/OpenAction", "/AcroForm", "/AA",
                         "/XFA", "/RichMedia", "/SubmitForm", "/ImportData"})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData",
                            "/RichMediaExecute", "/Rendition", "/GoToE", "/GoToR", "/URI"})
MAX_DEPTH = 16


def _in(obj: Any, where: str, depth: int) -> list[str]:
    if depth > MAX_DEPTH or (depth and obj.is_indirect):
        return []  # indirect objects are visited on their own
    found = []
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        items = (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj).items()
        for key, value in items:
            if key in ACTIVE_KEYS:
                found.append(f"{where}: {key}")
            if key == "/S" and str(value) in ACTIVE_ACTIONS:
                found.append(f"{where}: action {value}")
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array):
                found += _in(value, where + key, depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for value in obj:
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array):
                found += _in(value, where, depth + 1)
    return found


def _attached_streams(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    out = set()
    for spec in pdf.attachments.values():
        for stream in spec.obj.get("/EF", {}).values():
            out.add(stream.objgen)
    return out


def active_problems(pdf: pikepdf.Pdf) -> list[str]:
    """``obj N: /OpenAction``… for every active key or action anywhere in the file, and
    every embedded file that is not one of the attachments the catalog lists."""
    attached = _attached_streams(pdf)
    found: list[str] = []
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        where = f"obj {obj.objgen[0]}"
        found += _in(obj, where, 0)
        if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/EmbeddedFile" \
                and obj.objgen not in attached:
            found.append(f"{where}: an embedded file that is not an attachment")
    return [f"active content: {f}" for f in found]
