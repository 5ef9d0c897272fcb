"""Established facts: what the evidence shows, each pointing at its exhibit (or case.toml field).

A ground fits only when every fact it needs is established; a reason sentence may state only
established facts. Facts are found by small functions registered with :func:`fact`; the
functions live in ``validate/facts.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from disputekit.validate.rules.context import RuleContext


@dataclass(frozen=True)
class EstablishedFact:
    """One fact and where it comes from.

    ``exhibits``: the exhibit ids showing it (empty when it comes from case.toml alone);
    ``locator``: where in the first exhibit (``message 19``, ``event 3``, ``OCR line 4``,
    ``frame 00:01:12``) or the case.toml field(s); ``source``: how it was established
    (``tracking``, ``chat (marked)``, ``photo (tagged)``, ``case.toml``); ``values``: the
    template variables the fact provides (never empty strings).
    """

    id: str
    zh: str
    en: str
    exhibits: tuple[str, ...]
    locator: str | None
    source: str
    values: Mapping[str, str] = field(default_factory=dict)
    values_en: Mapping[str, str] | None = None  # English values where they differ

    def __post_init__(self) -> None:
        both = {**self.values, **(self.values_en or {})}
        empty = [k for k, v in both.items() if not str(v).strip()]
        if empty:
            raise ValueError(f"fact {self.id}: empty values {empty}")

    @property
    def exhibit(self) -> str | None:
        return self.exhibits[0] if self.exhibits else None

    def template_values(self, lang: str = "zh") -> dict[str, str]:
        """The fact's values plus ``<id>_ex`` (its exhibits, e.g. "E2、E3") when it has any."""
        out = dict(self.values)
        if lang == "en" and self.values_en is not None:
            out.update(self.values_en)
        if self.exhibits:
            out[f"{self.id}_ex"] = ("、" if lang == "zh" else ", ").join(self.exhibits)
        return out

    def to_json(self, lang: str | None = None) -> dict[str, object]:
        return {
            "fact": self.id, "statement": self.zh if lang != "en" else self.en,
            "statement_zh": self.zh, "statement_en": self.en, "exhibits": list(self.exhibits),
            "locator": self.locator, "source": self.source, "values": self.template_values(lang or "zh"),
        }


FactFn = Callable[["RuleContext"], "EstablishedFact | None"]


@dataclass(frozen=True)
class FactSpec:
    id: str
    zh: str  # what the fact says, in general
    en: str
    how_zh: str  # how the agent can establish it
    how_en: str
    source: str  # the rule text it matters for
    fn: FactFn


FACTS: dict[str, FactSpec] = {}


def fact(fact_id: str, *, zh: str, en: str, how_zh: str, how_en: str, source: str) -> Callable[[FactFn], FactFn]:
    def register(fn: FactFn) -> FactFn:
        if fact_id in FACTS:
            raise ValueError(f"duplicate fact id {fact_id}")
        FACTS[fact_id] = FactSpec(fact_id, zh, en, how_zh, how_en, source, fn)
        return fn

    return register


def alternatives(requirement: str) -> list[str]:
    """A ground's fact requirement: ``a`` or ``a|b`` (either establishes it)."""
    return [part.strip() for part in requirement.split("|") if part.strip()]
