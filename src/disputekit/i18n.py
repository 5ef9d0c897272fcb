"""The user's language: ``zh`` or ``en``, from --lang, DISPUTEKIT_LANG or the locale."""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["zh", "en"]

_override: Lang | None = None


def set_lang(lang: Lang | None) -> None:
    """Fix the language for this process (the CLI's --lang)."""
    global _override
    _override = lang


def lang_from_env(env: dict[str, str] | None = None) -> Lang:
    """zh for a Chinese locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else en."""
    env = dict(os.environ) if env is None else env
    explicit = env.get("DISPUTEKIT_LANG", "").lower()
    if explicit in ("zh", "en"):
        return explicit  # type: ignore[return-value]
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def current_lang() -> Lang:
    return _override or lang_from_env()


def pick(zh: str, en: str, lang: str | None = None) -> str:
    """Return the text for the current (or given) language."""
    return zh if (lang or current_lang()) == "zh" else en

