"""Page digests (issue 15 §3): ``verify dossier.pdf`` names a deleted, added or changed page;
the digests survive a qpdf re-save; a rewritten manifest is caught only against the case."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from casekit import NOW, sample_case
from disputekit.archive.verify import verify_path
from disputekit.assemble.build import build_dossier
from disputekit.assemble.pdf.page_digests import page_digests, page_problems, page_record, root_of
from disputekit.cli.main import cli
from disputekit.models.build import BuildOptions
from disputekit.review.decisions import approve, decisions

pytestmark = pytest.mark.slow
T0 = NOW["signed-not-received"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    case = sample_case("signed-not-received", tmp_path_factory.mktemp("dg") / "case")
    build_dossier(case, BuildOptions(now=T0, upload=False))
    return case


@pytest.fixture
def case(template: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "case"
    shutil.copytree(template, dest)
    return dest


@pytest.fixture
def dossier(case: Path, tmp_path: Path) -> Path:
    """A copy outside any case folder: a lone PDF, checked only against itself."""
    lone = tmp_path / "lone" / "dossier.pdf"
    lone.parent.mkdir()
    shutil.copyfile(case / "out" / "dossier.pdf", lone)
    return lone


def embedded(path: Path) -> dict[str, object]:
    with pikepdf.open(path) as pdf:
        return json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())


def problems(path: Path) -> list[str]:
    return [p.message for p in verify_path(path).problems]


def edit(path: Path, change: object) -> None:
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        change(pdf)  # type: ignore[operator]
        pdf.save(path)


def image_page(pdf: pikepdf.Pdf) -> tuple[int, pikepdf.Stream]:
    """(page number, image) of the first page drawing a photo (a /DkIm image)."""
    for number, page in enumerate(pdf.pages, start=1):
        for name, xobject in page.resources.get("/XObject", {}).items():
            if name.startswith("/DkIm") and xobject.get("/Subtype") == "/Image":
                return number, xobject
    raise AssertionError("no page draws a photo")


# --------------------------------------------------------------------------- recorded, stable


def test_the_manifest_records_one_digest_per_page(case: Path) -> None:
    manifest = embedded(case / "out" / "dossier.pdf")
    pages = manifest["pages"]
    assert isinstance(pages, dict)
    with pikepdf.open(case / "out" / "dossier.pdf") as pdf:
        assert pages["count"] == len(pdf.pages) == len(pages["sha256"])
        assert pages["sha256"] == page_digests(pdf)
    assert pages["root"] == root_of(pages["sha256"])
    assert len(set(pages["sha256"])) == len(pages["sha256"])  # every page shows something else


def test_an_untouched_dossier_verifies(dossier: Path, case: Path) -> None:
    for target in (dossier, case / "out" / "dossier.pdf", case):
        report = verify_path(target)
        assert report.ok, report.problems
        assert not [w for w in report.warnings if "page" in w.message], report.warnings


def test_two_builds_of_the_same_case_have_the_same_digests(case: Path, tmp_path: Path) -> None:
    other = build_dossier(case, BuildOptions(now=T0, upload=False, out_dir=tmp_path / "again"))
    assert other.manifest["pages"] == embedded(case / "out" / "dossier.pdf")["pages"]


def test_digests_survive_renumbering_and_recompression(dossier: Path, tmp_path: Path) -> None:
    with pikepdf.open(dossier) as pdf:
        before = page_digests(pdf)
        pdf.save(tmp_path / "qdf.pdf", qdf=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
        pdf.save(tmp_path / "packed.pdf", compress_streams=True, recompress_flate=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for saved in ("qdf.pdf", "packed.pdf"):
        with pikepdf.open(tmp_path / saved) as pdf:
            numbers = [p.obj.objgen for p in pdf.pages]
            assert page_digests(pdf) == before
        assert problems(tmp_path / saved) == []
    with pikepdf.open(dossier) as pdf:
        assert numbers != [p.obj.objgen for p in pdf.pages]  # the qdf copy was renumbered


# --------------------------------------------------------------------------- tampering


def test_a_deleted_page_is_named(dossier: Path) -> None:
    edit(dossier, lambda pdf: pdf.pages.__delitem__(2))
    found = problems(dossier)
    assert "page 3 was deleted" in found
    assert any("page count differs" in p for p in found)
    assert not any("changed" in p for p in found)  # the later pages are not all "changed"


def test_an_added_page_is_named(dossier: Path) -> None:
    def add(pdf: pikepdf.Pdf) -> None:
        pdf.pages.insert(1, pdf.pages[4])

    edit(dossier, add)
    assert "page 2 was added (not in the manifest)" in problems(dossier)


def test_a_swapped_image_is_named(dossier: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")

    def swap(pdf: pikepdf.Pdf) -> None:
        number, image = image_page(pdf)
        image.write(buffer.getvalue(), filter=pikepdf.Name.DCTDecode)
        image.Width, image.Height = 64, 48
        swap.number = number  # type: ignore[attr-defined]

    edit(dossier, swap)
    number = swap.number  # type: ignore[attr-defined]
    assert problems(dossier) == [
        f"page {number} was changed (its text, images or fonts differ from the manifest)"]


def test_an_edited_content_stream_is_named(dossier: Path) -> None:
    def forge(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        page.contents_add(pikepdf.Stream(pdf, b"q 1 0 0 RG 50 50 200 100 re S Q"))

    edit(dossier, forge)
    assert problems(dossier) == [
        "page 1 was changed (its text, images or fonts differ from the manifest)"]


def test_problems_are_said_in_chinese_and_english(dossier: Path) -> None:
    edit(dossier, lambda pdf: pdf.pages.__delitem__(0))
    zh = CliRunner().invoke(cli, ["--lang", "zh", "verify", str(dossier)])
    en = CliRunner().invoke(cli, ["--lang", "en", "verify", str(dossier)])
    assert zh.exit_code == en.exit_code == 4
    assert "第 1 页已被删除" in zh.output and "page 1 was deleted" in en.output
    data = json.loads(CliRunner().invoke(cli, ["verify", str(dossier), "--json"]).output)
    assert {"path": "dossier.pdf", "problem": "page 1 was deleted",
            "message": "page 1 was deleted", "problem_zh": "第 1 页已被删除"} in data["problems"]


def rewrite_manifest(path: Path, change: object = None) -> None:
    """What someone editing the PDF can also do: recompute the digests, re-attach."""
    def redo(pdf: pikepdf.Pdf) -> None:
        if change is not None:
            change(pdf)  # type: ignore[operator]
        manifest = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())
        manifest["pages"] = page_record(pdf)
        pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(
            pdf, json.dumps(manifest).encode(), filename="manifest.json")

    edit(path, redo)


def test_a_rewritten_manifest_fools_a_lone_pdf_but_not_the_case(case: Path, dossier: Path) -> None:
    approve(case, "王组长", None, T0)
    assert decisions_record(case)["pages"] == embedded(case / "out" / "dossier.pdf")["pages"][
        "count"]
    forged = case / "out" / "dossier.pdf"

    def drop(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[3]

    rewrite_manifest(forged, drop)
    rewrite_manifest(dossier, drop)
    assert problems(dossier) == []  # a lone PDF proves only that it agrees with itself
    claims = "claims to be the dossier approved at audit entry"
    assert any(claims in p and "pages differ" in p for p in problems(forged))
    assert any(claims in p.message for p in verify_path(case).problems)


def test_a_manifest_rewritten_without_touching_pages(case: Path) -> None:
    approve(case, "王组长", None, T0)
    forged = case / "out" / "dossier.pdf"

    def rename(pdf: pikepdf.Pdf) -> None:
        manifest = json.loads(pdf.attachments["manifest.json"].get_file().read_bytes())
        manifest["exhibits"][0]["name"] = "forged.txt"
        pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(
            pdf, json.dumps(manifest).encode(), filename="manifest.json")

    edit(forged, rename)
    assert any("the manifest was rewritten" in p for p in problems(forged))


def test_a_stale_dossier_is_not_recorded_by_an_approval(case: Path) -> None:
    built = case / "out" / "dossier.pdf"
    edit(built, lambda pdf: pdf.pages.__delitem__(0))  # pages no longer match the manifest
    decision = approve(case, "王组长", None, T0)
    assert decision.dossier is None


def decisions_record(case: Path) -> dict[str, object]:
    from disputekit.case import open_case

    record = decisions(open_case(case))[-1].dossier
    assert record is not None
    return record


# --------------------------------------------------------------------------- the comparison


def test_alignment_names_each_kind_of_difference() -> None:
    want = ["a", "b", "c", "d"]
    record = {"algorithm": "disputekit-page-sha256/1", "count": 4, "sha256": want,
              "root": root_of(want)}
    assert page_problems(record, want) == []
    assert [en for _, en in page_problems(record, ["a", "c", "d"])][-1] == "page 2 was deleted"
    assert [en for _, en in page_problems(record, ["a", "b", "x", "d"])] == [
        "page 3 was changed (its text, images or fonts differ from the manifest)"]
    assert [en for _, en in page_problems(record, ["a", "b", "c", "d", "e"])][-1] == \
        "page 5 was added (not in the manifest)"
    bad_root = {**record, "root": "0" * 64}
    assert "contradict" in page_problems(bad_root, want)[0][1]
    assert "missing" in page_problems(None, want)[0][1]


def test_digests_do_not_move_when_qpdf_writes_a_real_as_an_integer(tmp_path: Path) -> None:
    """An in-memory 612.0 is written as 612: the digest taken before saving must hold after."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"0 0 m 10 10 l S"))
    before = page_digests(pdf)
    pdf.save(tmp_path / "p.pdf")
    with pikepdf.open(tmp_path / "p.pdf") as saved:
        assert page_digests(saved) == before
        saved.pages[0].obj.MediaBox = pikepdf.Array([0, 0, 600, 792])
        assert page_digests(saved) != before  # a real change still counts
