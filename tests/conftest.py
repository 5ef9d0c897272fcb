"""Shared fixtures. Tests run in English unless they ask for Chinese."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from disputekit.i18n import set_lang

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The glyph cache of this test session, not the user's (~/.cache/disputekit)."""
    previous = os.environ.get("DISPUTEKIT_CACHE_DIR")
    os.environ["DISPUTEKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        del os.environ["DISPUTEKIT_CACHE_DIR"]
    else:
        os.environ["DISPUTEKIT_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DISPUTEKIT_LANG", "en")
    monkeypatch.setenv("DISPUTEKIT_USER", "tester")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    set_lang(None)
    yield
    set_lang(None)


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` with its bytes: to prove a failed command changed nothing."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != "lock"
    } | {"__dirs__": "\n".join(sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())).encode()}


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS

