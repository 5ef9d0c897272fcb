"""The dossier's structure (not just that a file exists), determinism and text round trip."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from casekit import NOW, SAMPLES, sample_case
from disputekit.assemble.build import build_dossier
from disputekit.collect.parse.chat import parse_chat
from disputekit.errors import BlockingFindings
from disputekit.models.build import BuildOptions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def case_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_case("signed-not-received", tmp_path_factory.mktemp("a") / "case")


@pytest.fixture(scope="module")
def built_a(case_a: Path) -> tuple[Path, PdfReader]:
    result = build_dossier(case_a, BuildOptions(now=NOW["signed-not-received"], upload=False))
    return result.dossier, PdfReader(result.dossier)


def outline_titles(reader: PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(str(item.title))  # type: ignore[attr-defined]

    walk(reader.outline)
    return out


def test_outline_has_every_section_and_exhibit(built_a: tuple[Path, PdfReader]) -> None:
    titles = outline_titles(built_a[1])
    assert titles[:2] == ["退款纠纷证据包（内部复核版）", "摘要"]
    for section in ("时间线", "检查结果", "证据目录", "复核记录", "自上次复核以来的变化", "证据"):
        assert section in titles
    assert [t.split()[0] for t in titles if re.match(r"E\d+ ", t)] == ["E1", "E2", "E3", "E4", "E5"]


def test_every_page_has_case_id_and_page_x_of_y(built_a: tuple[Path, PdfReader]) -> None:
    reader = built_a[1]
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "taobao-20250420001" in text
        assert f"第 {number} / {total} 页" in text


def test_links_are_internal_only(built_a: tuple[Path, PdfReader]) -> None:
    internal = 0
    for page in built_a[1].pages:
        for annot in page.get("/Annots", []) or []:
            obj = annot.get_object()
            action = obj.get("/A")
            assert action is None or action.get_object().get("/S") not in ("/URI", "/JavaScript", "/Launch")
            if obj.get("/Dest") is not None or (action is not None and action.get_object().get("/S") == "/GoTo"):
                internal += 1
    assert internal >= 5  # timeline and index link to exhibits


def test_attachments_are_manifest_and_masked_renditions(built_a: tuple[Path, PdfReader]) -> None:
    """By default the review edition attaches the originals' hashes (manifest.json) and a masked
    rendition of each chat/tracking exhibit — not the originals, which carry personal data."""
    files = {name: data[0] for name, data in built_a[1].attachments.items()}
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["case_id"] == "taobao-20250420001"
    assert manifest["attached"] == []
    assert sorted(files) == ["E1.masked.txt", "E2.masked.txt"] == sorted(manifest["renditions"])
    by_id = {e["id"]: e for e in manifest["exhibits"]}
    for name, data in files.items():
        assert hashlib.sha256(data).hexdigest() == manifest["renditions"][name]
        head = data.decode("utf-8").splitlines()
        assert head[1] == f"original SHA-256 {by_id[name.split('.')[0]]['sha256']}"


def test_shop_can_attach_the_originals(case_a: Path, tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[privacy]\nattach_originals = { value = true, source = "our policy", confidence = "high" }\n', "utf-8")
    result = build_dossier(case_a, BuildOptions(now=NOW["signed-not-received"], out_dir=tmp_path / "o",
                                                upload=False, profile_path=shop))
    files = {name: data[0] for name, data in PdfReader(result.dossier).attachments.items()}
    manifest = json.loads(files.pop("manifest.json"))
    by_id = {e["id"]: e for e in manifest["exhibits"]}
    originals = {n: d for n, d in files.items() if not n.endswith(".masked.txt")}
    assert sorted(n.split("_", 1)[0] for n in originals) == sorted(by_id) == manifest["attached"]
    for name, data in originals.items():
        exhibit = by_id[name.split("_", 1)[0]]
        assert hashlib.sha256(data).hexdigest() == exhibit["sha256"]
        assert len(data) == exhibit["size"]


def test_metadata_and_fonts_embedded(built_a: tuple[Path, PdfReader]) -> None:
    reader = built_a[1]
    meta = reader.metadata
    assert meta is not None and "taobao-20250420001" in str(meta.title)
    assert "3712345678901234567" in str(meta.get("/Keywords"))
    assert str(meta.get("/CreationDate")).startswith("D:20250421090000+08'00'")
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            assert "Helvetica" not in str(font.get("/BaseFont"))
            descendant = font.get("/DescendantFonts")
            desc = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            if desc is not None:
                desc = desc.get_object()
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_every_chat_character_round_trips(built_a: tuple[Path, PdfReader]) -> None:
    chat = parse_chat((SAMPLES / "signed-not-received/chat.txt").read_bytes())
    text = "".join(page.extract_text() for page in built_a[1].pages)
    squashed = re.sub(r"\s+", "", text)
    for message in chat.messages:
        for line in message.text.splitlines():
            assert re.sub(r"\s+", "", line) in squashed, line


def test_emoji_chat_round_trips(tmp_path: Path) -> None:
    case = sample_case("returned-not-ours", tmp_path / "b")
    result = build_dossier(case, BuildOptions(now=NOW["returned-not-ours"], upload=False, draft=True))
    text = "".join(p.extract_text() for p in PdfReader(result.dossier).pages)
    assert "😊" in text and "🙏" in text


def test_two_builds_are_identical(case_a: Path, tmp_path: Path) -> None:
    first = build_dossier(case_a, BuildOptions(now=NOW["signed-not-received"], out_dir=tmp_path / "x", upload=False))
    second = build_dossier(case_a, BuildOptions(now=NOW["signed-not-received"], out_dir=tmp_path / "y", upload=False))
    assert first.sha256 == second.sha256
    assert first.dossier.read_bytes() == second.dossier.read_bytes()


def test_english_dossier(case_a: Path, tmp_path: Path) -> None:
    result = build_dossier(case_a, BuildOptions(now=NOW["signed-not-received"], lang="en", out_dir=tmp_path, upload=False))
    reader = PdfReader(result.dossier)
    assert outline_titles(reader)[:2] == ["Refund dispute dossier (internal review edition)", "Summary"]
    assert "Page 1 of" in reader.pages[0].extract_text()
    text = "\n".join(page.extract_text() for page in reader.pages[:6])
    # Lines break between words: every word of the index's kind column and the cover stays whole.
    for word in ("Screenshot", "Tracking", "record", "delivered", "Refund", "requested"):
        assert word in text, word
    assert "Screensh\n" not in text and "Screensh ot" not in text


def test_one_language_per_build(case_a: Path, tmp_path: Path) -> None:
    """--lang decides the review edition, the submission and the upload bundle together: an
    English build after a Chinese one rewrites all three (no dossier.en.pdf beside them)."""
    now, out = NOW["signed-not-received"], tmp_path / "out"
    build_dossier(case_a, BuildOptions(now=now, out_dir=out, jobs=1))
    assert "您好" in (out / "upload/reason.txt").read_text("utf-8")
    result = build_dossier(case_a, BuildOptions(now=now, out_dir=out, lang="en", jobs=1))
    assert sorted(p.name for p in out.iterdir()) == [".cache", "dossier.pdf", "submission.pdf", "upload"]
    assert json.loads((out / "upload/bundle.json").read_text("utf-8"))["lang"] == "en"
    reason = (out / "upload/reason.txt").read_text("utf-8")
    assert "您好" not in reason and reason.startswith("Signed for at")
    for pdf in (result.dossier, result.submission):
        assert str(PdfReader(pdf).metadata.title).startswith("Refund dispute")  # type: ignore[union-attr]


def test_blocking_refuses_without_draft_and_writes_nothing(tmp_path: Path) -> None:
    case = sample_case("signed-not-received", tmp_path / "c")
    toml = (case / "case.toml").read_text("utf-8").replace('order_status = "signed"', 'order_status = "paid"')
    (case / "case.toml").write_text(toml, "utf-8")
    with pytest.raises(BlockingFindings) as caught:
        build_dossier(case, BuildOptions(now=NOW["signed-not-received"], upload=False))
    assert "no refuse button" in caught.value.message("en")
    assert not (case / "out" / "dossier.pdf").exists()
    draft = build_dossier(case, BuildOptions(now=NOW["signed-not-received"], upload=False, draft=True))
    assert "草稿 — 不可上传" in PdfReader(draft.dossier).pages[3].extract_text()


def test_pdf_evidence_pages_are_included_without_actions(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canvas = Canvas(buf)
    canvas.drawString(72, 720, "QUALITY REPORT page one")
    canvas.linkURL("https://evil.example", (72, 700, 200, 720))
    canvas.showPage()
    canvas.drawString(72, 720, "page two")
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    report = tmp_path / "report.pdf"
    with report.open("wb") as handle:
        writer.write(handle)
    case = sample_case("signed-not-received", tmp_path / "d")
    from disputekit.collect.evidence_ops import add_files

    add_files(case, [report], at=NOW["signed-not-received"], actor="t", caption="质检报告")
    result = build_dossier(case, BuildOptions(now=NOW["signed-not-received"], upload=False))
    reader = PdfReader(result.dossier)
    texts = [p.extract_text() for p in reader.pages]
    assert any("QUALITY REPORT page one" in t and "E6" in t for t in texts)
    assert any("page two" in t for t in texts)
    raw = result.dossier.read_bytes()
    assert b"evil.example" not in raw and b"app.alert" not in raw and b"/OpenAction" not in raw  # attachments are compressed; pages carry no actions


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_cover_renders_with_text(built_a: tuple[Path, PdfReader], tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(built_a[0]), str(tmp_path / "p")], check=True)
    from PIL import Image, ImageStat

    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    assert ImageStat.Stat(image).mean[0] < 250  # not a blank page


def test_changed_original_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    import os

    from disputekit.case import open_case
    from disputekit.errors import VerificationFailed

    case = sample_case("signed-not-received", tmp_path / "e")
    item = open_case(case).evidence.by_id("E4")
    assert item is not None
    path = case / ".disputekit/objects" / item.sha256[:2] / item.sha256[2:]
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(VerificationFailed) as caught:
        build_dossier(case, BuildOptions(now=NOW["signed-not-received"]))
    assert caught.value.message("en").startswith(
        "The original of E4 is missing or changed on disk (SHA-256 mismatch); no dossier was built.")
    assert not (case / "out" / "dossier.pdf").exists() and not (case / "out" / "upload").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["signed-not-received", "returned-not-ours"])
def test_structure_for_both_samples_and_languages(name: str, lang: str, tmp_path: Path) -> None:
    case = sample_case(name, tmp_path / "s")
    result = build_dossier(case, BuildOptions(now=NOW[name], lang=lang, upload=False))
    reader = PdfReader(result.dossier)
    titles = outline_titles(reader)
    from disputekit.case import open_case

    ids = [item.id for item in open_case(case).evidence.items]
    assert [t.split()[0] for t in titles if re.match(r"E\d+ ", t)] == ids
    total = len(reader.pages)
    footer = "第 {x} / {y} 页" if lang == "zh" else "Page {x} of {y}"
    for number, page in enumerate(reader.pages, start=1):
        assert footer.format(x=number, y=total) in page.extract_text()
    files = {n: d[0] for n, d in reader.attachments.items()}
    assert all(n == "manifest.json" or n.endswith(".masked.txt") for n in files)
    check_submission(result.submission, ids, lang)


# Words of the lead's edition that must never reach the platform's arbiter.
INTERNAL = {
    "zh": ("证据强度", "处理建议", "检查结果", "复核", "阻断", "警告", "可直接粘贴", "证明力", "内部",
           "处理期限", "制作人", "千牛倒计时"),
    "en": ("Evidence strength", "Advice", "Findings", "Review", "Blocking", "Warning", "ready to paste",
           "internal", "Deadline", "Prepared by", "Qianniu countdown"),
}
RULE_ID = re.compile(r"\b[a-z]+\.[a-z]+(?:-[a-z]+)+\b")  # tracking.signed-before-request


def check_submission(path: Path | None, ids: list[str], lang: str) -> None:
    """The platform edition: claim, facts, timeline, reason, every exhibit — nothing internal,
    nothing attached."""
    assert path is not None and path.name == "submission.pdf"
    reader = PdfReader(path)
    titles = outline_titles(reader)
    expected = (["退款纠纷举证材料", "拒绝理由", "证据所示事实", "时间线", "证据目录", "证据"] if lang == "zh"
                else ["Refund dispute: the seller's evidence", "Reason for refusing", "Facts the evidence shows",
                      "Timeline", "Evidence index", "Exhibits"])
    assert [t for t in titles if not re.match(r"E\d+ ", t)] == expected
    assert [t.split()[0] for t in titles if re.match(r"E\d+ ", t)] == ids
    assert reader.attachments == {}
    text = "\n".join(page.extract_text() for page in reader.pages)
    front = "\n".join(page.extract_text() for page in reader.pages[:3])
    assert [w for w in INTERNAL[lang] if w in front] == []
    assert RULE_ID.findall(text) == []
    meta = reader.metadata
    assert meta is not None and str(meta.title).startswith(expected[0])


def test_post_write_verification_names_each_problem(built_a: tuple[Path, PdfReader], case_a: Path) -> None:
    from disputekit.assemble.pdf.verify_pdf import verify_dossier
    from disputekit.case import open_case
    from disputekit.errors import VerificationFailed

    case = open_case(case_a)
    manifest = json.loads(built_a[1].attachments["manifest.json"][0])
    assert verify_dossier(built_a[0], manifest, case) == len(built_a[1].pages)
    tampered = json.loads(json.dumps(manifest))
    tampered["renditions"]["E1.masked.txt"] = "0" * 64
    tampered["renditions"]["E9.masked.txt"] = "0" * 64
    with pytest.raises(VerificationFailed) as caught:
        verify_dossier(built_a[0], tampered, case)
    message = caught.value.message("en")
    assert "attached manifest.json differs from the manifest built" in message
    assert "attachment E1.masked.txt does not match its SHA-256" in message
    assert "masked rendition E9.masked.txt is not attached" in message
