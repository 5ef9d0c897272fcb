"""The ``video`` kind's parser (kinds table): :func:`parse_video` with its refusal mapped to
the tool's input-file error, so ``add`` and ``inspect`` treat a broken video like any
unusable evidence file (exit 5, reason and fix in both languages)."""

from __future__ import annotations

from pathlib import Path

from disputekit.collect.parse.video import VideoUnreadable, parse_video
from disputekit.errors import InputFileError
from disputekit.kinds import Hints
from disputekit.models.video import VideoFacts


def read_video(path: Path, hints: Hints) -> VideoFacts:
    try:
        return parse_video(path)
    except VideoUnreadable as exc:
        raise InputFileError(
            exc.zh, exc.en,
            fix_zh=exc.fix_zh or "请从手机相册重新导出原始视频。",
            fix_en=exc.fix_en or "Export the original video from the phone's gallery again.",
        ) from None
