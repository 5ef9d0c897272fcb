"""Options and result of the assemble stage (``disputekit build``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class BuildOptions(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    now: datetime
    lang: Literal["zh", "en"] | None = None  # default: the case's language
    out_dir: Path | None = None  # default: CASE/out
    draft: bool = False  # allow blocking findings; every page says DRAFT; bundle → out/draft/
    ground: str | None = None
    profile_path: Path | None = None
    preparer: str | None = None
    pdfa: bool = False  # archive dossier: PDF/A-3b friendly output (used by `archive`)
    upload: bool = True  # also write the upload bundle
    jobs: int = 2  # processes for image preparation
    attach_budget: int | None = 4 * 1024 * 1024  # bytes of photo originals to attach; None = all


class BuildResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    dossier: Path
    upload: Path | None
    pages: int
    sha256: str
    manifest: dict[str, Any]
    dossier_id: str
    submission: Path | None = None  # the platform edition (not made for the archive)
    excerpts: dict[str, dict[str, int]] = {}  # chats shown in part: id → messages, shown

    def to_json(self) -> dict[str, Any]:
        return {"dossier": str(self.dossier), "upload": str(self.upload) if self.upload else None,
                "submission": str(self.submission) if self.submission else None,
                "pages": self.pages, "sha256": self.sha256, "dossier_id": self.dossier_id,
                "chat_excerpts": self.excerpts}
