"""Names of ids for human output (JSON keeps the ids): evidence tags and tracking statuses."""

from __future__ import annotations

from disputekit.assemble.pdf.labels import STATUS
from disputekit.i18n import pick

TAG_NAMES: dict[str, tuple[str, str]] = {
    "shipment": ("发货物流", "shipment"),
    "return": ("退货物流", "return"),
    "before_shipment": ("出库前", "before shipment"),
    "returned_item": ("退回商品", "returned item"),
    "listing": ("商品页面", "listing"),
    "agreement": ("协商约定", "agreement"),
    "custom_order": ("定制要求", "custom order"),
    "other": ("其他", "other"),
}


def tag_name(tag: str, lang: str | None = None) -> str:
    found = TAG_NAMES.get(tag)
    return pick(found[0], found[1], lang) if found else tag


def status_name(status: str, lang: str | None = None) -> str:
    found = STATUS.get(status)
    return pick(found[0], found[1], lang) if found else status
