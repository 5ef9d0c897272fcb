"""Upload bundle (``disputekit.assemble.upload.bundle``): every limit measured on the written files.

Fixtures build cases in temporary folders with ``init_case`` + ``add_files`` from inputs made
here: a Qianniu-style chat export (text), a kuaidi100 JSON tracking record, photos drawn with
Pillow (with EXIF capture time and orientation) and a PNG screenshot. Nothing is read from
``samples/`` or ``../shared``. The "noisy" photos are 4000×3000 JPEGs of coarse random blocks
(6 px): the noise survives downscaling to a thumbnail, the worst case for the proof's bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from disputekit.assemble.upload.bundle import (
    UploadBundle,
    UploadImageError,
    UploadLimitError,
    build_upload_bundle,
    encode_web,
    image_rank,
    safe_stem,
)
from disputekit.assemble.upload.proof_image import min_text_px, proof_card
from disputekit.case import Case, init_case, open_case
from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files, mark_messages
from disputekit.draft.checks import char_count
from disputekit.draft.reason import Draft, draft_reason
from disputekit.errors import ExitCode
from disputekit.models.case import CaseFile
from disputekit.profiles.load import load_profile
from disputekit.validate.check import context_for
from disputekit.validate.rules.context import RuleContext

AT = parse_time("2025-04-21 09:00")
NOW = parse_time("2025-04-21 10:00")
PROFILE = load_profile("taobao")
LIMITS = PROFILE.limits

CHAT = (
    "tb_buyer 2025-4-20 10:02:03\n我没收到货\n"
    "小店:客服 2025-4-20 10:03:00\n亲，物流显示4月18日14:05已由本人签收，运单号73518294603127\n"
    "tb_buyer 2025-4-20 10:05:10\n反正没收到，退钱 😠\n"
    "小店:客服 2025-4-20 10:06:30\n亲，派件员说是当面交给收件人签收的，麻烦您问一下家里人\n"
    "tb_buyer 2025-4-20 10:27:45\n哦家里人可能拿了吧，我晚上回去问问\n"
    "小店:客服 2025-4-20 10:30:00\n收件人电话13812345678，地址文三路12号\n"
)


def tracking_json(waybill: str, com: str, signer: str) -> str:
    events = [
        ("2025-04-18 14:05:37", f"【杭州市】快件已签收，签收人：{signer}，如有疑问请联系派件员"),
        ("2025-04-18 08:41:15", "【杭州市】【杭州西湖文三】的派件员张师傅正在第1次派件"),
        ("2025-04-17 05:20:41", "【杭州市】快件已经到达【杭州中转部】"),
        ("2025-04-16 17:32:05", "【金华市】【义乌稠城】的李师傅已揽收"),
    ]
    data = [{"time": t, "ftime": t, "context": c, "location": "浙江省"} for t, c in events]
    return json.dumps({"message": "ok", "nu": waybill, "ischeck": "1", "condition": "F00",
                       "com": com, "status": "200", "state": "3", "data": data},
                      ensure_ascii=False)


def photo_exif(taken: str, orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F], exif[0x0110] = "Apple", "iPhone 13"
    exif.get_ifd(0x8769)[0x9003] = taken
    return exif


def scene(size: tuple[int, int], seed: int) -> Image.Image:
    """A smooth photo-like picture: gradient, a box, a label with a serial number."""
    w, h = size
    x = np.linspace(0, 1, w)[None, :, None]
    y = np.linspace(0, 1, h)[:, None, None]
    rgb = np.concatenate([120 + 80 * x + 0 * y, 110 + 60 * y + 0 * x, 90 + 40 * (x * y)], axis=2)
    image = Image.fromarray(rgb.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    draw.rectangle((w // 5, h // 4, w * 3 // 5, h * 3 // 4), fill=(200 - seed * 20, 170, 120))
    draw.rectangle((w // 4, h // 3, w // 2, h // 2), fill="white")
    draw.text((w // 4 + 10, h // 3 + 10), f"SN: A1B2C3D4E{seed}", fill="black")
    return image


def noisy(size: tuple[int, int], seed: int, block: int = 6) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    small = rng.integers(0, 256, (h // block, w // block, 3), dtype=np.uint8)
    return Image.fromarray(small).resize(size, Image.Resampling.NEAREST)


def save_jpeg(image: Image.Image, path: Path, taken: str, orientation: int = 1) -> Path:
    image.save(path, "JPEG", quality=90, exif=photo_exif(taken, orientation))
    return path


def screenshot(path: Path) -> Path:
    image = Image.new("RGB", (720, 1280), "white")
    draw = ImageDraw.Draw(image)
    for n in range(20):
        draw.text((30, 40 + n * 60), f"2025-04-18 14:0{n % 10} status line {n}", fill="black")
    image.save(path, "PNG")
    return path


def case_file(**update: object) -> CaseFile:
    data: dict[str, object] = {
        "order_id": "3712345678901234567", "refund_id": "20250420001", "buyer": "tb_buyer",
        "seller": "小店", "amount": "128.50", "refund_type": "refund_only",
        "requested_at": "2025-04-20 10:02", "signed_at": "2025-04-18 14:05",
        "shipped_at": "2025-04-16 15:20", "ground": "goods_signed", "item_title": "陶瓷马克杯",
        "shipment": {"waybill": "73518294603127", "courier": "zhongtong"},
    }
    data.update(update)
    return CaseFile.model_validate(data)


def add(root: Path, path: Path, **kw: object) -> str:
    return add_files(root, [path], at=AT, actor="test", **kw)[0].exhibit  # type: ignore[arg-type]


def context(root: Path) -> tuple[Case, RuleContext]:
    case = open_case(root)
    return case, context_for(case, PROFILE, NOW, None)


def build(root: Path, out: Path, *, jobs: int = 2, lang: str = "zh") -> UploadBundle:
    case, ctx = context(root)
    return build_upload_bundle(ctx, draft_reason(ctx, lang), case, out, jobs=jobs)


@pytest.fixture(scope="module")
def signed_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """goods_signed: chat (3 key messages marked), tracking, 2 photos (one EXIF-6), screenshot."""
    base = tmp_path_factory.mktemp("signed")
    root = base / "case"
    init_case(root, case_file(), at=AT, actor="test")
    (base / "chat.txt").write_text(CHAT, "utf-8")
    add(root, base / "chat.txt")
    tracking = base / "tracking.json"
    tracking.write_text(tracking_json("73518294603127", "zhongtong", "本人"), "utf-8")
    add(root, tracking)
    add(root, save_jpeg(scene((1200, 800), 1), base / "装箱照片 1.jpg", "2025:04:16 14:40:12", 6),
        tag="before_shipment")
    add(root, save_jpeg(scene((4000, 3000), 2), base / "IMG_0002.JPG", "2025:04:16 14:41:37"),
        tag="before_shipment")
    add(root, screenshot(base / "物流截图.png"))
    mark_messages(root, "E1", [1, 2, 5], at=AT, actor="test")
    return root


@pytest.fixture(scope="module")
def noisy_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """returned_item_not_ours with two 4000×3000 noisy photos and a return tracking record."""
    base = tmp_path_factory.mktemp("noisy")
    root = base / "case"
    init_case(root, case_file(
        refund_type="return_and_refund", ground="returned_item_not_ours",
        return_shipment={"waybill": "SF1427395068213", "courier": "shunfeng"},
    ), at=AT, actor="test")
    (base / "chat.txt").write_text(CHAT, "utf-8")
    add(root, base / "chat.txt")
    tracking = base / "return.json"
    tracking.write_text(tracking_json("SF1427395068213", "shunfeng", "仓库"), "utf-8")
    add(root, tracking, tag="return")
    add(root, save_jpeg(noisy((4000, 3000), 1), base / "outbound.jpg", "2025:04:16 14:40:12"),
        tag="before_shipment")
    add(root, save_jpeg(noisy((4000, 3000), 2), base / "unboxing.jpg", "2025:04:25 16:30:45"),
        tag="returned_item")
    mark_messages(root, "E1", [1, 3, 4, 5, 6], at=AT, actor="test")
    return root


@pytest.fixture(scope="module")
def signed_bundle(signed_case: Path, tmp_path_factory: pytest.TempPathFactory) -> UploadBundle:
    return build(signed_case, tmp_path_factory.mktemp("out") / "upload")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------- limits


def test_reason_and_message_within_limits(signed_bundle: UploadBundle) -> None:
    out = signed_bundle.out_dir
    reason = (out / "reason.txt").read_bytes()
    text = reason.decode("utf-8")  # strict UTF-8
    assert not reason.startswith(b"\xef\xbb\xbf") and text == text.strip()
    assert LIMITS.reason_min_chars.value <= len(text) <= LIMITS.reason_max_chars.value
    message = (out / "message.txt").read_bytes()
    message.decode("utf-8")
    assert 0 < len(message) <= LIMITS.message_max_bytes.value == 400


def test_proof_jpg_fits_and_decodes(signed_bundle: UploadBundle) -> None:
    path = signed_bundle.out_dir / "proof.jpg"
    assert path.stat().st_size <= LIMITS.proof_image_max_bytes.value == 130_000
    with Image.open(path) as image:
        image.load()
        assert image.format == "JPEG" and image.mode == "RGB"
        assert 720 <= image.width <= 1080
        assert not image.getexif()  # nothing but pixels: no capture time, no build time


def test_images_within_side_and_bytes(signed_bundle: UploadBundle) -> None:
    images = sorted((signed_bundle.out_dir / "images").iterdir())
    assert [p.name for p in images] == [
        "E3_1.jpg", "E4_IMG_0002.jpg", "E5_screenshot.png",
    ]
    for path in images:
        assert path.stat().st_size <= LIMITS.web_image_max_bytes.value
        with Image.open(path) as image:
            image.load()
            assert max(image.size) <= LIMITS.web_image_max_side.value
            assert image.format == ("PNG" if path.suffix == ".png" else "JPEG")
    with Image.open(signed_bundle.out_dir / "images" / "E4_IMG_0002.jpg") as big:
        assert big.size == (2000, 1500)  # 4000×3000 brought down to the side limit


def test_exif_orientation_applied(signed_bundle: UploadBundle) -> None:
    """Stored 1200×800 with Orientation 6 (turn 90° clockwise to view) → portrait output.

    In the stored picture red grows left→right and green top→bottom; after the turn the
    stored top-left corner is top-right and the stored bottom-left corner is top-left."""
    with Image.open(signed_bundle.out_dir / "images" / "E3_1.jpg") as image:
        assert image.size == (800, 1200)
        assert not image.getexif().get(0x0112)
        rgb = image.convert("RGB")
        corners = [rgb.getpixel(xy) for xy in ((5, 5), (794, 5), (5, 1194))]
    (_, g_top_left, _), (_, g_top_right, _), (r_bottom_left, _, _) = corners  # type: ignore[misc]
    r_top_left = corners[0][0]  # type: ignore[index]
    assert g_top_left > g_top_right + 40  # stored bottom vs stored top
    assert r_bottom_left > r_top_left + 60  # stored right vs stored left


def test_bundle_json_matches_files(signed_bundle: UploadBundle) -> None:
    out = signed_bundle.out_dir
    manifest = json.loads((out / "bundle.json").read_text("utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {k: v for k, v in files_of(out).items() if k != "bundle.json"}
    assert set(listed) == set(on_disk)
    for name, data in on_disk.items():
        entry = listed[name]
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["limits"], name
        for check in entry["limits"]:
            assert check["source"] and check["confidence"] in ("high", "medium", "low")
            if isinstance(check["measured"], int) and check["limit"].endswith("max_" + check["unit"]):
                assert check["measured"] <= check["value"]
    proof_limit = listed["proof.jpg"]["limits"][0]
    assert proof_limit["limit"] == "proof_image_max_bytes" and proof_limit["value"] == 130_000
    assert proof_limit["source"] == LIMITS.proof_image_max_bytes.source
    assert listed["reason.txt"]["limits"][1]["measured"] == char_count(
        (out / "reason.txt").read_text("utf-8"))
    assert manifest["image_count"]["value"] == LIMITS.web_image_max_count.value


def test_bundle_lists_what_it_returns(signed_bundle: UploadBundle) -> None:
    assert [f.path for f in signed_bundle.files][:3] == ["reason.txt", "message.txt", "proof.jpg"]
    assert signed_bundle.file("proof.jpg").bytes == signed_bundle.proof.bytes
    assert signed_bundle.manifest == signed_bundle.out_dir / "bundle.json"
    assert {f.exhibit for f in signed_bundle.images} == {"E3", "E4", "E5"}


# ---------------------------------------------------------------------------- proof with photos


def test_proof_fits_with_two_large_noisy_photos(noisy_case: Path, tmp_path: Path) -> None:
    bundle = build(noisy_case, tmp_path / "upload")
    path = tmp_path / "upload" / "proof.jpg"
    assert path.stat().st_size <= 130_000
    with Image.open(path) as image:
        image.load()
        assert image.format == "JPEG"
    proof = bundle.proof
    assert proof.width >= 720
    assert proof.attempts[-1] == (
        proof.width, proof.photo_scale, proof.detail, proof.quality, proof.bytes)
    assert all(size > 130_000 for *_, size in proof.attempts[:-1])  # first fit is taken
    for item in open_case(noisy_case).evidence.of_kind("photo"):
        assert item.size > 1_000_000  # really large originals


def test_english_bundle(noisy_case: Path, tmp_path: Path) -> None:
    bundle = build(noisy_case, tmp_path / "upload", lang="en")
    assert bundle.proof.bytes <= 130_000
    manifest = json.loads((tmp_path / "upload" / "bundle.json").read_text("utf-8"))
    assert manifest["lang"] == "en"


# ---------------------------------------------------------------------------- determinism


def test_two_builds_identical_bytes(signed_case: Path, tmp_path: Path) -> None:
    first = files_of(build(signed_case, tmp_path / "a", jobs=2).out_dir)
    second = files_of(build(signed_case, tmp_path / "b", jobs=1).out_dir)
    assert first.keys() == second.keys()
    assert first == second


# ---------------------------------------------------------------------------- errors


def _draft(reason: str, message: str = "您好,请查看物流签收记录。") -> Draft:
    return Draft("goods_signed", "zh", reason, "custom", message, [])


def test_reason_over_limit_shows_count(signed_case: Path, tmp_path: Path) -> None:
    case, ctx = context(signed_case)
    reason = "买家已签收" * 41  # 205 characters
    with pytest.raises(UploadLimitError) as caught:
        build_upload_bundle(ctx, _draft(reason), case, tmp_path / "upload")
    error = caught.value
    assert error.exit_code == ExitCode.USAGE
    assert error.en == "The refusal reason has 205 characters; it must have 2–200."
    assert "205 个字符" in error.zh
    assert not (tmp_path / "upload").exists()  # checked before anything is written


def test_reason_too_short(signed_case: Path, tmp_path: Path) -> None:
    case, ctx = context(signed_case)
    with pytest.raises(UploadLimitError, match="has 1 characters"):
        build_upload_bundle(ctx, _draft("拒"), case, tmp_path / "upload")


def test_message_over_limit_shows_bytes(signed_case: Path, tmp_path: Path) -> None:
    case, ctx = context(signed_case)
    message = "请" * 134  # 402 bytes of UTF-8
    with pytest.raises(UploadLimitError) as caught:
        build_upload_bundle(ctx, _draft("商品已签收,拒绝退款。", message), case, tmp_path / "u")
    assert caught.value.en == "The refund message is 402 bytes of UTF-8, over the 400-byte limit."
    assert not (tmp_path / "u").exists()


def test_non_empty_work_folder_refused(signed_case: Path, tmp_path: Path) -> None:
    (tmp_path / "upload").mkdir()
    (tmp_path / "upload" / "stale.jpg").write_bytes(b"x")
    with pytest.raises(Exception, match="not empty"):
        build(signed_case, tmp_path / "upload")


def test_changed_original_names_exhibit(tmp_path: Path) -> None:
    root = tmp_path / "case"
    init_case(root, case_file(), at=AT, actor="test")
    exhibit = add(root, save_jpeg(scene((800, 600), 3), tmp_path / "p.jpg", "2025:04:16 14:40:12"))
    case = open_case(root)
    obj = case.store.path_for(case.evidence.items[0].sha256)
    os.chmod(obj, stat.S_IWUSR | stat.S_IRUSR)
    data = io.BytesIO()
    scene((800, 600), 4).save(data, "JPEG")
    obj.write_bytes(data.getvalue())
    with pytest.raises(UploadImageError) as caught:
        build(root, tmp_path / "upload", jobs=2)
    assert caught.value.exit_code == ExitCode.VERIFY_FAILED
    assert caught.value.en == (
        f"The original of exhibit {exhibit} changed or is missing (SHA-256 mismatch).")


# ---------------------------------------------------------------------------- count and names


def test_count_flags_strongest_first(tmp_path: Path) -> None:
    root = tmp_path / "case"
    init_case(root, case_file(ground="returned_item_not_ours",
                              refund_type="return_and_refund"), at=AT, actor="test")
    add(root, screenshot(tmp_path / "a.png"))  # E1 untagged
    add(root, save_jpeg(scene((640, 480), 1), tmp_path / "b.jpg", "2025:04:16 10:00:00"),
        tag="other")  # E2
    add(root, save_jpeg(scene((640, 480), 2), tmp_path / "c.jpg", "2025:04:16 11:00:00"),
        tag="listing")  # E3
    add(root, save_jpeg(scene((640, 480), 3), tmp_path / "d.jpg", "2025:04:25 12:00:00"),
        tag="returned_item")  # E4
    add(root, save_jpeg(scene((640, 480), 4), tmp_path / "e.jpg", "2025:04:16 13:00:00"),
        tag="before_shipment")  # E5
    bundle = build(root, tmp_path / "upload")
    ranked = [(f.exhibit, f.rank, f.within_count) for f in bundle.images]
    assert ranked == [("E4", 1, True), ("E5", 2, True), ("E3", 3, True),
                      ("E1", 4, False), ("E2", 5, False)]
    assert len(list((tmp_path / "upload" / "images").iterdir())) == 5  # all written
    manifest = json.loads((tmp_path / "upload" / "bundle.json").read_text("utf-8"))
    assert manifest["image_count"]["measured"] == 3 and manifest["image_count"]["written"] == 5


def test_image_rank_pure(signed_case: Path) -> None:
    items = open_case(signed_case).evidence.of_kind("photo", "screenshot")
    assert [i.id for i in image_rank(items, {"before_shipment"})] == ["E3", "E4", "E5"]
    assert [i.id for i in image_rank(items, set())] == ["E3", "E4", "E5"]


@pytest.mark.parametrize(("name", "expected"), [
    ("IMG_0001.JPG", "IMG_0001"),
    ("微信图片_20250416.jpg", "20250416"),
    ("装箱照片.jpeg", "photo"),
    ("../../etc/passwd.png", "passwd"),
    ("C:\\Users\\me\\Désktop shot.png", "Desktop_shot"),
    ("a" * 300 + ".jpg", "a" * 40),
    ("...", "photo"),
])
def test_safe_stem(name: str, expected: str) -> None:
    stem = safe_stem(name, "photo")
    assert stem == expected
    assert stem.isascii() and "/" not in stem and "\\" not in stem and len(stem) <= 40


def test_capture_time_fixture_is_read(signed_case: Path) -> None:
    """Guards the fixture itself: the EXIF capture time reaches the facts the card shows."""
    item = open_case(signed_case).evidence.by_id("E3")
    assert item is not None
    assert datetime.fromisoformat(item.facts["taken_at"]) == parse_time("2025-04-16 14:40:12")
    assert item.facts["orientation"] == 6


# ---------------------------------------------------------------------------- proof content


def test_proof_card_goods_signed(signed_case: Path) -> None:
    case, ctx = context(signed_case)
    card = proof_card(ctx, case.store, "zh")
    assert "3712345678901234567" in card.ids and "20250420001" in card.ids
    tracking, chat = card.sections
    assert tracking.heading == "物流记录 E2 · 中通快递 73518294603127"
    key = tracking.rows[-1]
    assert key.style == "key" and key.head == "2025-04-18 14:05:37 · 签收人: 本人"
    assert "签收人：本人" in key.text
    assert [(r.style, r.text) for r in chat.rows] == [
        ("buyer", "我没收到货"),
        ("seller", "亲，物流显示4月18日14:05已由本人签收，运单号73518294603127"),
        ("buyer", "哦家里人可能拿了吧，我晚上回去问问"),
    ]
    assert chat.rows[0].head == "买家 tb_buyer · 2025-04-20 10:02:03"
    assert card.photos == ()  # the ground is about delivery, not the item


def test_proof_card_item_ground_has_photos(noisy_case: Path) -> None:
    case, ctx = context(noisy_case)
    card = proof_card(ctx, case.store, "zh")
    assert card.photos_first
    assert [(p.exhibit, p.caption) for p in card.photos] == [
        ("E3", ("E3 出库照片", "拍摄于 2025-04-16 14:40")),
        ("E4", ("E4 退回商品照片", "拍摄于 2025-04-25 16:30")),
    ]
    assert card.sections[0].heading == "退货物流记录 E2 · 顺丰速运 SF1427395068213"
    assert card.sections[1].rows[-1].text == "收件人电话138****5678，地址文三路**号"  # masked
    english = proof_card(ctx, case.store, "en")
    assert english.sections[0].heading == "Return tracking E2 · SF Express SF1427395068213"


def test_proof_text_stays_legible(signed_bundle: UploadBundle) -> None:
    assert min_text_px(signed_bundle.proof.width) >= 20
    assert signed_bundle.proof.detail == "full"


def test_web_image_shrinks_until_it_fits() -> None:
    image = noisy((1600, 1200), 5, block=1)
    data, ext, media_type = encode_web(image, "photo", 200_000, "E9")
    assert (ext, media_type) == ("jpg", "image/jpeg") and len(data) <= 200_000
    with Image.open(io.BytesIO(data)) as decoded:
        assert max(decoded.size) < 1600
    with pytest.raises(UploadImageError, match="exhibit E9 cannot be made to fit 2,000 bytes"):
        encode_web(image, "screenshot", 2_000, "E9")
