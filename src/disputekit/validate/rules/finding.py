"""A finding: what a rule says about the case, in zh and en, with what to do."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from disputekit.i18n import pick


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.BLOCKING: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Finding(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    severity: Severity
    zh: str
    en: str
    exhibits: list[str] = []

    def message(self, lang: str | None = None) -> str:
        return pick(self.zh, self.en, lang)

    def to_json(self, lang: str | None = None) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message(lang),
            "message_zh": self.zh,
            "message_en": self.en,
            "exhibits": self.exhibits,
        }
