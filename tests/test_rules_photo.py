"""Photo rules: legible, sharp, unedited, not duplicated, taken at the right moment."""

from __future__ import annotations

from pathlib import Path

from disputekit.models.facts import PhotoFacts
from disputekit.profiles.load import load_profile
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Severity
from rulekit import (
    PHASHES,
    Fires,
    Quiet,
    case,
    ctx,
    item,
    items,
    photo,
    replace,
    return_case,
    return_ctx,
    return_evidence,
    run_rule,
    screenshot,
    signed_evidence,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def with_photo(facts: PhotoFacts, number: int = 3) -> RuleContext:
    """The good signed case with photo E3 (or E4) replaced; both are tagged before_shipment."""
    return ctx(evidence=replace(signed_evidence(), number, facts))


def with_return_photo(number: int, facts: PhotoFacts) -> RuleContext:
    """The good return case with E2 (outbound photo) or E3 (unboxing photo) replaced."""
    return return_ctx(evidence=replace(return_evidence(), number, facts))


def one_bit_off(phash: str, bits: int) -> str:
    return f"{int(phash, 16) ^ ((1 << bits) - 1):016x}"


FIRES = [
    Fires("photo.legible-size", "thumbnail", lambda: with_photo(photo(width=500, height=400)), W,
          "只有 500×400 像素,可能看不清", "is only 500×400 px and may be illegible", ("E3",)),
    Fires("photo.sharpness", "blurred", lambda: with_photo(photo(sharpness=12.0)), W,
          "可能模糊(清晰度 12,低于", "may be blurred (sharpness 12 <", ("E3",)),
    Fires("photo.edited-by-software", "photoshop",
          lambda: with_photo(photo(software="Adobe Photoshop 25.0 (Windows)")), W,
          "用“Adobe Photoshop 25.0 (Windows)”处理过,可能被认定为修改过的图片",
          "processed with 'Adobe Photoshop 25.0 (Windows)'; it may be judged altered", ("E3",)),
    Fires("photo.edited-by-software", "meitu-in-chinese", lambda: with_photo(photo(software="美图秀秀")),
          W, "美图秀秀", "Provide the camera original", ("E3",)),
    Fires("photo.near-duplicate", "same-hash",
          lambda: with_photo(photo("2025-04-16 14:41", phash=PHASHES[0]), 4), INFO,
          "E3 与 E4 几乎相同", "E3 and E4 are nearly identical", ("E3", "E4")),
    Fires("photo.near-duplicate", "six-bits-apart",
          lambda: with_photo(photo("2025-04-16 14:41", phash=one_bit_off(PHASHES[0], 6)), 4), INFO,
          "几乎相同", "nearly identical", ("E3", "E4")),
    Fires("photo.before-shipment-time", "after-shipment",
          lambda: with_return_photo(2, photo("2025-04-16 16:00")), B,
          "拍摄于 2025-04-16 16:00,晚于发货时间 2025-04-16 15:20",
          "taken at 2025-04-16 16:00, after shipment at 2025-04-16 15:20", ("E2",)),
    Fires("photo.before-shipment-time", "shipment-from-tracking",
          lambda: return_ctx(return_case(shipped_at=None),
                             replace(return_evidence(), 2, photo("2025-04-16 18:00"))), B,
          "晚于发货时间 2025-04-16 17:32", "after shipment at 2025-04-16 17:32", ("E2",)),
    Fires("photo.before-shipment-time", "no-exif-time", lambda: with_return_photo(2, photo(None)),
          W, "没有拍摄时间(EXIF)", "has no capture time (EXIF)", ("E2",)),
    Fires("photo.returned-item-time", "before-return-signed",
          lambda: with_return_photo(3, photo("2025-04-24 15:00", phash=PHASHES[1])), B,
          "拍摄于 2025-04-24 15:00,早于退货签收 2025-04-24 15:40",
          "taken at 2025-04-24 15:00, before the return was signed at 2025-04-24 15:40", ("E3",)),
    Fires("photo.returned-item-time", "no-exif-time",
          lambda: with_return_photo(3, photo(None, phash=PHASHES[1])), W,
          "没有拍摄时间", "has no capture time", ("E3",)),
]

QUIET = [
    Quiet("photo.legible-size", "large", ctx),
    Quiet("photo.legible-size", "exactly-the-minimum",
          lambda: with_photo(photo(width=600, height=800))),
    Quiet("photo.sharpness", "sharp", ctx),
    Quiet("photo.sharpness", "screenshots-not-judged",
          lambda: ctx(evidence=[*signed_evidence(), item(5, screenshot(sharpness=3.0))])),
    Quiet("photo.edited-by-software", "phone-firmware", ctx),
    Quiet("photo.edited-by-software", "no-software-tag", lambda: with_photo(photo(software=None))),
    Quiet("photo.near-duplicate", "distinct", ctx),
    Quiet("photo.near-duplicate", "seven-bits-apart",
          lambda: with_photo(photo("2025-04-16 14:41", phash=one_bit_off(PHASHES[0], 7)), 4)),
    Quiet("photo.before-shipment-time", "before-shipment", return_ctx),
    Quiet("photo.before-shipment-time", "shipment-time-unknown",
          lambda: return_ctx(return_case(shipped_at=None),
                             replace(return_evidence(), 5, tracking(events=[]))[:4])),
    Quiet("photo.returned-item-time", "after-return-signed", return_ctx),
]



def test_three_copies_give_three_pairs() -> None:
    evidence = items(photo(), photo(), photo())
    pairs = [f.exhibits for f in run_rule("photo.near-duplicate", ctx(case(), evidence))]
    assert pairs == [["E1", "E2"], ["E1", "E3"], ["E2", "E3"]]


def test_minimum_side_comes_from_a_shop_profile(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\nphoto_min_side_px = { value = 1200, source = "shop: big '
                    'prints", confidence = "high" }\n', "utf-8")
    found = run_rule("photo.legible-size", ctx(profile=load_profile("taobao", shop)))
    assert [f.exhibits for f in found] == [["E3"], ["E4"]]
