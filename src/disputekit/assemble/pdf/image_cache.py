"""Prepared images kept between builds of one case (issue 14: a second build is a cache hit).

An agent rebuilds after adding one exhibit, fixing a caption or a lead's send-back; the photos
have not changed, yet each rebuild decoded every one again (0.12 s CPU per 12 MP photo). The
dossier's JPEG and the upload bundle's web copy of an image are a pure function of the original
(its SHA-256 names its object), the sizes, the boxes painted over, the draft flag and the code,
so they are kept in ``out/.cache/images/`` under a key of all of these:

- ``<key>.json`` — the SHA-256 of each stored file, the web copy's extension and media type (or
  the bilingual error the upload check gave); written last, so an entry without it is ignored;
- ``<key>.jpg`` — the dossier's copy; ``<key>.web`` — the web copy's bytes.

Every file is written to a temp name and renamed; an entry whose files do not match the hashes
in its ``.json`` (a torn write, an edit, a foreign file) is ignored and rebuilt. The cache sits
beside the build's output (deleting ``out/`` deletes it, it never leaves the case's folder) and
holds only what the last build used (``prune``). The bytes of a build are the same with or
without it (``tests/test_image_cache.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1
"""Bump when ``images.prepare_one`` makes different bytes from the same inputs."""

_SHA256 = re.compile(r"[0-9a-f]{64}")


def key_of(source: str, parts: list[Any]) -> str | None:
    """The entry's key, or None when ``source`` is not an object named by its SHA-256."""
    src = Path(source)
    digest = src.parent.name + src.name
    if not _SHA256.fullmatch(digest):
        return None
    from PIL import __version__ as pillow

    from disputekit import __version__ as ours

    blob = json.dumps([FORMAT, ours, pillow, digest, *parts], sort_keys=True, default=list)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    dossier: bytes
    web: bytes | None
    meta: dict[str, Any]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(folder: Path, key: str) -> Entry | None:
    """The entry if it is whole and matches its hashes, else None (rebuilt by the caller)."""
    try:
        meta = json.loads((folder / f"{key}.json").read_text("utf-8"))
        dossier = (folder / f"{key}.jpg").read_bytes()
        web = (folder / f"{key}.web").read_bytes() if meta.get("web_sha256") else None
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("dossier_sha256") != _sha(dossier):
        return None
    if web is not None and meta.get("web_sha256") != _sha(web):
        return None
    return Entry(dossier, web, meta)


def _write(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(folder: Path, key: str, dossier: bytes, web: bytes | None, meta: dict[str, Any]) -> None:
    """Keep an entry; failures are ignored (the cache only saves time)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / f"{key}.jpg", dossier)
        if web is not None:
            _write(folder / f"{key}.web", web)
        record = {**meta, "format": FORMAT, "dossier_sha256": _sha(dossier),
                  "web_sha256": _sha(web) if web is not None else None}
        _write(folder / f"{key}.json", json.dumps(record, sort_keys=True).encode("utf-8"))
    except OSError:
        return


def prune(folder: Path, keep: set[str]) -> None:
    """Remove entries (and stray temp files) the last build did not use."""
    try:
        names = list(folder.iterdir())
    except OSError:
        return
    for path in names:
        if path.name.split(".", 1)[0] not in keep and not path.is_symlink() and path.is_file():
            path.unlink(missing_ok=True)
