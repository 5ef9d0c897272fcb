"""Assemble stage: dossier PDF + upload bundle, written to a work folder, verified, then moved.

Reads like a table of contents: check → draft → prepare images → render → post-process →
verify → upload bundle → move into place.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from reportlab import rl_config
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from disputekit.assemble.pdf import exhibits, sections
from disputekit.assemble.pdf.dossier_data import DossierData
from disputekit.assemble.pdf.fonts import FontSet
from disputekit.assemble.pdf.furniture import furniture_texts, make_furniture
from disputekit.assemble.pdf.images import (
    PHOTO_SIDE,
    SCREENSHOT_SIDE,
    expected_size,
    images_in_background,
)
from disputekit.assemble.pdf.labels import all_label_texts
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
from disputekit.assemble.timeline import build_timeline
from disputekit.assemble.video_images import VideoStills, prepare_video_stills
from disputekit.case import Case, open_case
from disputekit.draft.reason import Draft, draft_reason
from disputekit.errors import BlockingFindings, VerificationFailed
from disputekit.kinds import IMAGE_KINDS
from disputekit.manifest import build_manifest, dossier_id
from disputekit.models.build import BuildOptions, BuildResult
from disputekit.profiles.load import load_profile
from disputekit.review.decisions import decisions, sign_off
from disputekit.store.atomic import fsync_dir
from disputekit.store.hashing import sha256_file
from disputekit.store.lock import case_lock
from disputekit.validate.check import NOT_FOR_ARCHIVE, check_case, context_for

BUDGETED = (*IMAGE_KINDS, "video")  # attached while they fit the attachment budget
MAX_ATTACHED_VIDEO = 256 * 1024 * 1024
"""A video larger than this is never embedded in a PDF (embedding reads it into memory)."""


def _attached(case: Case, budget: int | None) -> set[str]:
    """Chat, tracking and PDF originals always; photos and videos while they fit the budget
    (None = all; videos over MAX_ATTACHED_VIDEO never).

    The working dossier must stay small enough to send around; the archive dossier (PDF/A)
    attaches everything. Originals not attached stay in the case's object store, hashed.
    """
    chosen, total = set(), 0
    for item in sorted(case.evidence.items, key=lambda i: (i.kind in BUDGETED, i.size)):
        photo = item.kind in BUDGETED
        if item.kind == "video" and item.size > MAX_ATTACHED_VIDEO:
            continue  # kept in the object store (and the archive's objects/), hashed
        if budget is None or not photo or total + item.size <= budget:
            chosen.add(item.id)
            total += item.size if photo else 0
    return chosen


def _story(w: Writer, data: DossierData, slots: list[tuple[int, str, int]],
           images: list[exhibits.ImagePlacement]) -> list[object]:
    return [*sections.front_matter(w, data), *exhibits.exhibit_story(w, data, slots, images)]


def render_pdf(data: DossierData, path: Path) -> tuple[list[tuple[int, str, int]], list[exhibits.ImagePlacement]]:
    """Render the reportlab part; returns the evidence-PDF page slots and the image boxes
    that the qpdf pass fills."""
    collector = Collector()
    _story(collector, data, [], [])
    fonts = FontSet()
    fonts.prepare([*collector.texts, *all_label_texts(),
                   *furniture_texts(data.case.case_id, data.dossier_id, data.lang)])
    slots: list[tuple[int, str, int]] = []
    images: list[exhibits.ImagePlacement] = []
    rl_config.useA85 = 0
    with fonts.as_default():
        writer = Writer(fonts)
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
    case = open_case(case_dir)
    progress("检查证据…", "Checking the evidence…")
    verify_objects(case)
    if options.upload and not options.draft and not options.pdfa:
        from disputekit.review.decisions import approval_required, assert_fresh_approval

        if approval_required(case.paths.root):  # shop setting: no upload bundle without it
            assert_fresh_approval(case)
    report = check_case(case, now=options.now, ground=options.ground, profile_path=options.profile_path)
    ignored = NOT_FOR_ARCHIVE if options.pdfa else frozenset()
    blocking = [f.message() for f in report.findings if f.severity == "blocking" and f.rule not in ignored]
    if blocking and not options.draft:
        raise BlockingFindings(
            "还有阻断问题，不能生成正式证据包：\n- " + "\n- ".join(blocking),
            "Blocking findings remain; no final dossier:\n- " + "\n- ".join(blocking),
            fix_zh="先解决这些问题（disputekit check），或加 --draft 生成草稿。",
            fix_en="Fix them (see `disputekit check`), or pass --draft for a draft.",
        )
    profile = load_profile(case.facts.platform, options.profile_path)
    ctx = context_for(case, profile, options.now, options.ground)
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
        stills = _video_stills(case, work, progress)
        images = {**{ex: dest for ex, _, dest, _ in jobs}, **stills.images}
        sizes = {**_image_sizes(case, jobs), **stills.sizes}
        if options.pdfa:
            attached = _attached(case, None)
        elif profile.privacy.attach_originals.value:
            attached = _attached(case, options.attach_budget)
        else:  # shop setting: the working dossier carries hashes only, no personal data
            attached = set()
        manifest["attached"] = sorted(attached, key=lambda x: int(x[1:]))
        data = DossierData(
            case=case, ctx=ctx, report=report, draft=draft, timeline=build_timeline(ctx), lang=lang,
            dossier_id=did, generated_at=options.now, preparer=options.preparer or case.facts.agent or "—",
            is_draft=options.draft, images=images, image_sizes=sizes,
            pdf_pages={i.id: int(i.facts.get("pages", 0)) for i in case.evidence.items if i.kind == "document"},
            reviews=decisions(case), sign_off=sign_off(case), attached=attached,
        )
        rendered = work / "rendered.pdf"
        progress("排版 PDF…", "Laying out the PDF…")
        with images_in_background(jobs, jobs=options.jobs) as wait_for_images:
            slots, images_placed = render_pdf(data, rendered)  # needs sizes only
            wait_for_images()
        final = work / "dossier.pdf"
        finish_pdf(
            rendered, final, slots=slots, images=images_placed,
            sources={i.id: case.store.path_for(i.sha256) for i in case.evidence.items if i.kind == "document"},
            attachments=[manifest_attachment(manifest), *[
                Attachment(f"{i.id}_{i.name}", case.store.path_for(i.sha256))
                for i in case.evidence.items if i.id in attached]],
            metadata=_metadata(case, data, did),
            identity=did + lang + str(options.draft),
        )
        progress("校验证据包…", "Verifying the dossier…")
        pages = verify_dossier(final, manifest, case)
        upload_dir = None
        if options.upload and draft is not None:
            progress("生成上传包…", "Making the upload bundle…")
            upload_dir = _build_upload(case, ctx, draft, work / "upload", options, out_dir)
        target = out_dir / ("dossier.pdf" if lang == case.facts.lang or options.out_dir else f"dossier.{lang}.pdf")
        final.replace(target)
        fsync_dir(out_dir)
    digest = sha256_file(target)[0]
    return BuildResult(dossier=target, upload=upload_dir, pages=pages, sha256=digest,
                       manifest=manifest, dossier_id=did)


def _metadata(case: Case, data: DossierData, did: str) -> dict[str, str]:
    c = case.facts
    stamp = pdf_date(data.generated_at)
    return {
        "/Title": f"{'退款纠纷证据包' if data.lang == 'zh' else 'Refund dispute dossier'} {case.case_id}",
        "/Subject": f"order {c.order_id} refund {c.refund_id} ground {c.ground or '-'}",
        "/Keywords": f"disputekit, {c.platform}, {c.order_id}, {c.refund_id}, {did}",
        "/Author": data.preparer,
        "/Creator": "disputekit",
        "/Producer": "disputekit (reportlab, pypdf)",
        "/CreationDate": stamp,
        "/ModDate": stamp,
    }


def _build_upload(case: Case, ctx: object, draft: Draft, work_upload: Path, options: BuildOptions,
                  out_dir: Path) -> Path:
    from disputekit.assemble.upload.bundle import build_upload_bundle

    build_upload_bundle(ctx, draft, case, work_upload, jobs=options.jobs)  # type: ignore[arg-type]
    target = out_dir / "upload"
    old = out_dir / ".upload-old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.replace(old)
    work_upload.replace(target)
    if old.exists():
        shutil.rmtree(old)
    return target
