"""Top-level box walk of an ISO-BMFF/QuickTime file: reads box headers only, seeking past bodies.

A phone writes ``mdat`` (the media) while recording and ``moov`` (the index) when recording
stops, so a cut or interrupted file has no ``moov`` or an ``mdat`` that declares more bytes than
the file holds. Reading 8-16 bytes per box keeps a 2 GB file's walk at a few kilobytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

MAX_BOXES = 4096
"""Top-level boxes walked before giving up: a phone file has 3-6, a fragmented one
(``moof``/``mdat`` pairs) a few hundred; more is a crafted file."""


@dataclass(frozen=True)
class Box:
    type: str
    offset: int
    size: int  # declared size in bytes, header included; to end of file for size 0

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass
class Layout:
    file_size: int
    boxes: list[Box] = field(default_factory=list)
    overrun: Box | None = None  # box declaring more bytes than the file has left
    corrupt_at: int | None = None  # offset of an impossible box header
    trailing: int = 0  # bytes after the last box too short for a header

    def has(self, box_type: str) -> bool:
        return any(box.type == box_type for box in self.boxes)

    @property
    def complete(self) -> bool:
        return self.overrun is None and self.corrupt_at is None and not self.trailing


def walk(path: Path) -> Layout:
    """Walk the top-level boxes of ``path`` (raises OSError when it cannot be read)."""
    with path.open("rb") as fh:
        fh.seek(0, 2)
        layout = Layout(file_size=fh.tell())
        _walk(fh, layout)
    return layout


def _walk(fh: BinaryIO, layout: Layout) -> None:
    offset, end = 0, layout.file_size
    while offset < end and len(layout.boxes) < MAX_BOXES:
        fh.seek(offset)
        header = fh.read(16)
        if len(header) < 8:
            layout.trailing = len(header)
            return
        size = int.from_bytes(header[:4], "big")
        box_type = header[4:8].decode("latin-1")
        if size == 1:
            if len(header) < 16:
                layout.trailing = len(header)
                return
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - offset
        if size < 8 or not box_type.isprintable():
            layout.corrupt_at = offset
            return
        box = Box(box_type, offset, size)
        layout.boxes.append(box)
        if box.end > end:
            layout.overrun = box
            return
        offset = box.end
