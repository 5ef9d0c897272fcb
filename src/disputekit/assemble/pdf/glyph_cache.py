"""On-disk cache of converted glyphs (CFF → TrueType), shared by every build of this user.

Converting Noto Sans CJK's cubic outlines costs ~0.5 ms per glyph and a case draws the same few
thousand characters every time, so each converted glyph is kept, as its compiled ``glyf``
bytes, under ``<user cache>/glyphs/<key>/``. The key is a hash of the font file's SHA-256, the
face's PostScript name and :data:`CONVERTER`: another font file, another face or another
converter never sees these entries.

Storage is a folder of *packs*, each written once and never changed: a build that converted
new glyphs writes them as one new pack (temp file + ``os.replace``), so concurrent builds never
write the same file and a build killed at any point leaves either a whole pack or a temp file
nobody reads. Every pack carries its key and a SHA-256 of its content; a pack that is short,
corrupt or for another key is ignored (and removed), and its glyphs are converted again. When
more than :data:`MAX_PACKS` packs exist, a build merges them into one (removing the old ones
after the merged pack is in place; a reader that loses the race only misses, never errs).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import struct
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from disputekit.store.usercache import user_cache_dir

logger = logging.getLogger(__name__)

MAGIC = b"DKGLYF01"
#: Bump when the conversion in ``fontbuild._convert_glyphs`` changes its output.
CONVERTER = "cu2qu-1"
MAX_PACKS = 8
PACK_SUFFIX = ".pack"
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
_DIGEST = 32
_COUNT = struct.Struct("<I")
_RECORD = struct.Struct("<HI")


@functools.cache
def file_sha256(path: Path) -> str:
    """SHA-256 of a font file (once per process)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_key(font_sha256: str, ps_name: str, converter: str) -> str:
    """What a pack must carry to be used: the font file, the face and the converter."""
    return f"{font_sha256}|{ps_name}|{converter}|{CONVERTER}"


class GlyphCache:
    """Converted glyphs of one face by one converter: ``load`` once, ``save`` the new ones.

    ``folder`` None (caching off, or no usable cache folder) makes every call a no-op.
    """

    def __init__(self, folder: Path | None, key: str) -> None:
        self.key = key
        self._key_bytes = key.encode()
        tag = hashlib.sha256(self._key_bytes).hexdigest()[:24]
        self.folder = folder / "glyphs" / tag if folder is not None else None

    @classmethod
    def for_font(cls, font_file: Path, ps_name: str, converter: str) -> GlyphCache:
        return cls(user_cache_dir(), cache_key(file_sha256(font_file), ps_name, converter))

    def load(self) -> dict[str, bytes]:
        """Every glyph in every readable pack (a bad pack is skipped and removed)."""
        glyphs: dict[str, bytes] = {}
        for pack in self._packs():
            entries = self._read(pack)
            if entries is None:
                logger.info("glyph cache: ignoring unreadable pack %s", pack.name)
                with contextlib.suppress(OSError):
                    pack.unlink()
                continue
            glyphs.update(entries)
        return glyphs

    def save(self, new: Mapping[str, bytes]) -> None:
        """Write ``new`` glyphs as one pack; merge packs when there are too many. Never raises
        for a cache that cannot be written (read-only home, full disk): it only logs."""
        if self.folder is None or not new:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write(new)
            if len(self._packs()) > MAX_PACKS:
                self._merge()
        except OSError as exc:
            logger.info("glyph cache not written (%s)", exc)

    # ------------------------------------------------------------------ packs

    def _packs(self) -> list[Path]:
        if self.folder is None or not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*" + PACK_SUFFIX))

    def _encode(self, glyphs: Mapping[str, bytes]) -> bytes:
        parts = [MAGIC, _COUNT.pack(len(self._key_bytes)), self._key_bytes, _COUNT.pack(len(glyphs))]
        for name in sorted(glyphs):
            raw = name.encode()
            parts += [_RECORD.pack(len(raw), len(glyphs[name])), raw, glyphs[name]]
        body = b"".join(parts)
        return body + hashlib.sha256(body).digest()

    def _read(self, pack: Path) -> dict[str, bytes] | None:
        try:
            data = pack.read_bytes()
        except FileNotFoundError:
            return {}  # merged away by another build meanwhile: a miss, not an error
        except OSError:
            return None
        return decode_pack(data, self._key_bytes)

    def _write(self, glyphs: Mapping[str, bytes]) -> Path:
        assert self.folder is not None
        data = self._encode(glyphs)
        name = hashlib.sha256(data).hexdigest()[:24] + PACK_SUFFIX
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, self.folder / name)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return self.folder / name

    def _merge(self) -> None:
        packs = self._packs()
        merged: dict[str, bytes] = {}
        for pack in packs:
            merged.update(self._read(pack) or {})
        kept = self._write(merged)
        for pack in packs:
            if pack != kept:
                with contextlib.suppress(OSError):
                    pack.unlink()
        self._sweep_temps()

    def _sweep_temps(self) -> None:
        """Temp files of builds killed while writing (old enough that no live build owns them)."""
        assert self.folder is not None
        cutoff = time.time() - STALE_TEMP_SECONDS
        for tmp in self.folder.glob(TEMP_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()


def decode_pack(data: bytes, key: bytes) -> dict[str, bytes] | None:
    """The glyphs of a pack, or None if it is truncated, corrupt or for another key."""
    if len(data) < len(MAGIC) + _DIGEST or not data.startswith(MAGIC):
        return None
    body, digest = data[:-_DIGEST], data[-_DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        pos = len(MAGIC)
        (key_len,) = _COUNT.unpack_from(body, pos)
        pos += _COUNT.size
        if body[pos : pos + key_len] != key:
            return None
        pos += key_len
        (count,) = _COUNT.unpack_from(body, pos)
        pos += _COUNT.size
        glyphs = {}
        for _ in range(count):
            name_len, data_len = _RECORD.unpack_from(body, pos)
            pos += _RECORD.size
            name = body[pos : pos + name_len].decode()
            pos += name_len
            glyphs[name] = body[pos : pos + data_len]
            pos += data_len
    except (struct.error, UnicodeDecodeError):
        return None
    return glyphs if pos == len(body) else None
