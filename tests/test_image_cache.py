"""Prepared images kept between builds (``assemble/pdf/image_cache.py``, issue 14): a second
build of an unchanged case decodes nothing and writes the same bytes; a damaged or foreign entry
is ignored and rebuilt; a planted link is never written through."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from casekit import NOW, sample_case
from disputekit.assemble.build import build_dossier
from disputekit.collect.parse import imageio
from disputekit.models.build import BuildOptions

pytestmark = pytest.mark.slow
WHEN = NOW["returned-not-ours"]


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counted: Counter[str] = Counter()
    real = imageio.with_image

    def with_image(path, use):  # type: ignore[no-untyped-def]
        counted[Path(path).name] += 1
        return real(path, use)

    monkeypatch.setattr(imageio, "with_image", with_image)
    return counted


def outputs(out: Path) -> dict[str, str]:
    files = [out / "dossier.pdf", out / "submission.pdf", *sorted((out / "draft" / "images").iterdir())]
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def build(case: Path, out: Path) -> dict[str, str]:
    build_dossier(case, BuildOptions(now=WHEN, draft=True, jobs=1, out_dir=out))
    return outputs(out)


def test_second_build_decodes_nothing_and_writes_the_same_bytes(tmp_path: Path, decodes: Counter[str]) -> None:
    case = sample_case("returned-not-ours", tmp_path / "case")
    first = build(case, tmp_path / "out")
    decoded_first = sum(decodes.values())
    cache = tmp_path / "out" / ".cache" / "images"
    assert len(list(cache.glob("*.json"))) == 3  # the three images of the sample
    second = build(case, tmp_path / "out")
    assert second == first
    # only the proof card's thumbnails are decoded again (they are not cached)
    assert sum(decodes.values()) - decoded_first < decoded_first
    uncached = build(case, tmp_path / "fresh")
    assert uncached == first


def test_a_damaged_entry_is_rebuilt_and_stray_files_are_pruned(tmp_path: Path, decodes: Counter[str]) -> None:
    case = sample_case("returned-not-ours", tmp_path / "case")
    first = build(case, tmp_path / "out")
    cache = tmp_path / "out" / ".cache" / "images"
    victim = sorted(cache.glob("*.jpg"))[0]
    victim.write_bytes(b"not the image")
    (cache / "stray.jpg").write_bytes(b"x")
    decodes.clear()
    assert build(case, tmp_path / "out") == first
    assert sum(decodes.values()) >= 1  # the damaged entry's image was decoded again
    assert not (cache / "stray.jpg").exists()
    assert victim.read_bytes() != b"not the image"


def test_a_planted_link_is_not_written_through(tmp_path: Path) -> None:
    case = sample_case("returned-not-ours", tmp_path / "case")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".cache").symlink_to(elsewhere)
    build(case, tmp_path / "out")
    assert list(elsewhere.iterdir()) == []
