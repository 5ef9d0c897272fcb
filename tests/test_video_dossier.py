"""An unboxing video through the whole pipeline (issue 13): add (detected by content), mark a
moment, check's video rules, the dossier page (facts, contact sheet, the marked frame large on
its own page), a still in the upload bundle."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from disputekit.cli.main import cli
from test_video import APPLE, CAMERA, make_video

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "returned-not-ours"
NOW = "2025-05-13T09:00:00+08:00"
UNBOXED = {**APPLE, "com.apple.quicktime.creationdate": "2025-05-12T16:05:00+0800"}


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["--lang", "en", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("video-case")
    case = root / "CASE"
    assert run("init", str(case), "--order-id", "4021876543210987654", "--refund-id", "20250508017",
               "--buyer", "b", "--seller", "s", "--amount", "399", "--requested-at",
               "2025-05-08 09:30", "--now", NOW).exit_code == 0
    shutil.copyfile(SAMPLE / "case.toml", case / "case.toml")
    video = make_video(root / "IMG_0042.MOV", seconds=6, size=(320, 192), meta=UNBOXED,
                       handler="Core Media Video", options=CAMERA)
    for args in (["chat.txt"], ["tracking.json", "--tag", "shipment"],
                 ["return_tracking.json", "--tag", "return"]):
        assert run("add", str(case), str(SAMPLE / args[0]), *args[1:], "--now", NOW).exit_code == 0
    added = run("add", str(case), str(video), "--tag", "returned_item", "--caption", "退货开箱视频",
                "--json", "--now", NOW)
    marked = run("mark", str(case), "E4", "--at", "00:04", "--now", NOW)
    checked = run("check", str(case), "--json", "--now", NOW)
    result = run("build", str(case), "--draft", "--json", "--now", NOW)
    assert result.exit_code == 0, result.output
    return {"case": case, "added": json.loads(added.output), "marked": marked.output,
            "check": json.loads(checked.output), "build": json.loads(result.output)}


def test_added_as_video_by_content(built: dict[str, Any]) -> None:
    assert built["added"] == [{"file": built["added"][0]["file"], "id": "E4", "kind": "video",
                               "status": "added"}]
    assert built["marked"] == "E4 marked frames: 00:04\n"


def test_timed_unboxing_video_passes_the_video_rules(built: dict[str, Any]) -> None:
    rules = {f["rule"] for f in built["check"]["findings"]}
    assert not {r for r in rules if r.startswith("video.")}


def test_dossier_has_the_contact_sheet_and_the_marked_frame(built: dict[str, Any]) -> None:
    reader = PdfReader(built["build"]["dossier"])
    pages = [page.extract_text() for page in reader.pages]
    video_pages = [i for i, text in enumerate(pages) if "E4 视频 · IMG_0042.MOV" in text]
    assert len(video_pages) == 1
    first = video_pages[0]
    assert "关键帧缩略图" in pages[first] and "2025-05-12 16:05:00 +0800" in pages[first]
    assert "标记画面 00:04" in pages[first + 1]
    with pikepdf.open(built["build"]["dossier"]) as pdf:
        def widths(n: int) -> list[int]:
            xobjects = pdf.pages[n].Resources.get("/XObject", {})
            return sorted(int(x.Width) for x in xobjects.values() if x.get("/Subtype") == "/Image")
        assert widths(first + 1) == [320]  # the marked frame, at its own size
        assert widths(first)[-1] > 320 * 2  # the sheet: three 320 px columns with gaps


def test_upload_bundle_offers_the_marked_frame(built: dict[str, Any]) -> None:
    bundle = json.loads((Path(built["build"]["upload"]) / "bundle.json").read_text("utf-8"))
    still = next(f for f in bundle["files"] if f.get("exhibit") == "E4")
    assert (still["media_type"], still["width"], still["height"]) == ("image/jpeg", 320, 192)
    assert still["path"].startswith("images/") and "E4_IMG_0042" in still["path"]


def test_a_large_video_is_never_embedded() -> None:
    """Embedding reads the file into memory: a video over the limit stays in objects/."""
    from disputekit.assemble.build import _attached
    from disputekit.collect.parse.limits import MAX_EMBEDDED_VIDEO_BYTES
    from rulekit import case, item, memory_case
    from test_rules_video import video

    small, large = item(1, video()), item(2, video())
    large = large.model_copy(update={"size": MAX_EMBEDDED_VIDEO_BYTES + 1})
    chosen = _attached(memory_case(case(), [small, large]), None)  # None: the archive's "all"
    assert chosen == {"E1"}
