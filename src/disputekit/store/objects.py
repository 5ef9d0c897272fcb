"""Content-addressed store of originals: ``objects/ab/cdef…`` named by SHA-256, read-only."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from disputekit.store.atomic import TEMP_PREFIX, fsync_dir
from disputekit.store.hashing import copy_hashing, sha256_file
from disputekit.store.nofollow import refuse_symlinked_dir

READ_ONLY = 0o444


@dataclass(frozen=True)
class StoredObject:
    sha256: str
    size: int
    existed: bool


class ObjectStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, source: Path) -> StoredObject:
        """Copy ``source`` in while hashing it; the object appears only when complete. A
        symlinked ``objects`` (or its ``ab`` folder, or ``.disputekit``) is refused."""
        for folder in (self.root.parent, self.root):
            refuse_symlinked_dir(folder)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.root)
        tmp = Path(tmp_name)
        try:
            digest, size = _copy_hashing(source, fd)
            target = self.path_for(digest)
            if target.is_file():
                tmp.unlink()
                return StoredObject(digest, size, existed=True)
            refuse_symlinked_dir(target.parent)
            target.parent.mkdir(exist_ok=True)
            os.chmod(tmp, READ_ONLY)
            os.replace(tmp, target)
            fsync_dir(target.parent)
            return StoredObject(digest, size, existed=False)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise

    def verify(self, sha256: str) -> bool:
        return object_intact(self.path_for(sha256), sha256)

    def copy_out(self, sha256: str, dest: Path) -> None:
        shutil.copyfile(self.path_for(sha256), dest)


def _copy_hashing(source: Path, fd: int) -> tuple[str, int]:
    with os.fdopen(fd, "wb") as dst:
        return copy_hashing(source, dst)


def object_intact(path: Path, sha256: str) -> bool:
    """Is the stored original at ``path`` still there and still hashing to ``sha256``?"""
    return path.is_file() and sha256_file(path)[0] == sha256
