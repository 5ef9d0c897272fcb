"""Readers of screenshots: OCR lines → a tracking record, chat messages or a refund's facts.

Pure functions over ``OcrLine`` lists (no OCR here; see ``disputekit.collect.ocr``). Every value
read carries its provenance (``Source``: line index and confidence). Vocabulary lives in
``disputekit/data/screens.toml``.
"""

from __future__ import annotations

from disputekit.collect.screens.chat_window import ChatReading, read_chat
from disputekit.collect.screens.classify import ScreenReading, read_screen, scores
from disputekit.collect.screens.common import ScreenContext, load_vocabulary
from disputekit.collect.screens.refund_page import RefundReading, read_refund
from disputekit.collect.screens.tracking_page import TrackingReading, read_tracking

__all__ = [
    "ChatReading",
    "RefundReading",
    "ScreenContext",
    "ScreenReading",
    "TrackingReading",
    "load_vocabulary",
    "read_chat",
    "read_refund",
    "read_screen",
    "read_tracking",
    "scores",
]
