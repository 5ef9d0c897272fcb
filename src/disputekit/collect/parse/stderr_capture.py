"""Keep C libraries off the terminal: what they write to file descriptor 2 is captured.

libtiff (and libjpeg inside libtiff) report damaged data by printing to ``stderr`` from C
("Fax4Decode: Bad code word at line 27 of strip 0"), behind Python's back: ``sys.stderr`` and
the ``warnings`` module never see it. Inside :func:`captured` fd 2 points at an unlinked
temporary file; afterwards it is restored and the lines written meanwhile are returned, to
become warnings on the exhibit. Nothing reaches the terminal.

fd 2 belongs to the whole process, so one capture runs at a time (a lock; nested captures
are fine). disputekit decodes images in worker *processes*, never in threads, so a capture
sees only its own decoder's lines.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

MAX_BYTES = 64 * 1024
"""Read back at most this much: a damaged strip can make libtiff repeat a line thousands of
times."""

MAX_LINES = 5
"""Distinct lines kept per capture."""

_lock = threading.RLock()


@contextmanager
def captured() -> Iterator[list[str]]:
    """Point fd 2 at a temporary file while the block runs; the list then holds the distinct
    non-empty lines written to it (at most :data:`MAX_LINES`, each at most 300 characters)."""
    lines: list[str] = []
    with _lock, tempfile.TemporaryFile() as sink:
        _flush()
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            try:
                yield lines
            finally:
                _flush()
                os.dup2(saved, 2)
        finally:
            os.close(saved)
        sink.seek(0)
        lines.extend(distinct_lines(sink.read(MAX_BYTES)))


def distinct_lines(data: bytes) -> list[str]:
    """Distinct, stripped, non-empty lines of ``data`` (UTF-8, undecodable bytes replaced)."""
    out: list[str] = []
    for raw in data.decode("utf-8", errors="replace").splitlines():
        line = raw.strip()[:300]
        if line and line not in out:
            out.append(line)
            if len(out) == MAX_LINES:
                break
    return out


def _flush() -> None:
    """Python's own buffered stderr text belongs outside the capture."""
    with suppress(AttributeError, OSError, ValueError):  # closed or replaced by a test
        sys.stderr.flush()
