"""Reading a screenshot at ``add``/``inspect``: OCR once, then what the page shows.

The text is read by the offline engine (``collect/ocr``) once per object: a case keeps it in
``.disputekit/ocr/<sha256>-<engine>.json`` and ``check``/``build`` only read facts. The lines go
to the screen readers (``collect/screens``), which say whether the page is a tracking page, a
chat window or a refund page, with the line and confidence of every value they read.

Bad input never stops an add: an engine failure or an unreadable image leaves a plain image
(``reads_as`` None) with a warning, and the ``screenshot.read`` rule says it was not read.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from disputekit.clock import CHINA_TZ
from disputekit.models.facts import PhotoFacts, ScreenChat, ScreenRefund, ScreenTracking
from disputekit.models.screen import OcrText
from disputekit.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

OCR_DIR = "ocr"


class OcrSettings(BaseModel):
    """``data/ocr.toml``: when a screenshot is worth reading and when a value is trusted."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_side_px: int = Field(ge=1)
    min_sharpness: float = Field(ge=0)
    decisive_confidence: float = Field(ge=0, le=1)
    deadline_tolerance_minutes: int = Field(ge=0)
    source: str


@cache
def settings() -> OcrSettings:
    text = resources.files("disputekit.data").joinpath("ocr.toml").read_text("utf-8")
    return OcrSettings.model_validate(tomllib.loads(text)["ocr"])


@dataclass(frozen=True)
class ScreenCase:
    """What the case knows that helps read a screenshot (all optional for ``inspect``)."""

    ordered_at: datetime | None = None
    shipped_at: datetime | None = None
    requested_at: datetime | None = None
    buyer: str | None = None
    seller: str | None = None
    courier: str | None = None
    waybill: str | None = None
    added_at: datetime | None = None


def warn(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def capture_time(facts: PhotoFacts, path: Path, case: ScreenCase) -> tuple[datetime | None, str | None]:
    """When the screenshot was taken: image metadata, else the file's time, else when added."""
    if facts.taken_at is not None:
        return facts.taken_at, "taken_at"
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, CHINA_TZ), "file_time"
    except OSError:
        pass
    return (case.added_at, "added_at") if case.added_at else (None, None)


def cache_path(cache_dir: Path, sha256: str, engine: str) -> Path:
    from disputekit.collect.ocr import cache_key

    return cache_dir / f"{cache_key(sha256, engine)}.json"


def cached_text(cache_dir: Path | None, sha256: str, engine: str) -> OcrText | None:
    """A cached OCR result, or None (missing, unreadable or not this engine's: read again)."""
    if cache_dir is None:
        return None
    try:
        found = OcrText.model_validate_json(cache_path(cache_dir, sha256, engine).read_bytes())
    except (OSError, ValueError):
        return None
    return found if found.engine == engine else None


def store_text(cache_dir: Path, sha256: str, text: OcrText) -> None:
    """Keep an OCR result in the case (derived data: safe to delete, rebuilt by re-reading)."""
    data = json.dumps(text.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode()
    atomic_write_bytes(cache_path(cache_dir, sha256, text.engine), data, mode=0o444)


def too_small(facts: PhotoFacts) -> bool:
    s = settings()
    return min(facts.width, facts.height) < s.min_side_px or facts.sharpness < s.min_sharpness


def read_screenshot(
    path: Path, facts: PhotoFacts, sha256: str, case: ScreenCase, *,
    cache_dir: Path | None = None, engine: object | None = None,
) -> PhotoFacts:
    """``facts`` with the text read from the screenshot and what the page shows."""
    if too_small(facts):
        return facts.model_copy(update={"text_status": "unreadable", "warnings": [*facts.warnings, warn(
            f"{path.name} 太小或太模糊，无法识别文字；按普通图片保存。请提供清晰的原始截图。",
            f"{path.name} is too small or blurred to read; kept as a plain image. Provide a sharp original screenshot.")]})
    text = _ocr(path, sha256, cache_dir, engine)
    if isinstance(text, str):
        return facts.model_copy(update={"text_status": "failed", "warnings": [*facts.warnings, text]})
    if not text.lines:
        return facts.model_copy(update={"text_status": "no_text", "text": text})
    return _with_reading(facts.model_copy(update={"text_status": "read", "text": text}), text, path, case)


def _ocr(path: Path, sha256: str, cache_dir: Path | None, engine: object | None) -> OcrText | str:
    from disputekit.collect.ocr import OcrFailed, engine_name, ocr_image

    name = getattr(engine, "name", None) or engine_name()
    found = cached_text(cache_dir, sha256, name)
    if found is not None:
        return found
    try:
        return ocr_image(path, engine)  # type: ignore[arg-type]
    except OcrFailed as exc:
        log.warning("OCR of %s failed: %s", path.name, exc.en)
        return warn(f"{path.name} 的文字识别失败（{exc.zh}）；按普通图片保存。",
                    f"Reading the text of {path.name} failed ({exc.en}); kept as a plain image.")


def _with_reading(facts: PhotoFacts, text: OcrText, path: Path, case: ScreenCase) -> PhotoFacts:
    from disputekit.collect.screens import ScreenContext, read_screen

    captured, basis = capture_time(facts, path, case)
    ctx = ScreenContext(
        ordered_at=case.ordered_at, shipped_at=case.shipped_at, requested_at=case.requested_at,
        captured_at=captured, width=facts.width, height=facts.height, buyer=case.buyer,
        seller=case.seller, courier=case.courier, waybill=case.waybill,
    )
    reading = read_screen(text.lines, ctx)
    update: dict[str, object] = {"reads_as": reading.reads_as}
    if reading.tracking is not None:
        update["tracking"] = ScreenTracking.model_validate(
            {**reading.tracking.facts.model_dump(), "sources": reading.tracking.sources,
             "waybills": reading.tracking.waybills})
    if reading.chat is not None:
        update["chat"] = ScreenChat.model_validate(reading.chat.model_dump())
    if reading.refund is not None:
        update["refund"] = ScreenRefund.model_validate(
            {**reading.refund.model_dump(), "captured_at": captured, "captured_basis": basis})
    return facts.model_copy(update=update)
