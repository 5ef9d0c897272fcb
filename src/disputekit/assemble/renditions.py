"""Masked renditions of text exhibits: what the review dossier attaches instead of originals.

A chat export or tracking record carries the buyer's phone number and address in full. The
review edition attaches, per chat/tracking exhibit, ``E1.masked.txt``: the same messages or
events with personal data masked by ``disputekit.privacy``, headed by the original's SHA-256,
so a reader can still tie the rendition to the sealed original.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from disputekit.models.facts import ChatFacts, TrackingFacts
from disputekit.privacy.pii import mask
from disputekit.profiles.model import Privacy
from disputekit.validate.rules.context import Exhibit, RuleContext

SUFFIX = ".masked.txt"


def _chat_lines(facts: ChatFacts, privacy: Privacy) -> Iterator[str]:
    # Sender and text are masked apart from the "#n time" head, which holds no personal data
    # but digits in every line (masking whole lines made a 100,000-message chat cost 8 s).
    for m in facts.messages:
        when = m.time.strftime("%Y-%m-%d %H:%M:%S") if m.time else "-"
        yield f"#{m.index} {when} {mask(m.sender, privacy)}: {mask(' '.join(m.text.split()), privacy)}"


def _tracking_lines(facts: TrackingFacts) -> Iterator[str]:
    yield f"{facts.courier_name or facts.courier or '-'} {facts.waybill or '-'} signer: {facts.signer or '-'}"
    for ev in facts.events:
        where = f" ({ev.location})" if ev.location else ""
        yield f"{ev.time.strftime('%Y-%m-%d %H:%M')} [{ev.status.value}] {ev.text}{where}"


def rendition(exhibit: Exhibit, ctx: RuleContext) -> bytes | None:
    """The masked text of a chat or tracking exhibit, or None for other kinds."""
    facts = exhibit.facts
    privacy = ctx.profile.privacy
    if isinstance(facts, ChatFacts):
        body = list(_chat_lines(facts, privacy))
    elif isinstance(facts, TrackingFacts):
        body = [mask(line, privacy) for line in _tracking_lines(facts)]
    else:
        return None
    head = [mask(f"{exhibit.id} {exhibit.item.name}", privacy), f"original SHA-256 {exhibit.item.sha256}", ""]
    text = "\n".join([*head, *body]) + "\n"
    return text.encode("utf-8")


def masked_renditions(ctx: RuleContext) -> dict[str, bytes]:
    """``{"E1.masked.txt": data, …}`` for every chat and tracking exhibit."""
    out: dict[str, bytes] = {}
    for exhibit in ctx.exhibits:
        data = rendition(exhibit, ctx)
        if data is not None:
            out[exhibit.id + SUFFIX] = data
    return out


def digests(renditions: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in renditions.items()}
