"""The upload bundle is sealed only as ``build`` wrote it: ``out/upload`` must be a real folder
holding exactly the files its ``bundle.json`` lists, each with the listed size and SHA-256 (a
symlink to ``~/.ssh``, a planted ``.exe`` or an edited reason.txt is refused, never sealed)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from disputekit.errors import VerificationFailed

BUNDLE_JSON = "bundle.json"
Copy = Callable[[Path, str], dict[str, Any]]


def _refused(upload: Path, zh: str, en: str) -> VerificationFailed:
    return VerificationFailed(
        f"{upload} 不是 build 生成的上传包：{zh}，不能归档。",
        f"{upload} is not the upload bundle `build` wrote: {en}; nothing was archived.",
        fix_zh="用 disputekit build 重新生成，或删除 out/upload 后再归档。",
        fix_en="Rebuild it with `disputekit build`, or delete out/upload, then archive.",
    )


def _listing(upload: Path, case_id: str) -> dict[str, dict[str, Any]]:
    path = upload / BUNDLE_JSON
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        data = json.loads(path.read_bytes())
        files = {str(f["path"]): f for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _refused(upload, f"{BUNDLE_JSON} 无法读取（{exc}）",
                       f"{BUNDLE_JSON} cannot be read ({exc})") from None
    if data.get("case") != case_id or data.get("draft") is not False:
        raise _refused(upload, f"{BUNDLE_JSON} 属于另一案件或是草稿",
                       f"{BUNDLE_JSON} is for another case or a draft")
    for rel in files:
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or rel in ("", BUNDLE_JSON):
            raise _refused(upload, f"清单中有不合法的路径 {rel!r}", f"it lists a bad path {rel!r}")
    return files


def _on_disk(upload: Path) -> list[str]:
    found = []
    for current, dirs, names in os.walk(upload):
        for name in [*dirs, *names]:
            path = Path(current, name)
            rel = path.relative_to(upload).as_posix()
            if path.is_symlink():
                raise _refused(upload, f"{rel} 是符号链接", f"{rel} is a symbolic link")
            if name in names and not path.is_file():
                raise _refused(upload, f"{rel} 不是普通文件", f"{rel} is not a regular file")
            if name in names:
                found.append(rel)
    return sorted(found)


def stage_upload(upload: Path, case_id: str, copy: Copy) -> dict[str, dict[str, Any]]:
    """Copy the bundle with ``copy(source, rel) -> {sha256, size}``; refuse anything that is
    not exactly what bundle.json lists. ``{}`` when there is no bundle."""
    if not upload.exists() and not upload.is_symlink():
        return {}
    if upload.is_symlink() or not upload.is_dir():
        raise _refused(upload, "它是符号链接或不是文件夹", "it is a symbolic link or not a folder")
    listed = _listing(upload, case_id)
    present = _on_disk(upload)
    extra = sorted(set(present) - set(listed) - {BUNDLE_JSON})
    missing = sorted(set(listed) - set(present))
    if extra or missing:
        what = ", ".join([*(f"+{r}" for r in extra), *(f"-{r}" for r in missing)])
        raise _refused(upload, f"文件与 {BUNDLE_JSON} 不符（{what}）",
                       f"its files differ from {BUNDLE_JSON} ({what})")
    out = {"upload/" + BUNDLE_JSON: copy(upload / BUNDLE_JSON, "upload/" + BUNDLE_JSON)}
    for rel, want in sorted(listed.items()):
        got = copy(upload / rel, "upload/" + rel)
        if (got["sha256"], got["size"]) != (want.get("sha256"), want.get("bytes")):
            raise _refused(upload, f"{rel} 在生成后被改动", f"{rel} changed after it was built")
        out["upload/" + rel] = got
    return out
