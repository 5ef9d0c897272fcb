"""Rules on videos (outbound and unboxing videos): capture time judged like a photo's, editing
tools flagged, truncated files named. A damaged photo or screenshot: image_rules.py."""

from __future__ import annotations

from disputekit.models.video import VideoFacts
from disputekit.validate.rules.context import Exhibit, RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.photo_rules import _return_signed, _shipped_at
from disputekit.validate.rules.registry import make, rule

W, B = Severity.WARNING, Severity.BLOCKING


def videos(ctx: RuleContext, tag: str | None = None) -> list[tuple[Exhibit, VideoFacts]]:
    return [(e, e.facts) for e in ctx.exhibits
            if isinstance(e.facts, VideoFacts) and (tag is None or e.item.tag == tag)]


def _untimed(e: Exhibit) -> Finding:
    return make(W,
        f"{e.id} 视频没有拍摄时间，无法证明录制时间点。请提供手机相册导出的原始视频。",
        f"{e.id}: the video has no recording time, so when it was made cannot be shown. "
        "Provide the original exported from the phone's gallery.",
        [e.id])


@rule("video.before-shipment-time", B, zh="出库视频录制于发货前",
      en="Outbound video recorded before shipment", source="S1 Art. 75, 80 (state at shipment)")
def before_shipment(ctx: RuleContext) -> list[Finding]:
    shipped = _shipped_at(ctx)
    out = []
    for e, f in videos(ctx, "before_shipment"):
        if f.taken_at is None:
            out.append(_untimed(e))
        elif shipped and f.taken_at > shipped:
            out.append(make(B,
                f"{e.id} 录制于 {f.taken_at:%Y-%m-%d %H:%M}，晚于发货时间 {shipped:%Y-%m-%d %H:%M}，"
                "不能作为出库视频。",
                f"{e.id} was recorded at {f.taken_at:%Y-%m-%d %H:%M}, after shipment at "
                f"{shipped:%Y-%m-%d %H:%M}; it cannot show the outbound state.",
                [e.id]))
    return out


@rule("video.returned-item-time", B, zh="开箱视频录制于退货签收后",
      en="Unboxing video recorded after the return was signed",
      source="S1 Art. 75, 80; shop rules 7–8")
def returned_item_time(ctx: RuleContext) -> list[Finding]:
    signed = _return_signed(ctx)
    out = []
    for e, f in videos(ctx, "returned_item"):
        if f.taken_at is None:
            out.append(_untimed(e))
        elif signed and f.taken_at < signed:
            out.append(make(B,
                f"{e.id} 录制于 {f.taken_at:%Y-%m-%d %H:%M}，早于退货签收 {signed:%Y-%m-%d %H:%M}，"
                "不能证明退回的商品状态。",
                f"{e.id} was recorded at {f.taken_at:%Y-%m-%d %H:%M}, before the return was signed "
                f"at {signed:%Y-%m-%d %H:%M}; it cannot show what came back.",
                [e.id]))
    return out


@rule("video.edited", W, zh="视频未经剪辑软件处理", en="Video not processed by editing software",
      source="S1 Art. 9 (authenticity); editor signatures: data/video_editors.toml")
def edited(ctx: RuleContext) -> list[Finding]:
    return [
        make(W,
             f"{e.id} 带有剪辑/转码软件“{f.edited_by or '?'}”的标记，可能被认定为修改过的视频。"
             "请提供手机直出的原始视频。",
             f"{e.id} carries the signature of the editing/re-encoding tool '{f.edited_by or '?'}'; "
             "it may be judged altered. Provide the phone's original video.",
             [e.id])
        for e, f in videos(ctx) if f.edited
    ]


@rule("video.truncated", W, zh="视频文件完整", en="Video file complete",
      source="collect/parse/video.py (moov index against the file size)")
def truncated(ctx: RuleContext) -> list[Finding]:
    return [
        make(W,
             f"{e.id} 视频文件不完整，只能播放约 {f.duration_s:.0f} 秒。请从手机重新导出完整的原始视频。",
             f"{e.id}: the video file is truncated; about {f.duration_s:.0f} s can be played. "
             "Export the complete original from the phone again.",
             [e.id])
        for e, f in videos(ctx) if f.truncated
    ]
