"""Video rules (issue 13): capture time like a photo's, editing tools, truncated files (a damaged
photo: test_rules_image.py)."""

from __future__ import annotations

from typing import Any

from disputekit.models.video import VideoFacts
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Severity
from rulekit import (
    Fires,
    Quiet,
    item,
    return_ctx,
    return_evidence,
    t,
)

B, W = Severity.BLOCKING, Severity.WARNING


def video(taken_at: str | None = "2025-04-24 16:30", **extra: Any) -> VideoFacts:
    """A 41 s iPhone unboxing video, timed by the device."""
    fields: dict[str, Any] = {
        "format": "mov", "size_bytes": 9_000_000, "duration_s": 41.0, "width": 1920,
        "height": 1080, "rotation": 90, "video_codec": "hevc", "make": "Apple",
        "model": "iPhone 13", "edited": False,
        "taken_at_source": "quicktime_creationdate" if taken_at else None,
    }
    fields.update(extra)
    return VideoFacts(taken_at=t(taken_at) if taken_at else None, **fields)


def with_video(facts: VideoFacts, tag: str | None = "returned_item") -> RuleContext:
    """The good return case (return signed 2025-04-24 15:40, shipped 2025-04-16 15:20) + E6."""
    return return_ctx(evidence=[*return_evidence(), item(6, facts, tag=tag)])  # type: ignore[arg-type]


FIRES = [
    Fires("video.returned-item-time", "before-return-signed",
          lambda: with_video(video("2025-04-24 15:00")), B,
          "录制于 2025-04-24 15:00,早于退货签收 2025-04-24 15:40",
          "recorded at 2025-04-24 15:00, before the return was signed at 2025-04-24 15:40", ("E6",)),
    Fires("video.returned-item-time", "no-time", lambda: with_video(video(None)), W,
          "视频没有拍摄时间", "the video has no recording time", ("E6",)),
    Fires("video.before-shipment-time", "after-shipment",
          lambda: with_video(video("2025-04-16 16:00"), "before_shipment"), B,
          "录制于 2025-04-16 16:00,晚于发货时间 2025-04-16 15:20",
          "recorded at 2025-04-16 16:00, after shipment at 2025-04-16 15:20", ("E6",)),
    Fires("video.before-shipment-time", "no-time",
          lambda: with_video(video(None), "before_shipment"), W,
          "没有拍摄时间", "no recording time", ("E6",)),
    Fires("video.edited", "capcut", lambda: with_video(video(edited=True, edited_by="CapCut")), W,
          "剪辑/转码软件“CapCut”", "editing/re-encoding tool 'CapCut'", ("E6",)),
    Fires("video.truncated", "cut", lambda: with_video(video(truncated=True, duration_s=12.4)), W,
          "E6 视频文件不完整,只能播放约 12 秒", "E6: the video file is truncated; about 12 s", ("E6",)),
]

QUIET = [
    Quiet("video.returned-item-time", "after-return-signed", lambda: with_video(video())),
    Quiet("video.returned-item-time", "untagged", lambda: with_video(video("2025-04-01 10:00"), None)),
    Quiet("video.before-shipment-time", "before-shipment",
          lambda: with_video(video("2025-04-16 14:00"), "before_shipment")),
    Quiet("video.edited", "device-original", lambda: with_video(video())),
    Quiet("video.edited", "cannot-tell", lambda: with_video(video(edited=None, make=None))),
    Quiet("video.truncated", "complete", lambda: with_video(video())),
]
