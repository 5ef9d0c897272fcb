"""The on-disk glyph cache: same bytes as no cache, and safe against corruption, foreign
entries, killed writers and concurrent builds."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from disputekit.assemble.pdf import fontbuild, glyph_cache
from disputekit.assemble.pdf.glyph_cache import MAX_PACKS, GlyphCache, cache_key, decode_pack
from disputekit.store.usercache import user_cache_dir

TEXT = "买家申请退款：商品与描述不符 Order 59.90"


def _codepoints(text: str = TEXT) -> list[int]:
    return sorted(set(map(ord, text)))


def _build(text: str = TEXT) -> bytes:
    source = fontbuild.cjk_source()
    cps = _codepoints(text)
    return fontbuild.build_subset(source, cps, fontbuild.subset_name(source, cps))


def _packs(root: Path) -> list[Path]:
    """The packs of converted CJK glyphs (not the face index's)."""
    folder = GlyphCache(root, _key().decode()).folder
    assert folder is not None
    return sorted(folder.glob("*.pack"))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISPUTEKIT_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def uncached() -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTEKIT_CACHE_DIR", "")
        return _build()


def test_cold_and_warm_builds_give_the_uncached_bytes(cache_dir, uncached):
    assert _build() == uncached
    assert len(_packs(cache_dir)) == 1
    assert _build() == uncached
    assert len(_packs(cache_dir)) == 1, "a full hit writes nothing"


def test_a_warm_build_does_not_convert(cache_dir, uncached, monkeypatch):
    _build()
    monkeypatch.setattr(fontbuild, "_convert", lambda *_: pytest.fail("converted a cached glyph"))
    assert _build() == uncached


def test_new_glyphs_go_into_a_new_pack(cache_dir):
    _build()
    _build(TEXT + "鑫淼")
    entries = [decode_pack(p.read_bytes(), _key()) for p in _packs(cache_dir)]
    assert len(entries) == 2 and None not in entries
    assert set(entries[0]).isdisjoint(entries[1])
    assert set(entries[0]) | set(entries[1]) == _glyph_names(TEXT + "鑫淼")


def _glyph_names(text: str) -> set[str]:
    cmap = fontbuild.cjk_source().cmap
    return {".notdef", *(cmap[cp] for cp in _codepoints(text))}


def _key() -> bytes:
    source = fontbuild.cjk_source()
    assert source.path is not None
    return cache_key(glyph_cache.file_sha256(source.path), source.ps_name, fontbuild.CONVERTER).encode()


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage"])
def test_a_damaged_pack_is_ignored_removed_and_rebuilt(cache_dir, uncached, damage):
    _build()
    (pack,) = _packs(cache_dir)
    data = pack.read_bytes()
    damaged = {
        "flip": data[:100] + bytes([data[100] ^ 0xFF]) + data[101:],
        "truncate": data[: len(data) // 2],  # a writer killed halfway (if it wrote in place)
        "empty": b"",
        "garbage": b"not a pack at all",
    }[damage]
    pack.write_bytes(damaged)
    assert _build() == uncached
    packs = _packs(cache_dir)
    assert pack not in packs or pack.read_bytes() == data
    assert len(packs) == 1 and decode_pack(packs[0].read_bytes(), _key()) is not None


def test_a_pack_made_for_another_font_or_converter_is_ignored(cache_dir, uncached):
    folder = GlyphCache(cache_dir, _key().decode()).folder
    assert folder is not None
    folder.mkdir(parents=True)
    foreign = GlyphCache(cache_dir, "another font|or converter")
    foreign.folder = folder  # planted in our folder, valid checksum, wrong key
    source = fontbuild.cjk_source()
    wrong = {name: b"\x00\x01" for name in source.cmap.values()}
    foreign.save(wrong)
    assert _build() == uncached


def test_temp_files_of_killed_writers_are_never_read(cache_dir, uncached):
    _build()
    (pack,) = _packs(cache_dir)
    (pack.parent / (glyph_cache.TEMP_PREFIX + "killed")).write_bytes(pack.read_bytes()[:50])
    assert _build() == uncached


def test_many_packs_are_merged_without_losing_glyphs(cache_dir, uncached):
    ideographs = "鑫淼焱垚犇骉羴猋麤靐龘"
    for n in range(MAX_PACKS + 1):
        _build(TEXT + ideographs[n])
    packs = _packs(cache_dir)
    assert len(packs) == 1
    glyphs = decode_pack(packs[0].read_bytes(), _key())
    assert glyphs is not None and set(glyphs) == _glyph_names(TEXT + ideographs[: MAX_PACKS + 1])


def _build_in_child(args: tuple[str, str]) -> bytes:
    import os

    os.environ["DISPUTEKIT_CACHE_DIR"] = args[0]
    return _build(args[1])


def test_concurrent_builds_share_the_cache_safely(cache_dir):
    texts = [TEXT + extra for extra in ("鑫", "淼", "焱", "垚")] * 2
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_build_in_child, [(str(cache_dir), t) for t in texts])
    assert results[:4] == results[4:]
    for pack in _packs(cache_dir):
        assert decode_pack(pack.read_bytes(), _key()) is not None
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTEKIT_CACHE_DIR", "")
        assert [_build(t) for t in texts[:4]] == results[:4]


def test_an_unwritable_cache_does_not_fail_the_build(tmp_path, monkeypatch, uncached):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DISPUTEKIT_CACHE_DIR", str(blocker))
    assert _build() == uncached


def test_cache_folder_from_the_environment(tmp_path):
    home = Path.home()
    assert user_cache_dir({}) == home / ".cache" / "disputekit"
    assert user_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "disputekit"
    assert user_cache_dir({"XDG_CACHE_HOME": "relative"}) == home / ".cache" / "disputekit"
    assert user_cache_dir({"DISPUTEKIT_CACHE_DIR": str(tmp_path), "XDG_CACHE_HOME": "/x"}) == tmp_path
    assert user_cache_dir({"DISPUTEKIT_CACHE_DIR": ""}) is None


def test_the_face_index_comes_back_from_the_cache_unchanged(cache_dir):
    source = fontbuild.cjk_source()
    assert source.path is not None
    cold = fontbuild.face_index(source.font, source.path, source.ps_name)
    assert len(list(cache_dir.glob("glyphs/*/*.pack"))) == 1
    warm = fontbuild.face_index(source.font, source.path, source.ps_name)
    assert warm == cold == fontbuild._make_index(source.font)
    assert warm[0] == source.cmap


def test_an_ill_formed_face_index_is_rebuilt(cache_dir, monkeypatch):
    source = fontbuild.cjk_source()
    assert source.path is not None
    cache = GlyphCache.for_font(source.path, source.ps_name, fontbuild.FACE_INDEX)
    cache.save({"index": b'{"names": ["a"], "gids": [], "advances": []}'})  # valid pack, bad index
    index = fontbuild.face_index(source.font, source.path, source.ps_name)
    assert index == fontbuild._make_index(source.font)
