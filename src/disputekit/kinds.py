"""The evidence kinds: one table, and everything that differs by kind derived from it.

Each kind names its facts model and, as ``"module:function"`` references resolved on first
use, the functions every stage calls for it: the parser (collect), the one-line and detailed
terminal summaries (text), the timeline events and the dossier exhibit page (assemble).
References are strings so that importing this table costs only the facts models: ``list``
must not load the PDF stack to know what a chat is.

Adding a kind = one facts model, the functions it needs (a parser at least), one entry in
``TABLE``, and its tests. See docs/architecture.md ("An evidence kind").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter

from disputekit.models.facts import ChatFacts, DocumentFacts, PhotoFacts, TrackingFacts
from disputekit.models.video import VideoFacts


@dataclass(frozen=True)
class Hints:
    """What the caller knows that helps a parser: the case's nicknames and courier."""

    buyer: str | None = None
    seller: str | None = None
    courier: str | None = None
    as_kind: str | None = None


@dataclass(frozen=True)
class KindSpec:
    name: str
    facts: type[BaseModel]
    label_zh: str
    label_en: str
    parse: str  # (path: Path, hints: Hints) -> facts model
    summary: str  # (facts: dict) -> str, one line for `list`/`inspect`
    exhibit: str  # (w, d, exhibit, out: ExhibitOut) -> list[Flowable], the dossier page(s)
    details: str | None = None  # (facts: dict) -> list[str], `inspect --full`
    timeline: str | None = None  # (exhibit, privacy) -> list[Event]
    image: bool = False  # shown as a picture: prepared for the dossier, offered to the upload
    sniffed: tuple[str, ...] = ()  # what collect.sniff reports for files of this kind

    def call(self, role: str, *args: Any) -> Any:
        ref = getattr(self, role)
        return None if ref is None else resolve(ref)(*args)


TABLE: tuple[KindSpec, ...] = (
    KindSpec(
        "chat", ChatFacts, "聊天记录", "Chat record",
        parse="disputekit.collect.parse.chat:read_chat",
        summary="disputekit.text.evidence:chat_summary",
        details="disputekit.text.evidence:chat_details",
        timeline="disputekit.assemble.timeline:chat_events",
        exhibit="disputekit.assemble.pdf.exhibits:chat_page",
        sniffed=("chat",),
    ),
    KindSpec(
        "tracking", TrackingFacts, "物流记录", "Tracking record",
        parse="disputekit.collect.parse.tracking:read_tracking",
        summary="disputekit.text.evidence:tracking_summary",
        details="disputekit.text.evidence:tracking_details",
        timeline="disputekit.assemble.timeline:tracking_events",
        exhibit="disputekit.assemble.pdf.exhibits:tracking_page",
        sniffed=("tracking",),
    ),
    KindSpec(
        "photo", PhotoFacts, "照片", "Photo",
        parse="disputekit.collect.parse.photo:read_image",
        summary="disputekit.text.evidence:image_summary",
        timeline="disputekit.assemble.timeline:photo_events",
        exhibit="disputekit.assemble.pdf.exhibits:photo_page",
        image=True, sniffed=("photo", "image"),
    ),
    KindSpec(
        "screenshot", PhotoFacts, "截图", "Screenshot",
        parse="disputekit.collect.parse.photo:read_image",
        summary="disputekit.text.evidence:image_summary",
        timeline="disputekit.assemble.timeline:photo_events",
        exhibit="disputekit.assemble.pdf.exhibits:photo_page",
        image=True, sniffed=("screenshot",),
    ),
    KindSpec(
        "document", DocumentFacts, "文件", "Document",
        parse="disputekit.collect.parse.document:read_pdf",
        summary="disputekit.text.evidence:document_summary",
        exhibit="disputekit.assemble.pdf.exhibits:document_page",
        sniffed=("pdf",),
    ),
    KindSpec(
        "video", VideoFacts, "视频", "Video",
        parse="disputekit.collect.parse.video_kind:read_video",
        summary="disputekit.text.evidence:video_summary",
        details="disputekit.text.evidence:video_details",
        timeline="disputekit.assemble.timeline:video_events",
        exhibit="disputekit.assemble.pdf.video_page:video_page",
        sniffed=("video",),  # shown as frames: the dossier and upload bundle take stills
    ),
)

SPECS: dict[str, KindSpec] = {spec.name: spec for spec in TABLE}
KINDS: tuple[str, ...] = tuple(SPECS)
IMAGE_KINDS: tuple[str, ...] = tuple(spec.name for spec in TABLE if spec.image)
KindName = Literal[KINDS]  # type: ignore[valid-type]

_MODELS = tuple(dict.fromkeys(spec.facts for spec in TABLE))  # photo and screenshot share one
FactsUnion = Union[_MODELS]  # type: ignore[valid-type]  # noqa: UP007
Facts = Annotated[FactsUnion, Field(discriminator="kind")]
AnyFacts = ChatFacts | TrackingFacts | PhotoFacts | DocumentFacts | VideoFacts  # for type checkers
FACTS_ADAPTER: TypeAdapter[Any] = TypeAdapter(Facts)


def spec(kind: str) -> KindSpec:
    return SPECS[kind]


def for_sniffed(sniffed: str) -> KindSpec | None:
    """The kind a sniffed file type belongs to (``image`` → photo; the parser may refine)."""
    return next((s for s in TABLE if sniffed in s.sniffed), None)


def label(kind: str, lang: str) -> str:
    found = SPECS.get(kind)
    if found is None:
        return kind
    return found.label_zh if lang == "zh" else found.label_en


def validate_facts(data: dict[str, Any]) -> AnyFacts:
    facts: AnyFacts = FACTS_ADAPTER.validate_python(data)
    return facts


@cache
def resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found
