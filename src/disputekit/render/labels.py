"""Every fixed word the dossier prints, in zh and en."""

from __future__ import annotations

from disputekit.i18n import zh_typography

L: dict[str, tuple[str, str]] = {
    "title": ("退款纠纷证据包", "Refund dispute evidence dossier"),
    "draft_banner": ("草稿 — 不可上传", "DRAFT — not for upload"),
    "platform": ("平台", "Platform"),
    "order": ("订单号", "Order"),
    "refund": ("退款编号", "Refund"),
    "buyer": ("买家", "Buyer"),
    "seller": ("卖家", "Seller"),
    "item": ("商品", "Item"),
    "amount": ("退款金额", "Amount"),
    "refund_type": ("退款类型", "Refund type"),
    "state": ("退款状态", "Refund state"),
    "deadline": ("处理期限", "Deadline"),
    "estimated": ("估算", "estimated"),
    "countdown": ("千牛倒计时", "Qianniu countdown"),
    "ground": ("拒绝理由", "Refusal ground"),
    "dossier_id": ("证据包编号", "Dossier id"),
    "generated": ("生成时间", "Generated at"),
    "preparer": ("制作人", "Prepared by"),
    "claim": ("买家诉求", "Buyer's claim"),
    "why": ("拒绝依据", "Why we refuse"),
    "strength": ("证据强度", "Evidence strength"),
    "advice": ("处理建议", "Advice"),
    "summary": ("摘要", "Summary"),
    "reason": ("拒绝理由（可直接粘贴）", "Refusal reason (ready to paste)"),
    "message": ("退款留言", "Refund message"),
    "chars": ("字", "characters"),
    "bytes": ("字节", "bytes"),
    "timeline": ("时间线", "Timeline"),
    "time": ("时间", "Time"),
    "event": ("事件", "Event"),
    "exhibit": ("证据", "Exhibit"),
    "findings": ("检查结果", "Findings"),
    "blocking": ("阻断", "Blocking"),
    "warning": ("警告", "Warning"),
    "info": ("提示", "Info"),
    "no_findings": ("没有发现问题。", "No findings."),
    "index": ("证据目录", "Evidence index"),
    "kind": ("类型", "Kind"),
    "description": ("说明", "Description"),
    "file": ("原始文件", "Original file"),
    "size": ("大小", "Size"),
    "page": ("页", "Page"),
    "exhibits": ("证据", "Exhibits"),
    "chat": ("聊天记录", "Chat record"),
    "tracking": ("物流记录", "Tracking record"),
    "photo": ("照片", "Photo"),
    "screenshot": ("截图", "Screenshot"),
    "document": ("文件", "Document"),
    "key_message": ("重点", "KEY"),
    "recalled": ("已撤回", "recalled"),
    "courier": ("快递公司", "Courier"),
    "waybill": ("运单号", "Waybill"),
    "signed_at": ("签收时间", "Signed at"),
    "signer": ("签收人", "Signer"),
    "status": ("状态", "Status"),
    "location": ("地点", "Location"),
    "taken_at": ("拍摄时间", "Taken at"),
    "camera": ("设备", "Camera"),
    "caption": ("说明", "Caption"),
    "pdf_page": ("原文件第 {n} / {total} 页", "Original page {n} of {total}"),
    "signoff": ("复核记录", "Review sign-off"),
    "reviewer": ("复核人", "Reviewer"),
    "decision": ("结论", "Decision"),
    "comment": ("意见", "Comment"),
    "reviewed_hash": ("复核时的状态哈希", "Reviewed state hash"),
    "no_review": ("尚未复核。", "Not reviewed yet."),
    "stale": ("批准后案件已变更，批准已失效。", "The case changed after approval; the approval is stale."),
    "page_of": ("第 {x} / {y} 页", "Page {x} of {y}"),
    "originals_note": ("原始文件以附件形式嵌入本 PDF,哈希见证据目录与 manifest.json。",
                       "The originals are attached to this PDF; hashes in the index and manifest.json."),
    "not_attached": ("(原件过大未嵌入，见案件文件夹)", "(original too large to attach; kept in the case folder)"),
    "related_screens": ("相关截图", "Related screenshots"),
    "strong": ("强：证据充分", "Strong"),
    "medium": ("中：可用但有弱点", "Medium: usable, with weak points"),
    "weak": ("弱：存在阻断问题", "Weak: blocking problems remain"),
    "refuse": ("拒绝", "Refuse"),
    "negotiate": ("协商", "Negotiate"),
    "agree": ("同意退款", "Agree"),
    "none": ("(未选择)", "(none chosen)"),
    "refund_only": ("仅退款", "Refund only"),
    "return_and_refund": ("退货退款", "Return and refund"),
    "msg_count": ("共 {n} 条消息，编码 {enc},来源 {ch}", "{n} messages, encoding {enc}, source {ch}"),
}

STATUS: dict[str, tuple[str, str]] = {
    "collected": ("揽收", "collected"),
    "in_transit": ("运输中", "in transit"),
    "out_for_delivery": ("派送中", "out for delivery"),
    "signed": ("本人签收", "signed"),
    "signed_proxy": ("代签收", "signed by proxy"),
    "locker": ("快递柜/驿站", "locker/station"),
    "refused": ("拒收", "refused"),
    "returned": ("退回", "returned"),
    "exception": ("异常", "exception"),
}


def t(key: str, lang: str, **fmt: object) -> str:
    zh, en = L[key]
    text = zh if lang == "zh" else en
    text = text.format(**fmt) if fmt else text
    return zh_typography(text) if lang == "zh" else text


def all_label_texts() -> list[str]:
    return [text for pair in (*L.values(), *STATUS.values()) for text in pair]
