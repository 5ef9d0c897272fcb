"""Page digests: a SHA-256 per page over what the page shows, recorded in the dossier's
embedded manifest.json so that ``verify dossier.pdf`` can say which page was deleted, added or
changed.

A page's digest covers its geometry (/MediaBox, /CropBox, /Rotate, /UserUnit, inherited ones
included), its content streams decoded and joined, and — recursively, by value — every
resource it names: fonts with their font files, images with their pixel data, form XObjects
with their own content and resources, colour spaces, patterns, graphics states. Streams are
hashed decoded (``/Filter``, ``/DecodeParms`` and ``/Length`` are left out), indirect objects
are followed by value (object numbers never enter), dictionary keys are sorted and numbers
normalised (``612``, ``612.0`` and ``612.00`` are one number): the digest does not move when qpdf renumbers objects or recompresses streams.
Image codecs that qpdf does not decode (DCT, JPX, JBIG2, CCITT) are hashed as their encoded
bytes with the codec's name.

Not covered: annotations (/Annots — the PDF signature's widget lives there, and the dossier
draws no content through them; ``verify`` already refuses external actions in them), the
outline, metadata and attachments (checked separately against the manifest).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pikepdf

ALGORITHM = "disputekit-page-sha256/1"
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/UserUnit")
STREAM_SKIP = frozenset({"/Length", "/Filter", "/DecodeParms", "/DL", "/F", "/FFilter",
                         "/FDecodeParms"})
DICT_SKIP = frozenset({"/Parent", "/P"})  # back-pointers into the page tree
CODECS = frozenset({"/DCTDecode", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode"})
MAX_DEPTH = 64


def _filters(stream: pikepdf.Stream) -> list[str]:
    found = stream.get("/Filter")
    if found is None:
        return []
    if isinstance(found, pikepdf.Array):
        return [str(f) for f in found]
    return [str(found)]


def _stream_data(stream: pikepdf.Stream) -> bytes:
    """Decoded bytes; the codec's name and encoded bytes for image codecs qpdf leaves alone;
    the raw bytes, marked, when the stream cannot be decoded at all."""
    codecs = [f for f in _filters(stream) if f in CODECS]
    try:
        data = stream.read_bytes(pikepdf.StreamDecodeLevel.generalized)
    except (pikepdf.PdfError, pikepdf.DataDecodingError, ValueError):
        return b"raw:" + " ".join(_filters(stream)).encode() + b":" + stream.read_raw_bytes()
    return (b"codec:" + " ".join(codecs).encode() + b":" + data) if codecs else data


class _Hasher:
    """Canonical encoding of PDF objects into a hash; each indirect object's digest is
    computed once per document (fonts are shared by every page)."""

    def __init__(self) -> None:
        self.memo: dict[tuple[int, int], bytes] = {}

    def digest(self, obj: Any, path: frozenset[tuple[int, int]] = frozenset(),
               depth: int = 0) -> bytes:
        key = obj.objgen if isinstance(obj, pikepdf.Object) and obj.is_indirect else None
        if key is not None and key in self.memo:
            return self.memo[key]
        if (key is not None and key in path) or depth > MAX_DEPTH:
            return hashlib.sha256(b"cycle").digest()
        inner = path | {key} if key is not None else path
        h = hashlib.sha256()
        self._feed(h.update, obj, inner, depth)
        out = h.digest()
        if key is not None:
            self.memo[key] = out
        return out

    def _feed(self, feed: Callable[[bytes], None], obj: Any,
              path: frozenset[tuple[int, int]], depth: int) -> None:
        if isinstance(obj, pikepdf.Stream):
            feed(b"S")
            self._dict(feed, obj, path, depth, STREAM_SKIP)
            feed(hashlib.sha256(_stream_data(obj)).digest())
        elif isinstance(obj, pikepdf.Dictionary):
            feed(b"D")
            self._dict(feed, obj, path, depth, DICT_SKIP)
        elif isinstance(obj, pikepdf.Array):
            feed(b"A%d:" % len(obj))
            for item in obj:
                feed(self.digest(item, path, depth + 1))
        else:
            feed(_scalar(obj))

    def _dict(self, feed: Callable[[bytes], None], obj: Any, path: frozenset[tuple[int, int]],
              depth: int, skip: frozenset[str]) -> None:
        keys = sorted(k for k in obj if k not in skip)
        feed(b"%d:" % len(keys))
        for k in keys:
            name = k.encode("utf-8", "surrogateescape")
            feed(b"%d:" % len(name) + name)
            feed(self.digest(obj.get(k), path, depth + 1))


def _scalar(obj: Any) -> bytes:
    if isinstance(obj, pikepdf.Name):
        text = str(obj).encode("utf-8", "surrogateescape")
        return b"N%d:" % len(text) + text
    if isinstance(obj, pikepdf.String):
        data = bytes(obj)
        return b"T%d:" % len(data) + data
    if isinstance(obj, bool):
        return b"B1" if obj else b"B0"
    if isinstance(obj, int | Decimal | float):  # one kind: qpdf writes 612.0 as 612
        value = Decimal(str(obj)).normalize()
        return b"R" + format(value, "f").encode()
    if obj is None:
        return b"Z"
    return b"?" + repr(obj).encode("utf-8", "surrogateescape")  # an operator or the like


def _inherited(page: pikepdf.Dictionary, key: str) -> Any:
    node: Any = page
    for _ in range(MAX_DEPTH):
        if node is None or not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node.get(key)
        node = node.get("/Parent")
    return None


def _contents(page: pikepdf.Dictionary) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    return b"\n".join(_stream_data(s) for s in streams if isinstance(s, pikepdf.Stream))


def page_digests(pdf: pikepdf.Pdf) -> list[str]:
    """One hex SHA-256 per page, in page order."""
    hasher = _Hasher()
    out = []
    for page in pdf.pages:
        obj = page.obj
        h = hashlib.sha256(ALGORITHM.encode() + b"\n")
        for key in PAGE_KEYS:
            value = _inherited(obj, key) if key in INHERITED else obj.get(key)
            h.update(key.encode() + b"=" + hasher.digest(value))
        h.update(b"/Contents=" + hashlib.sha256(_contents(obj)).digest())
        h.update(b"/Resources=" + hasher.digest(_inherited(obj, "/Resources")))
        out.append(h.hexdigest())
    return out


def root_of(digests: list[str]) -> str:
    """One SHA-256 over the page count and every page digest, in order."""
    return hashlib.sha256(f"{len(digests)}\n".encode() + "\n".join(digests).encode()).hexdigest()


def page_record(pdf: pikepdf.Pdf) -> dict[str, Any]:
    """What the manifest records: ``{"algorithm", "count", "sha256": [...], "root"}``."""
    digests = page_digests(pdf)
    return {"algorithm": ALGORITHM, "count": len(digests), "sha256": digests,
            "root": root_of(digests)}


def page_problems(recorded: Any, actual: list[str]) -> list[tuple[str, str]]:
    """(zh, en) for each page deleted, added or changed since ``recorded`` was made.

    Pages are matched in order by digest (a longest-common-subsequence alignment), so a
    deleted page is named as deleted rather than every later page as changed."""
    if not isinstance(recorded, dict) or not isinstance(recorded.get("sha256"), list):
        return [("嵌入清单中的页面摘要缺失或无法读取", "the embedded manifest's page digests are "
                 "missing or unreadable")]
    if recorded.get("algorithm") != ALGORITHM:
        return [(f"页面摘要算法 {recorded.get('algorithm')} 未知",
                 f"unknown page digest algorithm {recorded.get('algorithm')}")]
    want = [str(d) for d in recorded["sha256"]]
    out: list[tuple[str, str]] = []
    if recorded.get("count") != len(want) or recorded.get("root") != root_of(want):
        out.append(("嵌入清单中的页面摘要自相矛盾（页数或根摘要不符）",
                    "the embedded manifest's page digests contradict themselves (count or root)"))
    if len(want) != len(actual):
        out.append((f"页数不符：清单记录 {len(want)} 页，现有 {len(actual)} 页",
                    f"page count differs: the manifest records {len(want)}, the file has "
                    f"{len(actual)}"))
    return out + _aligned(want, actual)


def _aligned(want: list[str], got: list[str]) -> list[tuple[str, str]]:
    n, m = len(want), len(got)
    if n * m > 1_000_000:  # very long documents: compare position by position
        return _positional(want, got)
    lcs = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            lcs[i][j] = lcs[i + 1][j + 1] + 1 if want[i] == got[j] else \
                max(lcs[i + 1][j], lcs[i][j + 1])
    out: list[tuple[str, str]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and want[i] == got[j]:
            i, j = i + 1, j + 1
        elif i < n and j < m and lcs[i + 1][j + 1] == lcs[i][j]:
            out.append(_changed(i + 1, j + 1))
            i, j = i + 1, j + 1
        elif i < n and (j == m or lcs[i + 1][j] >= lcs[i][j + 1]):
            out.append((f"第 {i + 1} 页已被删除", f"page {i + 1} was deleted"))
            i += 1
        else:
            out.append((f"第 {j + 1} 页是后加的（清单中没有）",
                        f"page {j + 1} was added (not in the manifest)"))
            j += 1
    return out


def _changed(recorded: int, now: int) -> tuple[str, str]:
    if recorded == now:
        return (f"第 {now} 页的内容已被改动（文字、图片或字体与清单摘要不符）",
                f"page {now} was changed (its text, images or fonts differ from the manifest)")
    return (f"第 {now} 页（原第 {recorded} 页）的内容已被改动",
            f"page {now} (page {recorded} when built) was changed")


def _positional(want: list[str], got: list[str]) -> list[tuple[str, str]]:
    out = [_changed(k + 1, k + 1) for k, (a, b) in enumerate(zip(want, got, strict=False))
           if a != b]
    out += [(f"第 {k} 页已被删除", f"page {k} was deleted")
            for k in range(len(got) + 1, len(want) + 1)]
    out += [(f"第 {k} 页是后加的（清单中没有）", f"page {k} was added (not in the manifest)")
            for k in range(len(want) + 1, len(got) + 1)]
    return out
