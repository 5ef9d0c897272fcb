"""Rules on photos and screenshots (legible, unedited, timed right)."""

from __future__ import annotations

from datetime import datetime

from disputekit.collect.phash import hamming
from disputekit.validate.rules.context import Exhibit, RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO


@rule("photo.legible-size", W, zh="图片尺寸足够清晰", en="Image large enough to read",
      source="S2 清晰可辨识； threshold: profile thresholds.photo_min_side_px")
def legible_size(ctx: RuleContext) -> list[Finding]:
    limit = ctx.profile.thresholds.photo_min_side_px.value
    return [
        make(W,
             f"{e.id} 只有 {f.width}×{f.height} 像素，可能看不清。请提供原图。",
             f"{e.id} is only {f.width}×{f.height} px and may be illegible. Provide the original.",
             [e.id])
        for e, f in ctx.photos() if min(f.width, f.height) < limit
    ]


@rule("photo.sharpness", W, zh="照片不模糊", en="Photo is not blurred",
      source="NOTES-pdf.md Laplacian variance; threshold: profile thresholds.photo_min_sharpness")
def sharpness(ctx: RuleContext) -> list[Finding]:
    limit = ctx.profile.thresholds.photo_min_sharpness.value
    return [
        make(W,
             f"{e.id} 可能模糊（清晰度 {f.sharpness:.0f}，低于 {limit:.0f}）。请重拍清晰的照片。",
             f"{e.id} may be blurred (sharpness {f.sharpness:.0f} < {limit:.0f}). Retake it in focus.",
             [e.id])
        for e, f in ctx.photos() if f.kind == "photo" and f.sharpness < limit
    ]


@rule("photo.edited-by-software", W, zh="图片未经编辑软件处理", en="Image not processed by editing software",
      source="S1 Art. 9 (authenticity); editing-software list: profile thresholds.editing_software (low)")
def edited(ctx: RuleContext) -> list[Finding]:
    names = [n.lower() for n in ctx.profile.thresholds.editing_software.value]
    return [
        make(W,
             f"{e.id} 的 EXIF 显示用“{f.software}”处理过，可能被认定为修改过的图片。请提供手机直出的原图。",
             f"{e.id}: EXIF says it was processed with '{f.software}'; it may be judged altered. Provide the camera original.",
             [e.id])
        for e, f in ctx.photos() if f.software and any(n in f.software.lower() for n in names)
    ]


@rule("photo.near-duplicate", INFO, zh="近似重复的图片", en="Near-duplicate images",
      source="NOTES-pdf.md phash distances; threshold: profile thresholds.near_duplicate_bits")
def near_duplicate(ctx: RuleContext) -> list[Finding]:
    limit = ctx.profile.thresholds.near_duplicate_bits.value
    photos = ctx.photos()
    out = []
    for i, (a, fa) in enumerate(photos):
        for b, fb in photos[i + 1:]:
            if hamming(fa.phash, fb.phash) <= limit:
                out.append(make(INFO,
                    f"{a.id} 与 {b.id} 几乎相同，可只保留一张。",
                    f"{a.id} and {b.id} are nearly identical; one is enough.", [a.id, b.id]))
    return out


def _shipped_at(ctx: RuleContext) -> datetime | None:
    if ctx.case.shipped_at:
        return ctx.case.shipped_at
    firsts = [f.events[0].time for _, f in ctx.shipment_tracking() if f.events]
    return min(firsts) if firsts else None


def _untimed(e: Exhibit) -> Finding:
    return make(W,
        f"{e.id} 没有拍摄时间（EXIF），无法证明拍摄时间点。请提供手机原图。",
        f"{e.id} has no capture time (EXIF), so when it was taken cannot be shown. Provide the phone original.",
        [e.id])


@rule("photo.before-shipment-time", B, zh="出库照片拍摄于发货前", en="Outbound photo taken before shipment",
      source="S1 Art. 75, 80 (state at shipment)", ground_specific=True)
def before_shipment(ctx: RuleContext) -> list[Finding]:
    shipped = _shipped_at(ctx)
    out = []
    for e, f in ctx.photos("before_shipment"):
        if f.taken_at is None:
            out.append(_untimed(e))
        elif shipped and f.taken_at > shipped:
            out.append(make(B,
                f"{e.id} 拍摄于 {f.taken_at:%Y-%m-%d %H:%M}，晚于发货时间 {shipped:%Y-%m-%d %H:%M}，不能作为出库照片。",
                f"{e.id} was taken at {f.taken_at:%Y-%m-%d %H:%M}, after shipment at {shipped:%Y-%m-%d %H:%M}; it cannot show the outbound state.",
                [e.id]))
    return out


def _return_signed(ctx: RuleContext) -> datetime | None:
    signed = [f.signed_at for _, f in ctx.return_tracking() if f.signed_at]
    return min(signed) if signed else None


@rule("photo.returned-item-time", B, zh="退货照片拍摄于退货签收后", en="Returned-item photo taken after the return was signed",
      source="S1 Art. 75, 80; shop rules 7–8", ground_specific=True)
def returned_item_time(ctx: RuleContext) -> list[Finding]:
    signed = _return_signed(ctx)
    out = []
    for e, f in ctx.photos("returned_item"):
        if f.taken_at is None:
            out.append(_untimed(e))
        elif signed and f.taken_at < signed:
            out.append(make(B,
                f"{e.id} 拍摄于 {f.taken_at:%Y-%m-%d %H:%M}，早于退货签收 {signed:%Y-%m-%d %H:%M}，不能证明退回的商品状态。",
                f"{e.id} was taken at {f.taken_at:%Y-%m-%d %H:%M}, before the return was signed at {signed:%Y-%m-%d %H:%M}; it cannot show what came back.",
                [e.id]))
    return out

