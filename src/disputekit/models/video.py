"""Parsed facts of a video exhibit (MP4/MOV/3GP from phones). Its JSON is a contract: keep names.

Times are timezone-aware datetimes; ``taken_at_source`` says where the capture time came from
and therefore how far its offset can be trusted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TakenAtSource = Literal["quicktime_creationdate", "creation_time_utc_offset", "creation_time"]
"""``quicktime_creationdate``: Apple's ``com.apple.quicktime.creationdate``, the device's local
time with its own offset. ``creation_time_utc_offset``: the container's UTC ``creation_time``
shown in the offset the phone recorded beside it (e.g. ``com.samsung.android.utc_offset``).
``creation_time``: the container's UTC ``creation_time`` (an instant; the recording phone's
offset is unknown, so it is shown in China Standard Time)."""


class VideoFacts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["video"] = "video"
    format: str = Field(description="container: mp4, mov, 3gp, 3g2, m4v")
    size_bytes: int = Field(ge=0)
    duration_s: float = Field(ge=0, description="playable duration (shorter when truncated)")
    declared_duration_s: float | None = Field(
        default=None, ge=0, description="duration the container header declares"
    )
    width: int = Field(ge=0, description="as stored, before rotation")
    height: int = Field(ge=0)
    rotation: int = Field(
        default=0, description="degrees clockwise to turn stored frames upright: 0/90/180/270"
    )
    fps: float | None = Field(default=None, ge=0)
    video_codec: str
    audio_codec: str | None = None
    frames: int | None = Field(default=None, ge=0, description="video samples in the index")
    keyframes: int | None = Field(default=None, ge=0, description="sync samples in the index")
    taken_at: datetime | None = None
    taken_at_source: TakenAtSource | None = None
    make: str | None = None
    model: str | None = None
    encoder: str | None = Field(default=None, description="container encoder tag (©too)")
    software: str | None = Field(default=None, description="software/OS version tag")
    handler: str | None = Field(default=None, description="video track handler name")
    edited: bool | None = Field(
        default=None,
        description="True: an editing/re-encoding tool's signature was found; False: the "
        "device's own tags are present and no editor signature (not proof of no edit); "
        "None: cannot tell",
    )
    edited_by: str | None = None
    truncated: bool = False
    warnings: list[str] = []

    @property
    def upright_size(self) -> tuple[int, int]:
        """(width, height) as displayed, after rotation."""
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height
