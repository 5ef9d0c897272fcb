"""Reason templates as sentences, each declaring the established facts it states.

A template file holds one sentence per line::

    [signed signer_known] 物流显示已于{{ signed_at }}签收，签收人：{{ signer }}（见证据{{ signed_ex }}）。
    [] 如未收到，请先核实代收情况。

A sentence is rendered only when every fact in its brackets is established, and it sees only
those facts' values: a variable of another fact is an error (StrictUndefined), never a blank
or a default word. ``[]`` marks a sentence stating no fact (a greeting, a request).
Lines starting with ``{#`` are comments.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import jinja2

from disputekit.validate.fact_model import EstablishedFact

LINE = re.compile(r"^\[(?P<facts>[^\]]*)\]\s*(?P<text>.+)$")


class TemplateFormatError(ValueError):
    """A template line without its ``[facts]`` declaration (a bug in the shipped templates)."""


@dataclass(frozen=True)
class Sentence:
    facts: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Rendered:
    facts: tuple[str, ...]  # the facts this sentence states ("" list: none)
    text: str


def template_text(name: str) -> str | None:
    path = resources.files("disputekit") / "templates" / "reasons" / name
    return path.read_text("utf-8") if path.is_file() else None


def parse(source: str, name: str = "template") -> list[Sentence]:
    out = []
    for number, raw in enumerate(source.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("{#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise TemplateFormatError(f"{name}:{number}: a sentence must start with [facts]: {line!r}")
        out.append(Sentence(tuple(match["facts"].split()), match["text"].strip()))
    return out


_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def render_sentences(sentences: list[Sentence], facts: Mapping[str, EstablishedFact],
                     values: Mapping[str, Mapping[str, str]]) -> list[Rendered]:
    """The sentences whose facts are all established, each with only its own facts' values."""
    out = []
    for s in sentences:
        if not all(f in facts for f in s.facts):
            continue
        scope: dict[str, str] = {}
        for f in s.facts:
            scope.update(values[f])
        text = " ".join(_ENV.from_string(s.text).render(**scope).split())
        out.append(Rendered(s.facts, text))
    return out


def join(parts: list[Rendered], lang: str) -> str:
    return ("" if lang == "zh" else " ").join(p.text for p in parts)
