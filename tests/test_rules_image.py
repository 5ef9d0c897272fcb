"""Image-file rules: a damaged photo or screenshot is named with what its decoder said."""

from __future__ import annotations

from disputekit.validate.rules.finding import Severity
from disputekit.validate.rules.image_rules import split_note
from rulekit import (
    Fires,
    Quiet,
    ctx,
    item,
    photo,
    return_ctx,
    return_evidence,
    run_rule,
    screenshot,
)

W = Severity.WARNING
TRUNCATED = "图片文件不完整（结尾缺失），缺失部分显示为灰色 / The image file is truncated; the missing part shows as grey"
FAX = ("压缩的图像数据已损坏，部分画面可能显示错误（解码器原文：Fax4Decode: Bad code word at line 27 / 3） / "
       "The compressed image data is damaged; part of the picture may show wrongly (decoder: "
       "Fax4Decode: Bad code word at line 27 / 3)")
PALETTE = ("BMP 调色板索引错误：调色板只有 101 种颜色，像素却用到第 253 种 / Bad palette index: the "
           "palette has 101 colours but pixels use colour 253")


def with_exhibit(facts: object) -> object:
    return return_ctx(evidence=[*return_evidence(), item(6, facts)])  # type: ignore[arg-type]


FIRES = [
    Fires("photo.damaged", "truncated-photo",
          lambda: with_exhibit(photo(decode_warnings=[TRUNCATED])), W,
          "E6 的照片文件有损坏,解码时报告:图片文件不完整(结尾缺失),缺失部分显示为灰色",
          "E6: the photo file is damaged; its decoder reported: The image file is truncated; the "
          "missing part shows as grey", ("E6",)),
    Fires("photo.damaged", "fax-screenshot-quoting-the-decoder",
          lambda: with_exhibit(screenshot(decode_warnings=[FAX])), W,
          "E6 的截图文件有损坏,解码时报告:压缩的图像数据已损坏,部分画面可能显示错误(解码器原文:Fax4Decode: Bad code word at line 27 / 3)",
          "E6: the screenshot file is damaged; its decoder reported: The compressed image data is "
          "damaged; part of the picture may show wrongly (decoder: Fax4Decode: Bad code word at "
          "line 27 / 3)", ("E6",)),
    Fires("photo.damaged", "evidence-json-before-decode-warnings",
          lambda: with_exhibit(photo(warnings=[TRUNCATED])), W,
          "图片文件不完整", "The image file is truncated", ("E6",)),
    Fires("photo.damaged", "many-complaints-counted",
          lambda: with_exhibit(screenshot(decode_warnings=[TRUNCATED, FAX, PALETTE, "x / y"])), W,
          "另有 1 条", "and 1 more", ("E6",)),
]

QUIET = [
    Quiet("photo.damaged", "healthy", return_ctx),
    Quiet("photo.damaged", "only-metadata-warnings",
          lambda: with_exhibit(photo(warnings=["EXIF 数据损坏，已忽略 / Malformed EXIF data ignored"]))),
]


def test_one_finding_per_damaged_exhibit() -> None:
    evidence = [item(1, photo(decode_warnings=[TRUNCATED])), item(2, photo(phash="0" * 16)),
                item(3, screenshot(decode_warnings=[PALETTE]))]
    found = run_rule("photo.damaged", ctx(evidence=evidence))
    assert [f.exhibits for f in found] == [["E1"], ["E3"]]
    assert "colour 253" in found[1].en and "101 种颜色" in found[1].zh
    assert "Bad palette" not in found[1].zh and "调色板" not in found[1].en


def test_a_note_splits_at_its_middle_separator() -> None:
    assert split_note(FAX)[1].startswith("The compressed image data is damaged")
    assert split_note(FAX)[0].endswith("Bad code word at line 27 / 3）")
    assert split_note("only one language") == ("only one language", "only one language")
