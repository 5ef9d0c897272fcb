"""Upload bundle: the files an agent pastes and uploads in the refund page, each within its limit.

``build_upload_bundle`` writes into a work folder (the caller moves it into place)::

    reason.txt    the refusal reason (profile reason_min_chars … reason_max_chars characters)
    message.txt   the refund message (≤ message_max_bytes bytes of UTF-8)
    proof.jpg     one composite proof image (≤ proof_image_max_bytes), see render.proof_image
    images/       every photo/screenshot exhibit, upright, within web_image_max_side/_bytes:
                  E3_<safe-name>.jpg (photos; screenshots stay PNG when that fits)
    bundle.json   every file with its size, SHA-256 and the limits it was measured against

Texts are checked before anything is written; every limit is then measured again on the written
files. Image preparation runs in up to ``jobs`` processes, one decoded image per process.

**Which images count.** Web upload forms take at most ``web_image_max_count`` images. All are
written, ranked by strength: exhibits whose tag the chosen ground needs (e.g. before_shipment,
returned_item), then other tagged exhibits, then untagged ones (tag "other" counts as untagged),
each group by exhibit number. The first ``web_image_max_count`` get ``"within_count": true``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disputekit.case import Case
from disputekit.draft.checks import char_count
from disputekit.draft.reason import Draft
from disputekit.errors import UsageError, VerificationFailed
from disputekit.profiles.model import IntValue, Limits, ListValue
from disputekit.rules.context import RuleContext

logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "disputekit-upload/1"
IMAGE_KINDS = ("photo", "screenshot")
PHOTO_QUALITIES = (85, 75, 65, 55)
"""JPEG qualities tried for a web image before its side is reduced."""
SHRINK = 0.8
MIN_WEB_SIDE = 320
SAFE_STEM_MAX = 40
COUNT_RULE = (
    "ranked: tags the ground needs, then other tags, then untagged; each by exhibit number"
)


class UploadLimitError(UsageError):
    """A text of the bundle is outside the profile's limit (the message shows the count)."""


class UploadImageError(VerificationFailed):
    """An exhibit image cannot be prepared (changed on disk, undecodable, or too large)."""


# ---------------------------------------------------------------------------- records


@dataclass(frozen=True)
class LimitCheck:
    """One limit a file was measured against."""

    limit: str
    value: int | list[str]
    measured: int | str
    unit: str
    source: str
    confidence: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class BundleFile:
    path: str  # relative to the bundle folder, "/"-separated
    bytes: int
    sha256: str
    media_type: str
    limits: tuple[LimitCheck, ...]
    exhibit: str | None = None
    original: str | None = None
    original_sha256: str | None = None
    width: int | None = None
    height: int | None = None
    rank: int | None = None
    within_count: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None and k != "limits"}
        data["limits"] = [check.to_json() for check in self.limits]
        return data


@dataclass(frozen=True)
class ProofSummary:
    width: int
    height: int
    quality: int
    photo_scale: float
    bytes: int
    attempts: tuple[tuple[int, float, int, int], ...]


@dataclass(frozen=True)
class UploadBundle:
    out_dir: Path
    files: tuple[BundleFile, ...]
    proof: ProofSummary
    manifest: Path

    def file(self, path: str) -> BundleFile:
        return next(f for f in self.files if f.path == path)

    @property
    def images(self) -> tuple[BundleFile, ...]:
        return tuple(f for f in self.files if f.path.startswith("images/"))


def _check(name: str, limit: IntValue | ListValue, measured: int | str, unit: str) -> LimitCheck:
    return LimitCheck(name, limit.value, measured, unit, limit.source, limit.confidence)


# ---------------------------------------------------------------------------- orchestration


def build_upload_bundle(
    ctx: RuleContext, draft: Draft, case: Case, out_dir: Path, *, jobs: int = 2
) -> UploadBundle:
    """Write the upload bundle into the work folder ``out_dir`` (created; must be empty)."""
    limits = ctx.profile.limits
    check_reason(draft.reason, limits)
    check_message(draft.message, limits)
    _check_proof_format(limits)
    _prepare_folder(out_dir)
    files = [
        _write_text(out_dir, "reason.txt", draft.reason, _reason_checks),
        _write_text(out_dir, "message.txt", draft.message, _message_checks),
    ]
    proof_file, proof = _write_proof(ctx, case, draft.lang, out_dir)
    files.append(proof_file)
    files += prepare_images(ctx, case, out_dir / "images", jobs=jobs)
    summary = ProofSummary(proof.width, proof.height, proof.quality, proof.photo_scale,
                           proof.size, proof.attempts)
    manifest = _write_manifest(out_dir, ctx, draft, files, summary)
    return UploadBundle(out_dir, tuple(files), summary, manifest)


def _prepare_folder(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        raise UsageError(
            f"上传包工作文件夹 {out_dir} 不是空的。", f"The upload work folder {out_dir} is not empty.",
            fix_zh="请使用新的空文件夹。", fix_en="Use a new, empty folder.",
        )
    (out_dir / "images").mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------------------- texts


def check_reason(text: str, limits: Limits) -> None:
    """Raise :class:`UploadLimitError` with the count unless min ≤ characters ≤ max."""
    n, lo, hi = char_count(text), limits.reason_min_chars.value, limits.reason_max_chars.value
    if lo <= n <= hi:
        return
    raise UploadLimitError(
        f"拒绝理由有 {n} 个字符,须在 {lo}–{hi} 个字符之间。",
        f"The refusal reason has {n} characters; it must have {lo}–{hi}.",
        fix_zh="请在 case.toml 的 reason 中改写(平台按字符计数,不会自动截断)。",
        fix_en="Rewrite it in case.toml `reason` (the platform counts characters; "
        "nothing is cut automatically).",
    )


def check_message(text: str, limits: Limits) -> None:
    """Raise :class:`UploadLimitError` with the byte count if the UTF-8 message is too long."""
    size, hi = len(text.encode("utf-8")), limits.message_max_bytes.value
    if size <= hi:
        return
    raise UploadLimitError(
        f"退款留言有 {size} 字节(UTF-8),超过 {hi} 字节上限。",
        f"The refund message is {size} bytes of UTF-8, over the {hi}-byte limit.",
        fix_zh="请缩短留言模板(一个汉字占 3 字节)。",
        fix_en="Shorten the message template (a Chinese character takes 3 bytes).",
    )


def _reason_checks(data: bytes, limits: Limits) -> tuple[LimitCheck, ...]:
    text = data.decode("utf-8")
    check_reason(text, limits)
    n = char_count(text)
    return (_check("reason_min_chars", limits.reason_min_chars, n, "characters"),
            _check("reason_max_chars", limits.reason_max_chars, n, "characters"))


def _message_checks(data: bytes, limits: Limits) -> tuple[LimitCheck, ...]:
    check_message(data.decode("utf-8"), limits)
    return (_check("message_max_bytes", limits.message_max_bytes, len(data), "bytes"),)


def _write_text(out_dir: Path, name: str, text: str, checks: Any) -> BundleFile:
    """Write UTF-8 without BOM or added newline, then measure the file on disk."""
    path = out_dir / name
    path.write_bytes(text.encode("utf-8"))
    data = path.read_bytes()
    return BundleFile(name, len(data), hashlib.sha256(data).hexdigest(),
                      "text/plain; charset=utf-8", checks(data, _limits_of(checks)))


_CURRENT_LIMITS: list[Limits] = []


def _limits_of(_checks: Any) -> Limits:
    return _CURRENT_LIMITS[-1]
