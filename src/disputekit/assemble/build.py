"""Assemble stage: dossier PDF + upload bundle, written to a work folder, verified, then moved.

Reads like a table of contents: check → draft → prepare images → render → post-process →
verify → upload bundle → move into place.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from disputekit.assemble.pdf import exhibits, sections
from disputekit.assemble.pdf.dossier_data import DossierData
from disputekit.assemble.pdf.fonts import FontSet
from disputekit.assemble.pdf.furniture import furniture_texts, make_furniture
from disputekit.assemble.pdf.images import (
    PHOTO_SIDE,
    SCREENSHOT_SIDE,
    Cover,
    expected_size,
    images_in_background,
)
from disputekit.assemble.pdf.labels import all_label_texts, t
from disputekit.assemble.pdf.layout import (
    FOOTER_H,
    HEADER_H,
    MARGIN,
    PAGE_H,
    PAGE_W,
    NumberedCanvas,
)
from disputekit.assemble.pdf.pdf_post import Attachment, finish_pdf, manifest_attachment, pdf_date
from disputekit.assemble.pdf.story import Collector, Writer
from disputekit.assemble.pdf.verify_pdf import verify_dossier
from disputekit.assemble.renditions import SUFFIX as RENDITION_SUFFIX
from disputekit.assemble.renditions import digests, masked_renditions
from disputekit.assemble.timeline import build_timeline
from disputekit.assemble.video_images import VideoStills, prepare_video_stills
from disputekit.case import Case, open_case
from disputekit.collect.case_integrity import assert_intact
from disputekit.collect.parse.limits import MAX_EMBEDDED_VIDEO_BYTES
from disputekit.draft.reason import Draft, draft_reason
from disputekit.errors import BlockingFindings, VerificationFailed
from disputekit.kinds import IMAGE_KINDS
from disputekit.manifest import build_manifest, dossier_id, state_document
from disputekit.models.build import BuildOptions, BuildResult
from disputekit.privacy.regions import exhibit_boxes, upright_size
from disputekit.profiles.load import load_profile
from disputekit.profiles.model import Privacy
from disputekit.review.decisions import decisions, sign_off
from disputekit.review.snapshots import StateDiff, diff_states, load_snapshot
from disputekit.store.atomic import fsync_dir
from disputekit.store.hashing import sha256_file
from disputekit.store.lock import case_lock
from disputekit.validate.check import NOT_FOR_ARCHIVE, check_case, context_for
from disputekit.validate.facts import established_facts
from disputekit.validate.rules.context import RuleContext

if TYPE_CHECKING:
    from disputekit.assemble.upload.bundle import ImageOutcome, ImageTask

BUDGETED = (*IMAGE_KINDS, "video")  # attached while they fit the attachment budget


def _attached(case: Case, budget: int | None) -> set[str]:
    """Chat, tracking and PDF originals always; photos and videos while they fit the budget
    (None = all; videos over limits.MAX_EMBEDDED_VIDEO_BYTES never).

    The working dossier must stay small enough to send around; the archive dossier (PDF/A)
    attaches everything. Originals not attached stay in the case's object store, hashed.
    """
    chosen, total = set(), 0
    for item in sorted(case.evidence.items, key=lambda i: (i.kind in BUDGETED, i.size)):
        photo = item.kind in BUDGETED
        if item.kind == "video" and item.size > MAX_EMBEDDED_VIDEO_BYTES:
            continue  # kept in the object store (and the archive's objects/), hashed
        if budget is None or not photo or total + item.size <= budget:
            chosen.add(item.id)
            total += item.size if photo else 0
    return chosen


def _story(w: Writer, data: DossierData, slots: list[tuple[int, str, int]],
           images: list[exhibits.ImagePlacement]) -> list[object]:
    return [*sections.front_matter(w, data), *exhibits.exhibit_story(w, data, slots, images)]


@dataclass(frozen=True)
class Rendered:
    """The reportlab pass's output and what the qpdf pass fills in."""

    path: Path
    slots: list[tuple[int, str, int]]
    images: list[exhibits.ImagePlacement]


def render_pdf(data: DossierData, path: Path) -> tuple[list[tuple[int, str, int]], list[exhibits.ImagePlacement]]:
    """Render the reportlab part; returns the evidence-PDF page slots and the image boxes
    that the qpdf pass fills. Every string is masked on its way to the page (``Writer``);
    English breaks lines between words, Chinese anywhere."""
    collector = Collector(data.mask)
    _story(collector, data, [], [])
    fonts = FontSet()
    fonts.prepare([*collector.texts, *all_label_texts(),
                   *furniture_texts(data.case.case_id, data.dossier_id, data.lang)])
    slots: list[tuple[int, str, int]] = []
    images: list[exhibits.ImagePlacement] = []
    rl_config.useA85 = 0
    with fonts.as_default():
        writer = Writer(fonts, data.mask, word_wrap="CJK" if data.lang == "zh" else "LTR")
        story = _story(writer, data, slots, images)
        doc = BaseDocTemplate(
            str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1,
            leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + HEADER_H,
            bottomMargin=MARGIN + FOOTER_H, title=data.case.case_id,
        )
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="main")
        doc.addPageTemplates([PageTemplate("page", frames=[frame])])
        canvas_class = type("DossierCanvas", (NumberedCanvas,), {
            "furniture": staticmethod(make_furniture(
                fonts, case_id=data.case.case_id, dossier_id=data.dossier_id, lang=data.lang,
                draft=data.is_draft)),
        })
        doc.build(story, canvasmaker=canvas_class)
    return slots, images


def _image_sizes(case: Case, jobs: list[tuple[str, Path, Path, int]]) -> dict[str, tuple[int, int]]:
    facts = {i.id: i.facts for i in case.evidence.items}
    return {
        ex: expected_size(int(facts[ex]["width"]), int(facts[ex]["height"]),
                          int(facts[ex].get("orientation") or 0), side)
        for ex, _, _, side in jobs
    }


def _image_jobs(case: Case, work: Path) -> list[tuple[str, Path, Path, int]]:
    return [
        (i.id, case.store.path_for(i.sha256), work / f"{i.id}.jpg",
         PHOTO_SIDE if i.kind == "photo" else SCREENSHOT_SIDE)
        for i in case.evidence.items if i.kind in IMAGE_KINDS
    ]


Progress = Callable[[str, str], None]


def _video_stills(case: Case, work: Path, progress: Progress) -> VideoStills:
    """Contact sheets and marked frames of the video exhibits (decoded before layout)."""
    videos = case.evidence.of_kind("video")
    if not videos:
        return VideoStills()
    progress(f"读取 {len(videos)} 段视频的画面…", f"Reading frames of {len(videos)} video(s)…")
    sources = {i.id: case.store.path_for(i.sha256) for i in videos}
    return prepare_video_stills(videos, sources, work)


BUILD_PREFIX = ".dk-build-"


def _swept(out_dir: Path) -> Path:
    _sweep_stale_work(out_dir)
    return out_dir


def _sweep_stale_work(out_dir: Path) -> None:
    """Remove work folders of builds that were killed; the caller holds the output lock, so
    no live build owns any of them."""
    for stale in out_dir.glob(BUILD_PREFIX + "*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def _quiet(_zh: str, _en: str) -> None:
    return None


def verify_objects(case: Case) -> None:
    """Every original must still hash to its exhibit's SHA-256 before anything is built."""
    bad = [item.id for item in case.evidence.items if not case.store.verify(item.sha256)]
    if bad:
        ids = ", ".join(bad)
        raise VerificationFailed(
            f"证据 {ids} 的原始文件已缺失或被改动（SHA-256 不符），不能生成证据包。",
            f"The original of {ids} is missing or changed on disk (SHA-256 mismatch); no dossier was built.",
            fix_zh="运行 disputekit verify CASE 查看详情，从备份恢复原件。",
            fix_en="Run `disputekit verify CASE` for details and restore the original from a backup.",
        )


def build_dossier(case_dir: Path, options: BuildOptions, progress: Progress = _quiet) -> BuildResult:
    """Both editions from one layout — ``dossier.pdf`` (the lead's review edition) and
    ``submission.pdf`` (the platform's) — and the upload bundle, all in one language.

    The archive (``options.pdfa``) makes the review edition only, with every original attached.
    A draft's bundle goes to ``out/draft/``, never ``out/upload/``.
    """
    case = open_case(case_dir)
    progress("检查证据…", "Checking the evidence…")
    verify_objects(case)
    assert_intact(case.paths, "生成证据包", "build a dossier", lock=True)  # facts as add parsed
    if options.upload and not options.draft and not options.pdfa:
        from disputekit.review.decisions import approval_required, assert_fresh_approval

        if approval_required(case.paths.root):  # shop setting: no upload bundle without it
            assert_fresh_approval(case)
    profile = load_profile(case.facts.platform, options.profile_path)
    ctx = context_for(case, profile, options.now, options.ground)
    report = check_case(case, now=options.now, ground=options.ground, profile_path=options.profile_path,
                        context=ctx)
    ignored = NOT_FOR_ARCHIVE if options.pdfa else frozenset()
    blocking = [f.message() for f in report.findings if f.severity == "blocking" and f.rule not in ignored]
    if blocking and not options.draft:
        raise BlockingFindings(
            "还有阻断问题，不能生成正式证据包：\n- " + "\n- ".join(blocking),
            "Blocking findings remain; no final dossier:\n- " + "\n- ".join(blocking),
            fix_zh="先解决这些问题（disputekit check），或加 --draft 生成草稿。",
            fix_en="Fix them (see `disputekit check`), or pass --draft for a draft.",
        )
    lang = options.lang or case.facts.lang
    draft: Draft | None = draft_reason(ctx, lang) if ctx.ground else None
    manifest = build_manifest(case, profile_id=profile.profile.id, profile_version=profile.profile.version,
                              generated_at=options.now.isoformat())
    did = dossier_id(manifest)
    out_dir = options.out_dir or case.paths.out
    out_dir.mkdir(parents=True, exist_ok=True)
    with case_lock(case.paths.meta, lock_name="build.lock"), \
            tempfile.TemporaryDirectory(prefix=BUILD_PREFIX, dir=_swept(out_dir)) as tmp:
        work = Path(tmp)
        jobs = _image_jobs(case, work)
        progress(f"准备 {len(jobs)} 张图片…", f"Preparing {len(jobs)} images…")
        attached = _chosen_originals(case, options, profile.privacy.attach_originals.value)
        renditions = {} if options.pdfa else masked_renditions(ctx)
        manifest["attached"] = sorted(attached, key=lambda x: int(x[1:]))
        if renditions:
            manifest["renditions"] = digests(renditions)
        stills = _video_stills(case, work, progress)
        data = DossierData(
            case=case, ctx=ctx, report=report, draft=draft, timeline=build_timeline(ctx), lang=lang,
            dossier_id=did, generated_at=options.now, preparer=options.preparer or case.facts.agent or "—",
            is_draft=options.draft, images={**{ex: dest for ex, _, dest, _ in jobs}, **stills.images},
            image_sizes={**_image_sizes(case, jobs), **stills.sizes},
            pdf_pages={i.id: int(i.facts.get("pages", 0)) for i in case.evidence.items if i.kind == "document"},
            reviews=decisions(case), sign_off=sign_off(case), attached=attached, changes=_changes(case),
            established=established_facts(ctx),
            renditions={name.removesuffix(RENDITION_SUFFIX) for name in renditions},
        )
        progress("排版 PDF…", "Laying out the PDF…")
        web = _web_tasks(case, ctx, work, options) if options.upload and draft is not None else {}
        with images_in_background(jobs, jobs=options.jobs, covers=_covers(case, profile.privacy),
                                  web=web, cache=_image_cache(out_dir)) as wait:
            rendered = _render(data, work / "review.pdf")  # layout needs the image sizes only
            web_images = wait()
        final = _finish(case, data, rendered, work / "dossier.pdf", [
            manifest_attachment(manifest),
            *[Attachment(name, content) for name, content in renditions.items()],
            *[Attachment(f"{i.id}_{data.mask(i.name)}", case.store.path_for(i.sha256))
              for i in case.evidence.items if i.id in attached]], options)
        progress("校验证据包…", "Verifying the dossier…")
        pages = verify_dossier(final, manifest, case)
        submission = None
        if not options.pdfa:
            progress("生成提交版…", "Making the submission edition…")
            sub = replace(data, edition="submission", attached=set(), renditions=set())
            submission = _finish(case, sub, _render(sub, work / "sub.pdf"), work / "submission.pdf", [], options)
            verify_dossier(submission, None, case)
        upload_dir = None
        if options.upload and draft is not None:
            progress("生成上传包…", "Making the upload bundle…")
            upload_dir = _build_upload(case, ctx, draft, work / "upload", options, out_dir, web_images)
        target = out_dir / "dossier.pdf"
        final.replace(target)
        sub_target = None
        if submission is not None:
            sub_target = out_dir / "submission.pdf"
            submission.replace(sub_target)
        fsync_dir(out_dir)
    digest = sha256_file(target)[0]
    return BuildResult(dossier=target, upload=upload_dir, pages=pages, sha256=digest,
                       manifest=manifest, dossier_id=did, submission=sub_target,
                       excerpts=_excerpts(data))


def _excerpts(data: DossierData) -> dict[str, dict[str, int]]:
    """Chats the dossier shows only in part: ``{"E1": {"messages": …, "shown": …}}``."""
    return {ex: {"messages": value.total, "shown": len(value.shown)}
            for ex, value in sorted(data.excerpts.items(), key=lambda kv: int(kv[0][1:]))
            if not value.whole}


def _image_cache(out_dir: Path) -> Path | None:
    """``out/.cache/images`` (``assemble/pdf/image_cache.py``); none where a link was planted."""
    folder = out_dir / ".cache" / "images"
    if (out_dir / ".cache").is_symlink() or folder.is_symlink():
        return None
    return folder


def _chosen_originals(case: Case, options: BuildOptions, attach_originals: bool) -> set[str]:
    """Originals attached to the review edition: all for the archive, those that fit the budget
    where the shop's profile says so, else none (hashes and masked renditions only)."""
    if options.pdfa:
        return _attached(case, None)
    return _attached(case, options.attach_budget) if attach_originals else set()


def _covers(case: Case, privacy: Privacy) -> dict[str, Cover]:
    """Exhibit id → personal-data boxes (from its OCR lines) to paint over on the page image."""
    out: dict[str, Cover] = {}
    for item in case.evidence.items:
        if item.kind in IMAGE_KINDS:
            boxes = exhibit_boxes(item.facts, privacy)
            if boxes:
                out[item.id] = (boxes, upright_size(item.facts))
    return out


def _changes(case: Case) -> StateDiff | None:
    """What changed since the state the last decision saw (None: no decision, or no snapshot)."""
    history = decisions(case)
    if not history:
        return None
    before = load_snapshot(case.paths, history[-1].state_hash)
    return diff_states(before, state_document(case)) if before is not None else None


def _render(data: DossierData, path: Path) -> Rendered:
    slots, images = render_pdf(data, path)
    return Rendered(path, slots, images)


def _finish(case: Case, data: DossierData, rendered: Rendered, out: Path, attachments: list[Attachment],
            options: BuildOptions) -> Path:
    finish_pdf(
        rendered.path, out, slots=rendered.slots, images=rendered.images,
        sources={i.id: case.store.path_for(i.sha256) for i in case.evidence.items if i.kind == "document"},
        attachments=attachments, metadata=_metadata(case, data, data.dossier_id),
        identity=data.dossier_id + data.lang + str(options.draft) + data.edition,
        lang=data.lang, privacy=data.ctx.profile.privacy,
    )
    return out


def _metadata(case: Case, data: DossierData, did: str) -> dict[str, str]:
    """Document info (the archive's XMP is made from it), masked like every page."""
    c = case.facts
    stamp = pdf_date(data.generated_at)
    title = t("title_submission" if data.submission else "title_review", data.lang)
    return {key: data.mask(value) for key, value in {
        "/Title": f"{title} {case.case_id}" + (" DRAFT" if data.is_draft else ""),
        "/Subject": f"order {c.order_id} refund {c.refund_id} ground {c.ground or '-'}",
        "/Keywords": f"disputekit, {c.platform}, {c.order_id}, {c.refund_id}, {did}",
        "/Author": data.preparer,
        "/Creator": "disputekit",
        "/Producer": "disputekit (reportlab, pypdf)",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }.items()}


def _web_tasks(case: Case, ctx: RuleContext, work: Path, options: BuildOptions) -> dict[str, ImageTask]:
    """The upload bundle's image tasks, run by the dossier's image workers: each image is decoded
    once for both (``images.prepare_one``)."""
    from disputekit.assemble.upload.bundle import image_tasks

    folder = work / "web-images"
    folder.mkdir()
    return {item.id: task for item, task in image_tasks(ctx, case, folder, options.draft)}


def _build_upload(case: Case, ctx: RuleContext, draft: Draft, work_upload: Path, options: BuildOptions,
                  out_dir: Path, web_images: Mapping[str, ImageOutcome] | None = None) -> Path:
    """The bundle for the refund page: the submission's reason, message and masked images;
    a draft's goes to ``out/draft/`` and says DRAFT in every file."""
    from disputekit.assemble.upload.bundle import build_upload_bundle

    build_upload_bundle(ctx, draft, case, work_upload, jobs=options.jobs, is_draft=options.draft,
                        prepared=web_images)
    target = out_dir / ("draft" if options.draft else "upload")
    old = out_dir / f".{target.name}-old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.replace(old)
    work_upload.replace(target)
    if old.exists():
        shutil.rmtree(old)
    return target
