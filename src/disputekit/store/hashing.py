"""Streaming SHA-256 (never reads a whole file into memory)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    """Return (hex digest, size in bytes) of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_hashing(source: Path, dst: BinaryIO) -> tuple[str, int]:
    """Copy ``source`` into the open ``dst`` while hashing it; fsync; (hex digest, size)."""
    with source.open("rb") as src:
        return copy_stream_hashing(src, dst)


def copy_stream_hashing(src: BinaryIO, dst: BinaryIO) -> tuple[str, int]:
    """Copy an open source into ``dst`` while hashing it; fsync; (hex digest, size)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        dst.write(chunk)
        size += len(chunk)
    dst.flush()
    os.fsync(dst.fileno())
    return digest.hexdigest(), size


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
