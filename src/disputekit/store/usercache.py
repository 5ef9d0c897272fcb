"""The per-user cache folder: derived data that is safe to delete at any time.

``DISPUTEKIT_CACHE_DIR`` wins (tests point it at a temporary folder; an empty value turns
caching off); else ``$XDG_CACHE_HOME/disputekit``; else ``~/.cache/disputekit``.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_CACHE_DIR = "DISPUTEKIT_CACHE_DIR"


def user_cache_dir(env: dict[str, str] | None = None) -> Path | None:
    """The cache folder (not created here), or None when caching is switched off."""
    env = dict(os.environ) if env is None else env
    if ENV_CACHE_DIR in env:
        value = env[ENV_CACHE_DIR].strip()
        return Path(value).expanduser() if value else None
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG spec: relative values are ignored
        return Path(xdg) / "disputekit"
    return Path.home() / ".cache" / "disputekit"
