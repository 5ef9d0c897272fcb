"""Keep FFmpeg (via PyAV) off the terminal: its log lines are captured and become warnings.

PyAV drops FFmpeg's logs by default, but then errors lose their detail. Inside
:func:`captured` the logs of every thread (decoders run worker threads) are collected in a
list instead; outside it nothing reaches the terminal: the ``libav`` logger gets a
NullHandler and does not propagate, so Python's last-resort handler never prints them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import av
import av.logging

_lock = threading.RLock()
_logger = logging.getLogger("libav")
_logger.addHandler(logging.NullHandler())
_logger.propagate = False

MAX_WARNINGS = 5
"""Distinct FFmpeg complaints kept per file; a damaged stream repeats one thousands of times."""


@contextmanager
def captured() -> Iterator[list[tuple[int, str, str]]]:
    """Collect FFmpeg's log lines (level, component, message) at WARNING or worse."""
    with _lock:
        previous = av.logging.get_level()
        av.logging.set_level(av.logging.WARNING)
        try:
            with av.logging.Capture(local=False) as logs:
                yield logs
        finally:
            av.logging.set_level(previous)


def complaints(logs: list[tuple[int, str, str]], *, level: int = av.logging.ERROR) -> list[str]:
    """Distinct messages at ``level`` or worse, as bilingual warnings, at most MAX_WARNINGS."""
    seen: list[str] = []
    for lib_level, name, message in logs:
        text = message.strip()
        if lib_level > level or not text:
            continue
        component = name.split(",")[0]  # "mov,mp4,m4a,3gp,3g2,mj2" → "mov"
        line = f"{component}: {text}" if component else text
        if line not in seen:
            seen.append(line)
    return [
        f"视频解码器报告问题 / The video decoder reported: {line}" for line in seen[:MAX_WARNINGS]
    ]
