"""One decode per image per build: the dossier's image and the upload bundle's web image come
from the same decoded, oriented, reduced image, in the same worker (issue 14)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from casekit import NOW, sample_case
from disputekit.assemble.build import build_dossier
from disputekit.assemble.upload import bundle
from disputekit.case import open_case
from disputekit.collect.parse import imageio
from disputekit.kinds import IMAGE_KINDS
from disputekit.models.build import BuildOptions


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """(every decode by file name, the proof card's thumbnail decodes by file name)."""
    decodes: Counter[str] = Counter()
    proof: Counter[str] = Counter()
    real_with_image, real_load = imageio.with_image, bundle._load_exhibit

    def with_image(path, use):  # type: ignore[no-untyped-def]
        decodes[Path(path).name] += 1
        return real_with_image(path, use)

    def load_exhibit(exhibit, path, sha256, side):  # type: ignore[no-untyped-def]
        proof[Path(path).name] += 1
        return real_load(exhibit, path, sha256, side)

    monkeypatch.setattr(imageio, "with_image", with_image)
    monkeypatch.setattr(bundle, "_load_exhibit", load_exhibit)
    monkeypatch.setattr(bundle, "prepare_image", lambda task: pytest.fail("decoded again for upload"))
    return decodes, proof


def test_each_image_is_decoded_once_for_dossier_and_upload(tmp_path, counted):
    decodes, proof = counted
    case_dir = sample_case("returned-not-ours", tmp_path / "case")
    result = build_dossier(case_dir, BuildOptions(now=NOW["returned-not-ours"], draft=True, jobs=1))
    case = open_case(case_dir)
    images = {case.store.path_for(i.sha256).name for i in case.evidence.items if i.kind in IMAGE_KINDS}
    assert len(images) == 3
    # the proof card's few thumbnails (at 1/8 scale) are the only other decodes
    assert {name: decodes[name] - proof[name] for name in images} == dict.fromkeys(images, 1)
    assert result.upload is not None
    written = sorted((result.upload / "images").iterdir())
    assert len(written) == 3
    for path in written:
        with Image.open(path) as image:
            assert max(image.size) <= 2000


def test_without_the_upload_bundle_images_are_decoded_at_dossier_size(tmp_path, monkeypatch):
    sides: list[int] = []
    real = imageio.load_display_image

    def load(path, side):  # type: ignore[no-untyped-def]
        sides.append(side)
        return real(path, side)

    monkeypatch.setattr(imageio, "load_display_image", load)
    case_dir = sample_case("returned-not-ours", tmp_path / "case")
    build_dossier(case_dir, BuildOptions(now=NOW["returned-not-ours"], draft=True, jobs=1, upload=False))
    assert sorted(sides) == [1000, 1000, 1600]
