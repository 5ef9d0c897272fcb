"""Mask buyers' phone numbers and street addresses in derived outputs (dossier pages, upload).

Originals are never masked: they are evidence and stay byte-for-byte in the object store.
Already-masked numbers (138****5621) are left as they are.
"""

from __future__ import annotations

import re

from disputekit.profiles.model import Privacy

MOBILE = re.compile(r"(?<![\d*])(?:(\+?86)[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\d*])")
LANDLINE = re.compile(r"(?<![\d*])(0\d{2,3})-(\d{3,4})(\d{4})(?![\d*])")
# A street keyword followed by house/building/unit/room numbers: keep the street, hide numbers.
STREET_NUMBERS = re.compile(
    r"(?<=[路街巷弄道村里])(\d+(?:-\d+)?号(?:院)?(?:\d+(?:栋|幢|号楼|楼))?(?:\d+单元)?(?:\d+(?:室|层|楼))?)"
)


def mask_phones(text: str) -> str:
    text = MOBILE.sub(lambda m: f"{m.group(2)}****{m.group(4)}", text)
    return LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


def mask_addresses(text: str) -> str:
    return STREET_NUMBERS.sub("**号", text)


def mask(text: str, privacy: Privacy) -> str:
    if privacy.mask_phones.value:
        text = mask_phones(text)
    if privacy.mask_addresses.value:
        text = mask_addresses(text)
    return text
