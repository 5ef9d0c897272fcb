"""Load a shipped platform profile, optionally overridden by a shop's own TOML file."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from disputekit.errors import ProfileError
from disputekit.profiles.model import Profile


@functools.cache
def shipped_platforms() -> tuple[str, ...]:
    """The platforms this installation knows: one profile file each (``profiles/<id>.toml``).

    Adding a platform is adding its file; a file whose name starts with ``_`` is a fragment
    that others may ``extends``, not a platform.
    """
    folder = resources.files("disputekit.profiles")
    names = (entry.name for entry in folder.iterdir() if entry.name.endswith(".toml"))
    return tuple(sorted(name[:-5] for name in names if not name.startswith("_")))


@functools.cache
def ground_ids() -> tuple[str, ...]:
    """Every refusal ground any shipped profile defines, in the order the files list them.

    Read from the TOML directly (no validation): ``case.toml`` is checked against this list
    by commands that never need a whole profile.
    """
    found: dict[str, None] = {}
    for platform in shipped_platforms():
        found.update(dict.fromkeys(_read_shipped(platform).get("grounds", {})))
    return tuple(found)


def _read_shipped(name: str) -> dict[str, Any]:
    text = resources.files("disputekit.profiles").joinpath(f"{name}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    parent = data.pop("extends", None)
    return deep_merge(_read_shipped(parent), data) if parent else data


def _is_fact(table: dict[str, Any]) -> bool:
    """A sourced fact ({value|amount, source, confidence}) is replaced whole, never merged,
    so an override cannot inherit the platform's source for its own value."""
    return "value" in table or "amount" in table


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; facts and any other value in ``override`` replace the base."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not _is_fact(value):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line of ``loc`` in a TOML text: the first line, after the line naming the
    outer keys (table header or key), that names the innermost key."""
    keys = [str(part) for part in loc if isinstance(part, str)]
    lines = text.splitlines()
    start, found = 0, None
    for key in keys:
        pattern = re.compile(rf"(^|[\s\[.{{,]){re.escape(key)}(\s*=|\s*\]|\.)")
        for number in range(start, len(lines)):
            if pattern.search(lines[number]):
                start, found = number, number + 1
                break
    return found


def _describe(error: ValidationError, path: Path | None, text: str) -> str:
    lines = []
    for problem in error.errors():
        loc = tuple(problem["loc"])
        key = ".".join(str(p) for p in loc)
        line = _line_of(text, loc) if text else None
        where = f"{path or '(built-in profile)'}" + (f":{line}" if line else "")
        msg = "unknown key" if problem["type"] == "extra_forbidden" else problem["msg"]
        lines.append(f"{where}: {key} → {msg}")
    return "\n".join(lines)


def load_profile(platform: str, override: Path | None = None) -> Profile:
    """The profile for ``platform`` (one of :func:`shipped_platforms`), with a shop's file merged on top.

    Profiles are immutable, so each (platform, override file state) is loaded once per
    process: the daily queue checks hundreds of cases.
    """
    stamp = None
    if override is not None and override.is_file():
        info = override.stat()
        stamp = (str(override.resolve()), info.st_mtime_ns, info.st_size)
    return _load_cached(platform, override, stamp)


@functools.lru_cache(maxsize=16)
def _load_cached(platform: str, override: Path | None, stamp: tuple[str, int, int] | None) -> Profile:
    known = shipped_platforms()
    if platform not in known:
        raise ProfileError(
            f"没有平台 {platform!r} 的规则配置。", f"No profile for platform {platform!r}.",
            fix_zh=f"可选：{', '.join(known)}。", fix_en=f"Choose one of: {', '.join(known)}.",
        )
    data = _read_shipped(platform)
    text = ""
    if override is not None:
        text = _read_override_text(override)
        try:
            extra = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(
                f"{override} 无法解析：{exc}", f"{override} cannot be parsed: {exc}",
            ) from None
        data = deep_merge(data, extra)
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        detail = _describe(exc, override, text)
        raise ProfileError(
            f"规则配置有误：\n{detail}", f"The profile is invalid:\n{detail}",
            fix_zh="请修改上面列出的键（每个数值都需要 source 和 confidence）。",
            fix_en="Fix the keys listed above (every value needs a source and a confidence).",
        ) from None


def _read_override_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            f"无法读取规则配置文件 {path}:{exc}", f"Cannot read the profile file {path}: {exc}",
        ) from None
