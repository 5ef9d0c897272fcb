"""Upload bundle: the files an agent pastes and uploads in the refund page, each within its limit.

``build_upload_bundle`` writes into a work folder (the caller moves it into place)::

    reason.txt    the refusal reason (profile reason_min_chars … reason_max_chars characters)
    message.txt   the refund message (≤ message_max_bytes bytes of UTF-8)
    proof.jpg     one composite proof image (≤ proof_image_max_bytes), see render.proof_image
    images/       every photo/screenshot exhibit, upright, within web_image_max_side/_bytes:
                  E3_<safe-name>.jpg (photos; screenshots stay PNG when that fits)
    bundle.json   every file with its size, SHA-256 and the limits it was measured against

The bundle is the submission edition's content: the same reason and message, and images
with personal data covered (``privacy.regions``: the boxes of what OCR read as a phone number
or address); file names and ``original`` names are masked like every other text.

**Drafts** (``is_draft``): the caller writes the folder to ``out/draft/``, never ``out/upload/``,
and every file says so — reason.txt and message.txt start with a DRAFT line, proof.jpg has a
red DRAFT header, each image carries a DRAFT band and a ``DRAFT_`` file-name prefix, and
bundle.json has ``"draft": true``.

Texts are checked before anything is written; every limit is then measured again on the written
files. Image preparation runs in up to ``jobs`` processes, one decoded image per process.

**Which images count.** Web upload forms take at most ``web_image_max_count`` images. All are
written, ranked by strength: exhibits whose tag the chosen ground needs (e.g. before_shipment,
returned_item), then other tagged exhibits, then untagged ones (tag "other" counts as untagged),
each group by exhibit number. The first ``web_image_max_count`` get ``"within_count": true``.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from disputekit.assemble.upload.proof_image import (
    ProofFit,
    encode_jpeg,
    fit_proof,
    proof_card,
    thumb_side,
)
from disputekit.case import Case
from disputekit.collect.parse.imageio import fit, load_display_image
from disputekit.draft.checks import char_count
from disputekit.draft.reason import Draft
from disputekit.errors import InputFileError, ProfileError, UsageError, VerificationFailed
from disputekit.kinds import IMAGE_KINDS
from disputekit.models.evidence import EvidenceItem
from disputekit.privacy.pii import mask
from disputekit.privacy.regions import cover_scaled, exhibit_boxes, upright_size
from disputekit.profiles.model import IntValue, Limits, ListValue, Privacy
from disputekit.store.hashing import sha256_file
from disputekit.store.objects import ObjectStore, object_intact
from disputekit.validate.rules.context import RuleContext

logger = logging.getLogger(__name__)

BUNDLE_FORMAT = "disputekit-upload/1"
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
    """How proof.jpg was made: the fit step taken and every encoding tried before it."""

    width: int
    height: int
    quality: int
    photo_scale: float
    detail: str
    bytes: int
    attempts: tuple[tuple[int, float, str, int, int], ...]

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "quality": self.quality,
                "photo_scale": self.photo_scale, "detail": self.detail}


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
    ctx: RuleContext, draft: Draft, case: Case, out_dir: Path, *, jobs: int = 2,
    is_draft: bool = False, prepared: Mapping[str, ImageOutcome] | None = None,
) -> UploadBundle:
    """Write the upload bundle into the work folder ``out_dir`` (created; must be empty).

    ``prepared``: web images already written by the dossier's image workers (see
    :func:`prepare_images`); the others are made here."""
    limits = ctx.profile.limits
    check_reason(draft.reason, limits)
    check_message(draft.message, limits)
    _check_proof_format(limits)
    _prepare_folder(out_dir)
    head = draft_line(draft.lang) + "\n" if is_draft else ""
    files = [
        _write_text(out_dir, "reason.txt", draft.reason, limits, _reason_checks, head),
        _write_text(out_dir, "message.txt", draft.message, limits, _message_checks, head),
    ]
    proof_file, proof = _write_proof(ctx, case, draft.lang, out_dir, is_draft)
    files.append(proof_file)
    files += prepare_images(ctx, case, out_dir / "images", jobs=jobs, is_draft=is_draft,
                            prepared=prepared)
    summary = ProofSummary(proof.width, proof.height, proof.quality, proof.photo_scale,
                           proof.detail, proof.size, proof.attempts)
    manifest = _write_manifest(out_dir, ctx, draft, files, summary, is_draft)
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


def draft_line(lang: str) -> str:
    return "【草稿 — 不可上传】" if lang == "zh" else "[DRAFT — not for upload]"


def _write_text(
    out_dir: Path, name: str, text: str, limits: Limits,
    checks: Callable[[bytes, Limits], tuple[LimitCheck, ...]], head: str = "",
) -> BundleFile:
    """Write UTF-8 without BOM or added newline, then measure the file on disk (the limits
    apply to the text after a draft's ``head`` line)."""
    path = out_dir / name
    path.write_bytes((head + text).encode("utf-8"))
    data = path.read_bytes()
    return BundleFile(name, len(data), hashlib.sha256(data).hexdigest(),
                      "text/plain; charset=utf-8", checks(data[len(head.encode("utf-8")):], limits))


# ---------------------------------------------------------------------------- proof image


def _check_proof_format(limits: Limits) -> None:
    allowed = {f.lower() for f in limits.proof_image_formats.value}
    if allowed & {"jpg", "jpeg"}:
        return
    raise ProfileError(
        f"平台配置不允许 JPEG 凭证图片(允许:{', '.join(sorted(allowed))})。",
        f"The profile does not allow a JPEG proof image (allowed: {', '.join(sorted(allowed))}).",
        fix_zh="请在配置文件的 proof_image_formats 中加入 jpg。",
        fix_en="Add jpg to proof_image_formats in the profile.",
    )


def _write_proof(
    ctx: RuleContext, case: Case, lang: str, out_dir: Path, is_draft: bool = False
) -> tuple[BundleFile, ProofFit]:
    limits = ctx.profile.limits
    card = proof_card(ctx, case.store, lang, draft=is_draft)
    side = thumb_side()
    facts = {i.id: i.facts for i in case.evidence.items}
    thumbs = [_covered(_load_exhibit(photo.exhibit, photo.path, photo.sha256, side),
                       exhibit_cover(facts[photo.exhibit], ctx.profile.privacy))
              for photo in card.photos]
    proof = fit_proof(card, limits.proof_image_max_bytes.value, thumbs)
    log = logger.warning if proof.detail != "full" else logger.info
    log("proof.jpg: %d bytes, %d px wide, quality %d, photos x%.2f, text %s",
        proof.size, proof.width, proof.quality, proof.photo_scale, proof.detail)
    path = out_dir / "proof.jpg"
    path.write_bytes(proof.data)
    size, digest, fmt, _ = _measure(path)
    if fmt != "JPEG" or size > limits.proof_image_max_bytes.value:
        raise _written_wrong("proof.jpg", f"{fmt}, {size} bytes")
    checks = (_check("proof_image_max_bytes", limits.proof_image_max_bytes, size, "bytes"),
              _check("proof_image_formats", limits.proof_image_formats, "jpg", "format"))
    return BundleFile("proof.jpg", size, digest, "image/jpeg", checks), proof


def _load_exhibit(exhibit: str, path: Path, sha256: str, side: int) -> Image.Image:
    _verify_object(exhibit, path, sha256)
    try:
        return load_display_image(path, side)
    except InputFileError as exc:
        raise _undecodable(exhibit, exc.zh, exc.en) from None


def _verify_object(exhibit: str, path: Path, sha256: str) -> None:
    if not object_intact(path, sha256):
        raise UploadImageError(
            f"证据 {exhibit} 的原件已改变或丢失(SHA-256 不符)。",
            f"The original of exhibit {exhibit} changed or is missing (SHA-256 mismatch).",
            fix_zh="请用 disputekit verify 检查案件,或重新添加该文件。",
            fix_en="Run `disputekit verify` on the case, or add the file again.",
        )


def _undecodable(exhibit: str, zh: str, en: str) -> UploadImageError:
    return UploadImageError(
        f"证据 {exhibit} 无法解码:{zh}", f"Exhibit {exhibit} cannot be decoded: {en}",
        fix_zh="请用 disputekit verify 检查案件,或重新添加该文件。",
        fix_en="Run `disputekit verify` on the case, or add the file again.",
    )


def _measure(path: Path, *, decode: bool = True) -> tuple[int, str, str, tuple[int, int]]:
    """(bytes, sha256, Pillow format, (width, height)) of a written image; ``decode`` reads
    every pixel too (workers already did that for the web images)."""
    digest, size = sha256_file(path)
    with Image.open(path) as image:
        if decode:
            image.load()
        return size, digest, str(image.format), image.size


def _written_wrong(name: str, detail: str) -> VerificationFailed:
    return VerificationFailed(
        f"写出的 {name} 未通过复核({detail})。", f"The written {name} failed its check ({detail}).",
    )


# ---------------------------------------------------------------------------- web images


Cover = tuple[list[tuple[int, int, int, int]], tuple[int, int]] | None  # boxes, measured on size


def exhibit_cover(facts: dict[str, Any], privacy: Privacy) -> Cover:
    """The personal-data boxes to paint over on an exhibit image (from its OCR lines)."""
    boxes = exhibit_boxes(facts, privacy)
    return (boxes, upright_size(facts)) if boxes else None


def _covered(image: Image.Image, covered: Cover) -> Image.Image:
    return cover_scaled(image, covered[0], covered[1]) if covered else image


DRAFT_BAND = (176, 0, 32)


def stamp_draft(image: Image.Image) -> Image.Image:
    """A red band with DRAFT across the top of ``image`` (a copy, RGB)."""
    out = image.convert("RGB")
    band = max(18, out.height // 14)
    draw = ImageDraw.Draw(out)
    draw.rectangle((0, 0, out.width, band), fill=DRAFT_BAND)
    font = ImageFont.load_default(size=max(10, int(band * 0.7)))
    text = "DRAFT - not for upload"
    draw.text((band // 3, band * 0.12), text, fill=(255, 255, 255), font=font)
    return out


@dataclass(frozen=True)
class ImageTask:
    exhibit: str
    kind: str
    source: Path
    sha256: str
    dest_stem: Path  # without extension
    max_side: int
    max_bytes: int
    cover: Cover = None
    draft: bool = False
    video_at: float | None = None  # a video exhibit: its first marked frame (None: contact sheet)
    video_duration: float | None = None


@dataclass(frozen=True)
class ImageOutcome:
    exhibit: str
    path: Path | None = None
    media_type: str = ""
    error: tuple[str, str, str, str] = ("", "", "", "")  # zh, en, fix_zh, fix_en


def safe_stem(name: str, fallback: str) -> str:
    """ASCII file-name stem: no separators or specials, at most SAFE_STEM_MAX characters."""
    stem = re.split(r"[/\\]", name)[-1].rsplit(".", 1)[0]
    ascii_only = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "_", ascii_only).strip("_-")
    return cleaned[:SAFE_STEM_MAX].strip("_-") or fallback


def image_rank(items: list[EvidenceItem], needed_tags: set[str]) -> list[EvidenceItem]:
    """Images by strength (see the module docstring)."""

    def tier(item: EvidenceItem) -> int:
        if item.tag in needed_tags:
            return 0
        return 1 if item.tag not in (None, "other") else 2

    return sorted(items, key=lambda item: (tier(item), int(item.id[1:])))


def image_tasks(ctx: RuleContext, case: Case, folder: Path,
                is_draft: bool = False) -> list[tuple[EvidenceItem, ImageTask]]:
    """The web-image task of every photo/screenshot exhibit, ranked, writing into ``folder``."""
    limits = ctx.profile.limits
    ground = ctx.ground
    needed = {n.tag for n in ground.needs if n.tag} if ground else set()
    ranked = image_rank(case.evidence.of_kind(*IMAGE_KINDS, "video"), needed)
    privacy = ctx.profile.privacy
    return [(item, replace(_task(item, case.store, folder, limits, privacy),
                           cover=exhibit_cover(item.facts, privacy), draft=is_draft,
                           **_video_still(item)))
            for item in ranked]


def _video_still(item: EvidenceItem) -> dict[str, float | None]:
    """A video offers one still: its first marked frame, else a contact sheet of keyframes."""
    if item.kind != "video":
        return {}
    return {"video_at": item.frames[0] if item.frames else None,
            "video_duration": float(item.facts.get("duration_s") or 0) or None}


def prepare_images(ctx: RuleContext, case: Case, folder: Path, *, jobs: int,
                   is_draft: bool = False,
                   prepared: Mapping[str, ImageOutcome] | None = None) -> list[BundleFile]:
    """Every photo/screenshot exhibit as a web-upload image in ``folder``, ranked.

    ``prepared``: outcomes already made from the dossier's decode of each image (``build``
    runs :func:`write_web_image` in its image workers); their files are moved into ``folder``.
    """
    limits = ctx.profile.limits
    privacy = ctx.profile.privacy
    pairs = image_tasks(ctx, case, folder, is_draft)
    ranked = [item for item, _ in pairs]
    todo = [task for item, task in pairs if prepared is None or item.id not in prepared]
    made = dict(zip([t.exhibit for t in todo], run_tasks(todo, jobs), strict=True))
    outcomes = [made.get(item.id) or _moved((prepared or {})[item.id], folder) for item in ranked]
    files = []
    for rank, (item, outcome) in enumerate(zip(ranked, outcomes, strict=True), start=1):
        if outcome.path is None:
            zh, en, fix_zh, fix_en = outcome.error
            raise UploadImageError(zh, en, fix_zh=fix_zh, fix_en=fix_en)
        files.append(_image_file(item, outcome, folder, limits, rank, privacy))
    return files


def _task(item: EvidenceItem, store: ObjectStore, folder: Path, limits: Limits,
          privacy: Privacy | None = None) -> ImageTask:
    name = mask(item.name, privacy) if privacy is not None else item.name
    stem = f"{item.id}_{safe_stem(name, item.kind)}"
    return ImageTask(item.id, item.kind, store.path_for(item.sha256), item.sha256,
                     folder / stem, limits.web_image_max_side.value,
                     limits.web_image_max_bytes.value)


def run_tasks(tasks: list[ImageTask], jobs: int) -> list[ImageOutcome]:
    """Run :func:`prepare_image` over ``tasks`` in up to ``jobs`` processes, in order."""
    if jobs <= 1 or len(tasks) <= 1:
        return [prepare_image(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(prepare_image, tasks))


def _moved(outcome: ImageOutcome, folder: Path) -> ImageOutcome:
    if outcome.path is None:
        return outcome
    target = folder / outcome.path.name
    outcome.path.replace(target)
    return replace(outcome, path=target)


def prepare_image(task: ImageTask) -> ImageOutcome:
    """Worker: verify the original, decode it upright at ≤ max_side, :func:`write_web_image`.

    Errors come back as text (DisputekitError does not survive pickling between processes).
    """
    try:
        if task.kind == "video":
            image = _video_image(task)
        else:
            image = _load_exhibit(task.exhibit, task.source, task.sha256, task.max_side)
    except UploadImageError as exc:
        return ImageOutcome(task.exhibit, error=(exc.zh, exc.en, exc.fix_zh, exc.fix_en))
    return write_web_image(task, image)


def _video_image(task: ImageTask) -> Image.Image:
    from disputekit.assemble.video_images import video_still

    _verify_object(task.exhibit, task.source, task.sha256)
    try:
        still = video_still(task.source, task.video_at, task.max_side, task.video_duration)
    except ValueError as exc:
        raise _undecodable(task.exhibit, *exc.args) from None
    assert isinstance(still, Image.Image)
    return still


def write_web_image(task: ImageTask, image: Image.Image) -> ImageOutcome:
    """Cover, mark (draft), encode within max_bytes and write an upright decoded image; it is
    fitted to ``task.max_side`` first (the caller may have decoded it larger)."""
    try:
        image = _covered(fit(image, task.max_side), task.cover)
        if task.draft:
            image = stamp_draft(image)
        data, ext, media_type = encode_web(image, task.kind, task.max_bytes, task.exhibit)
    except UploadImageError as exc:
        return ImageOutcome(task.exhibit, error=(exc.zh, exc.en, exc.fix_zh, exc.fix_en))
    prefix = "DRAFT_" if task.draft else ""
    path = task.dest_stem.with_name(f"{prefix}{task.dest_stem.name}.{ext}")
    path.write_bytes(data)
    with Image.open(path) as written:
        written.load()  # what was written decodes (checked here, in parallel)
    return ImageOutcome(task.exhibit, path, media_type)


def encode_web(
    image: Image.Image, kind: str, max_bytes: int, exhibit: str = ""
) -> tuple[bytes, str, str]:
    """(data, extension, media type): PNG for a screenshot if it fits, else JPEG at the best
    quality of PHOTO_QUALITIES that fits; the side shrinks by SHRINK until something does."""
    while True:
        if kind == "screenshot":
            png = _encode_png(image)
            if len(png) <= max_bytes:
                return png, "png", "image/png"
        for quality in PHOTO_QUALITIES:
            data = encode_jpeg(image, quality)
            if len(data) <= max_bytes:
                return data, "jpg", "image/jpeg"
        side = round(max(image.size) * SHRINK)
        if side < MIN_WEB_SIDE:
            raise UploadImageError(
                f"证据 {exhibit} 的图片无法压缩到 {max_bytes:,} 字节以内。",
                f"The image of exhibit {exhibit} cannot be made to fit {max_bytes:,} bytes.",
                fix_zh="请在配置文件中放宽 web_image_max_bytes。",
                fix_en="Raise web_image_max_bytes in the profile.",
            )
        image = fit(image, side)


def _encode_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _image_file(
    item: EvidenceItem, outcome: ImageOutcome, folder: Path, limits: Limits, rank: int,
    privacy: Privacy | None = None,
) -> BundleFile:
    assert outcome.path is not None
    size, digest, _fmt, (width, height) = _measure(outcome.path, decode=False)
    side_limit, byte_limit = limits.web_image_max_side, limits.web_image_max_bytes
    if size > byte_limit.value or max(width, height) > side_limit.value:
        raise _written_wrong(outcome.path.name, f"{width}×{height}, {size} bytes")
    checks = (_check("web_image_max_bytes", byte_limit, size, "bytes"),
              _check("web_image_max_side", side_limit, max(width, height), "pixels"))
    return BundleFile(
        f"{folder.name}/{outcome.path.name}", size, digest, outcome.media_type, checks,
        exhibit=item.id, original=mask(item.name, privacy) if privacy is not None else item.name,
        original_sha256=item.sha256, width=width,
        height=height, rank=rank, within_count=rank <= limits.web_image_max_count.value,
    )


# ---------------------------------------------------------------------------- bundle.json


def _write_manifest(
    out_dir: Path, ctx: RuleContext, draft: Draft, files: list[BundleFile], proof: ProofSummary,
    is_draft: bool = False,
) -> Path:
    limits = ctx.profile.limits
    images = [f for f in files if f.rank is not None]
    within = sum(1 for f in images if f.within_count)
    data = {
        "format": BUNDLE_FORMAT,
        "draft": is_draft,
        "case": ctx.case.case_id,
        "order_id": ctx.case.order_id,
        "refund_id": ctx.case.refund_id,
        "ground": draft.ground,
        "lang": draft.lang,
        "reason_variant": draft.variant,
        "profile": {"id": ctx.profile.profile.id, "version": ctx.profile.profile.version},
        "proof": proof.to_json(),
        "image_count": {**_check("web_image_max_count", limits.web_image_max_count, within,
                                 "images").to_json(), "written": len(images), "rule": COUNT_RULE},
        "files": [f.to_json() for f in files],
    }
    path = out_dir / "bundle.json"
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path.write_bytes(text.encode("utf-8"))
    return path
