"""Personal data never leaves the case unmasked, and a draft is a draft in every file.

One case carries the personal data the issue found leaking (a buyer's phone in several
spellings, a signer's phone and a full address on the tracking record, an address in the
claim, a phone in the item title, the caption and the photo's file name); both editions, the
outline, the metadata, the attachments and every upload file are searched for it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from casekit import NOW, SAMPLES
from disputekit.assemble.build import build_dossier
from disputekit.collect.evidence_ops import add_files
from disputekit.models.build import BuildOptions

pytestmark = pytest.mark.slow

RAW = (
    "13912345678", "139.1234.5672", "1234.5672", "13987654321", "0571-88881234",
    "12幢3单元501", "312号楼5单元602", "文三路90号", "128 号", "5栋2单元301室",
)
PHOTO_NAME = "张三_13912345678_文三路90号.jpg"


def pii_case(dest: Path) -> Path:
    """signed-not-received with personal data in the claim, item, tracking, caption, file name."""
    src = SAMPLES / "signed-not-received"
    dest.mkdir(parents=True)
    toml = (src / "case.toml").read_text("utf-8")
    toml = toml.replace('buyer_claim = "买家称未收到货"',
                        'buyer_claim = "买家称未收到货，地址幸福里小区12幢3单元501，电话139.1234.5672"')
    toml = toml.replace('item_title = "北欧陶瓷马克杯 2只装"', 'item_title = "马克杯 刻字 13912345678"')
    (dest / "case.toml").write_text(toml, "utf-8")
    tracking = json.loads((src / "tracking.json").read_text("utf-8"))
    for event in tracking["data"]:
        if "签收人" in event["context"]:
            event["context"] = ("【杭州市】快件已签收，签收人：本人 13987654321，北京市朝阳区望京西园三区"
                                "312号楼5单元602，座机0571-88881234")
    work = dest.parent / "inputs"
    work.mkdir()
    (work / "tracking.json").write_text(json.dumps(tracking, ensure_ascii=False), "utf-8")
    shutil.copyfile(src / "chat.txt", work / "chat.txt")
    with Image.open(src / "photos/packing_1.jpg") as im:
        out = io.BytesIO()
        im.save(out, "JPEG", quality=80, exif=im.info.get("exif", b""))
    (work / PHOTO_NAME).write_bytes(out.getvalue())
    now = NOW["signed-not-received"]
    add_files(dest, [work / "chat.txt", work / "tracking.json"], at=now, actor="tester")
    add_files(dest, [work / PHOTO_NAME], at=now, actor="tester", tag="before_shipment",
              caption="寄往学院路 128 号 5栋2单元301室")
    return dest


def leaks(text: str) -> list[str]:
    squashed = re.sub(r"\s+", "", text)
    return [raw for raw in RAW if raw in text or re.sub(r"\s+", "", raw) in squashed]


def pdf_texts(path: Path) -> dict[str, str]:
    """Everything a PDF shows or carries as text: pages, outline, metadata, attachments."""
    reader = PdfReader(path)
    out = {f"page {n}": page.extract_text() for n, page in enumerate(reader.pages, start=1)}

    def walk(items: list[object]) -> list[str]:
        return [t for item in items for t in (walk(item) if isinstance(item, list)
                                               else [str(item.title)])]  # type: ignore[attr-defined]

    out["outline"] = "\n".join(walk(reader.outline))
    out["metadata"] = "\n".join(str(v) for v in (reader.metadata or {}).values())
    for name, data in reader.attachments.items():
        out[f"attachment name {name}"] = name
        if name.endswith(".txt"):
            out[f"attachment {name}"] = data[0].decode("utf-8")
    return out


@pytest.fixture(scope="module")
def draft_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    case = pii_case(tmp_path_factory.mktemp("pii") / "case")
    result = build_dossier(case, BuildOptions(now=NOW["signed-not-received"], draft=True))
    return case, result


def test_the_case_really_holds_the_personal_data(draft_build: tuple[Path, object]) -> None:
    case, _ = draft_build
    raw = (case / "case.toml").read_text("utf-8")
    assert "139.1234.5672" in raw and "12幢3单元501" in raw
    evidence = (case / ".disputekit/evidence.json").read_text("utf-8")
    assert "13987654321" in evidence and PHOTO_NAME in evidence


@pytest.mark.parametrize("edition", ["dossier.pdf", "submission.pdf"])
def test_no_personal_data_in_either_edition(draft_build: tuple[Path, object], edition: str) -> None:
    case, _ = draft_build
    found = {where: leaks(text) for where, text in pdf_texts(case / "out" / edition).items()}
    assert {where: raw for where, raw in found.items() if raw} == {}


def test_masked_forms_are_shown(draft_build: tuple[Path, object]) -> None:
    case, _ = draft_build
    text = "\n".join(pdf_texts(case / "out" / "submission.pdf").values())
    assert "139****5672" in text and "139****5678" in text and "幸福里小区**幢**单元**" in text


def test_no_personal_data_in_the_upload_files(draft_build: tuple[Path, object]) -> None:
    case, _ = draft_build
    folder = case / "out" / "draft"
    for path in folder.rglob("*"):
        assert leaks(path.name) == [], path
        if path.suffix in (".txt", ".json"):
            assert leaks(path.read_text("utf-8")) == [], path
    bundle = json.loads((folder / "bundle.json").read_text("utf-8"))
    originals = [f["original"] for f in bundle["files"] if f.get("original")]
    assert "张三_139****5678_文三路**号.jpg" in originals


def test_draft_is_recognisably_a_draft_in_every_file(draft_build: tuple[Path, object]) -> None:
    case, result = draft_build
    out = case / "out"
    assert result.upload == out / "draft"  # type: ignore[attr-defined]
    assert not (out / "upload").exists()
    for edition in ("dossier.pdf", "submission.pdf"):
        reader = PdfReader(out / edition)
        assert all("草稿" in page.extract_text() for page in reader.pages), edition
        assert "DRAFT" in str(reader.metadata.title)  # type: ignore[union-attr]
    for name in ("reason.txt", "message.txt"):
        assert (out / "draft" / name).read_text("utf-8").splitlines()[0] == "【草稿 — 不可上传】"
    assert json.loads((out / "draft" / "bundle.json").read_text("utf-8"))["draft"] is True
    with Image.open(out / "draft" / "proof.jpg") as proof:
        assert _reddish(proof.convert("RGB").getpixel((5, 5)))
    images = sorted((out / "draft" / "images").iterdir())
    assert images and all(p.name.startswith("DRAFT_") for p in images)
    for path in images:
        with Image.open(path) as im:
            assert _reddish(im.convert("RGB").getpixel((2, 2))), path.name


def _reddish(rgb: tuple[int, int, int]) -> bool:
    r, g, b = rgb
    return r > 140 and g < 60 and b < 80


def test_a_final_build_after_a_draft_leaves_the_draft_folder_alone(tmp_path: Path) -> None:
    """--draft never writes out/upload/, and a final build never writes out/draft/."""
    from casekit import sample_case

    case = sample_case("signed-not-received", tmp_path / "c")
    build_dossier(case, BuildOptions(now=NOW["signed-not-received"], draft=True, jobs=1))
    assert (case / "out/draft").is_dir() and not (case / "out/upload").exists()
    result = build_dossier(case, BuildOptions(now=NOW["signed-not-received"], jobs=1))
    assert result.upload == case / "out/upload"
    assert not (case / "out/upload/reason.txt").read_text("utf-8").startswith("【草稿")


def test_personal_data_read_by_ocr_is_covered_in_images_leaving_the_case(tmp_path: Path) -> None:
    """A screenshot showing a signer's phone: the box OCR read it in is painted over on the
    upload image and on the dossier's page image (the original stays as it was)."""
    from casekit import sample_case
    from disputekit.case import open_case
    from disputekit.privacy.regions import exhibit_boxes
    from screenkit import phone_tracking_taobao

    case = sample_case("signed-not-received", tmp_path / "case")
    shot = tmp_path / "shot.png"
    phone_tracking_taobao(signer="张三 13987654321").save(shot)
    add_files(case, [shot], at=NOW["signed-not-received"], actor="tester", tag="shipment")
    item = open_case(case).evidence.items[-1]
    lines = [ln for ln in item.facts["text"]["lines"] if "13987654321" in ln["text"].replace(" ", "")]
    assert lines, "OCR did not read the phone number (nothing to cover)"
    privacy = load_privacy()
    boxes = exhibit_boxes(item.facts, privacy)
    assert boxes
    result = build_dossier(case, BuildOptions(now=NOW["signed-not-received"], draft=True, jobs=1))
    web = next(p for p in (result.upload or Path()).joinpath("images").iterdir() if item.id in p.name)
    width = int(item.facts["width"])
    with Image.open(web) as im:
        rgb, scale = im.convert("RGB"), im.width / width
    assert all(_dark(rgb.getpixel(_centre(box, scale))) for box in boxes)
    with Image.open(shot) as original:
        assert not all(_dark(original.convert("RGB").getpixel(_centre(box, 1.0))) for box in boxes)


def load_privacy():  # type: ignore[no-untyped-def]
    from disputekit.profiles.load import load_profile

    return load_profile("taobao").privacy


def _centre(box: tuple[int, int, int, int], scale: float) -> tuple[int, int]:
    x0, y0, x1, y1 = box
    return int((x0 + x1) / 2 * scale), int((y0 + y1) / 2 * scale)


def _dark(rgb: tuple[int, int, int]) -> bool:
    return max(rgb) < 40
