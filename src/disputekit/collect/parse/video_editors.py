"""Editing-tool signatures in a video's tags, from ``disputekit/data/video_editors.toml``."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TagGroup = Literal["encoder", "software", "comment", "handler", "compressor", "brand"]
TAG_GROUPS: tuple[TagGroup, ...] = (
    "encoder",
    "software",
    "comment",
    "handler",
    "compressor",
    "brand",
)


class EditorSignature(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    patterns: list[str] = Field(min_length=1)
    fields: list[TagGroup] = list(TAG_GROUPS)
    confidence: Literal["high", "medium", "low"]
    note: str = ""

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns

    def matches(self, tags: dict[TagGroup, list[str]]) -> bool:
        regexes = [re.compile(p, re.IGNORECASE) for p in self.patterns]
        return any(
            rx.search(value)
            for group in self.fields
            for value in tags.get(group, [])
            for rx in regexes
        )


class EditorTable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    editor: list[EditorSignature]


@cache
def editor_table() -> EditorTable:
    """The validated signatures shipped in disputekit/data/video_editors.toml."""
    text = resources.files("disputekit.data").joinpath("video_editors.toml").read_text("utf-8")
    return EditorTable.model_validate(tomllib.loads(text))


def find_editor(tags: dict[TagGroup, list[str]]) -> EditorSignature | None:
    """The first signature (in file order) found in ``tags``, or None."""
    for signature in editor_table().editor:
        if signature.matches(tags):
            return signature
    return None
