"""The shared corpus's damaged images (issue 13): each is refused with a message or accepted
with a decode warning naming what is wrong — never accepted silently — and no decoder writes
to the terminal (fd 2) during ``inspect``, ``add`` or ``check``. Skipped without the corpus."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from crashkit import AT, SAMPLE
from disputekit.case import init_case
from disputekit.cli.main import cli
from disputekit.collect.parse.photo import parse_image
from disputekit.errors import InputFileError
from disputekit.models.case import CaseFile

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

pytestmark = pytest.mark.corpus

DAMAGED = {
    "images/corrupt/bmp_badbitssize.bmp": "image data size says 2,129,587,950 bytes",
    "images/corrupt/bmp_baddens1.bmp": "30,000,000×3 pixels per metre is impossible",
    "images/corrupt/bmp_badfilesize.bmp": "header says the file has 2,111,692,253 bytes",
    "images/corrupt/bmp_badplanes.bmp": "planes is 30000 (must be 1)",
    "images/corrupt/bmp_badrle.bmp": "goes past the end of the row",
    "images/corrupt/bmp_pal8badindex.bmp": "the palette has 101 colours",
    "images/corrupt/bmp_rletopdown.bmp": "cannot be stored top-down",
    "images/corrupt/bmp_shortfile.bmp": "truncated",
    "images/corrupt/tiff_wrong_bits_per_sample.tiff": "BitsPerSample gives 1 value(s) for 4",
    "images/corrupt/truncated.heic": "The HEIF file is truncated",
    "images/corrupt/invalid_id.heic": "names no valid primary image",
    "images/corrupt/crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif": "Fax4Decode: Bad code word",
    "images/corrupt/truncated_jpeg.jpg": "truncated",
    "images/corrupt/truncated_image.png": "truncated",
}
"""Damaged files that decode to a whole picture, and what their warning must say."""

REFUSED = [
    "images/corrupt/crash-1185209cf7655b5aed8ae5e77784dfdd18ab59e9.tif",
    "images/corrupt/libtiff_segfault.tif",
    "images/corrupt/corrupted.heic",
    "images/corrupt/bmp_badbitcount.bmp",
]
"""Damaged files of which no whole picture can be decoded (libtiff prints about two of them)."""

HEALTHY_FOLDERS = ("formats", "heic", "exif-orientation", "16bit", "cmyk", "progressive",
                   "palette-transparency", "animated", "misnamed")
KNOWN_NOTES = {
    "images/formats/ultrahdr.jpg": "truncated",  # the gain-map image after the first EOI
}


def _require_corpus() -> None:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        pytest.skip(f"corpus absent: {CORPUS}")


@pytest.mark.parametrize("relative", sorted(DAMAGED))
def test_damaged_image_is_accepted_with_a_decode_warning(
    relative: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _require_corpus()
    facts = parse_image(CORPUS / relative)
    assert facts.decode_warnings, f"{relative} accepted silently"
    assert any(DAMAGED[relative] in w for w in facts.decode_warnings), facts.decode_warnings
    for note in facts.decode_warnings:
        zh, _, en = note.partition(" / ")
        assert zh and en and zh != en, note  # bilingual
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("relative", REFUSED)
def test_undecodable_image_is_refused_quietly(
    relative: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _require_corpus()
    with pytest.raises(InputFileError) as caught:
        parse_image(CORPUS / relative)
    assert caught.value.zh.startswith("无法读取图片") and caught.value.en.startswith("Cannot read")
    assert capfd.readouterr().err == ""


def _healthy() -> list[str]:
    if not (CORPUS / "MANIFEST.tsv").is_file():
        return []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["path"] for r in rows
            if r["path"].split("/")[:2][-1] in HEALTHY_FOLDERS and r["path"].startswith("images/")
            and r["expected_behaviour"].startswith("accept")]


def test_healthy_images_carry_no_decode_warning() -> None:
    """No false alarm: the corpus's sound images (every format, orientation, colour model,
    bit depth, animation) decode without a complaint."""
    _require_corpus()
    complained = {}
    for relative in _healthy():
        try:
            facts = parse_image(CORPUS / relative)
        except InputFileError:
            continue  # refused variants are test_corpus_parse's business
        if facts.decode_warnings and not any(KNOWN_NOTES.get(relative, "\0") in w
                                              for w in facts.decode_warnings):
            complained[relative] = facts.decode_warnings
    assert len(_healthy()) > 80
    assert complained == {}


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    facts = CaseFile.model_validate(tomllib.loads((SAMPLE / "case.toml").read_text("utf-8")))
    init_case(tmp_path / "case", facts, at=AT, actor="test")
    return tmp_path / "case"


def test_cli_is_silent_and_check_names_the_damaged_exhibit(
    case_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The fax TIFF libtiff complains about (taken for a screenshot, so OCR decodes it again)
    and a BMP with pixels past its palette: inspect and add say so, check warns naming them."""
    _require_corpus()
    fax = CORPUS / "images/corrupt/crash-0da013a13571cc8eb457a39fee8db18f8a3c7127.tif"
    bmp = CORPUS / "images/corrupt/bmp_pal8badindex.bmp"
    runner = CliRunner()
    shown = runner.invoke(cli, ["--lang", "en", "inspect", str(fax)])
    assert shown.exit_code == 0, shown.output
    assert "Fax4Decode: Bad code word" in shown.stdout
    added = runner.invoke(cli, ["add", str(case_dir), str(fax), str(bmp),
                                "--now", "2025-04-21 09:00"])
    assert added.exit_code == 0, added.output
    checked = runner.invoke(cli, ["--lang", "en", "check", str(case_dir), "--json"])
    findings = [f for f in json.loads(checked.stdout)["findings"] if f["rule"] == "photo.damaged"]
    assert [f["exhibits"] for f in findings] == [["E1"], ["E2"]]
    assert "Fax4Decode: Bad code word" in findings[0]["message_en"]
    assert "101 种颜色" in findings[1]["message_zh"]
    assert capfd.readouterr().err == ""
