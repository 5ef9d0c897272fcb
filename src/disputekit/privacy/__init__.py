"""Personal data: one recogniser (``pii``) used for every derived text, and image regions (``regions``)."""

from __future__ import annotations

from disputekit.privacy.pii import ALL_KINDS, PiiKind, PiiSpan, find_pii, mask, mask_text

__all__ = ["ALL_KINDS", "PiiKind", "PiiSpan", "find_pii", "mask", "mask_text"]
