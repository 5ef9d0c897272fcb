"""RFC 3161 timestamps: an anchor outside the folder (issue 15 §3).

When the shop names a time-stamping authority (``DISPUTEKIT_TSA_URL``, else ``shop.toml``
``[timestamps] tsa_url``, with ``tsa_roots`` = a PEM file of the CA certificates to trust),
each review decision gets a token over its audit entry's hash (the log's head at that moment,
``.disputekit/timestamps/<seq>.tsr``) and each archived version a token over its manifest's
SHA-256 (``vN/manifest.tsr``). A token proves the head or manifest existed at its time: a log
rolled back before a stamped decision, or a manifest re-sealed after stamping, no longer
matches. pyHanko speaks the protocol and validates the CMS signature; nothing is written by
hand. The library is imported only where a token is made or checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from disputekit.errors import InputFileError

ENV_URL = "DISPUTEKIT_TSA_URL"
SHOP_FILE = "shop.toml"
TOKEN_SUFFIX = ".tsr"


@dataclass(frozen=True)
class TsaSettings:
    url: str
    roots: Path | None = None
    """PEM file of trusted CA certificates; None = check imprint and signature only."""


def _shop_file(folder: Path) -> Path | None:
    for parent in folder.resolve().parents:
        if (parent / SHOP_FILE).is_file():
            return parent / SHOP_FILE
    return None


def tsa_settings(folder: Path, env: dict[str, str] | None = None) -> TsaSettings | None:
    """The shop's TSA for a case (or archive) folder; None when the shop uses none."""
    env = dict(os.environ) if env is None else env
    shop = _shop_file(folder)
    section: dict[str, Any] = {}
    if shop is not None:
        try:
            section = tomllib.loads(shop.read_text("utf-8")).get("timestamps") or {}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputFileError(f"{shop} 无法读取：{exc}", f"{shop} cannot be read: {exc}") from None
    url = (env.get(ENV_URL) or "").strip() or section.get("tsa_url")
    if not url:
        return None
    roots = section.get("tsa_roots")
    root_path = (shop.parent / roots) if (shop is not None and isinstance(roots, str)) else None
    return TsaSettings(str(url), root_path)


def _unreachable(url: str, exc: Exception) -> InputFileError:
    return InputFileError(
        f"时间戳服务 {url} 未能签发时间戳（{exc}），未作任何记录。",
        f"The time-stamping authority {url} did not issue a timestamp ({exc}); nothing was "
        "recorded.",
        fix_zh="检查网络和 shop.toml 的 [timestamps] tsa_url，然后重试。",
        fix_en="Check the network and shop.toml's [timestamps] tsa_url, then retry.",
    )


def request_token(settings: TsaSettings, digest: bytes) -> bytes:
    """A DER-encoded RFC 3161 token over the SHA-256 ``digest``."""
    from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError

    stamper = HTTPTimeStamper(settings.url, timeout=10)
    try:
        token = asyncio.run(stamper.async_timestamp(digest, "sha256"))
    except (TimestampRequestError, OSError, ValueError) as exc:
        raise _unreachable(settings.url, exc) from None
    except Exception as exc:  # aiohttp's client errors have no common public base here
        if type(exc).__module__.startswith("aiohttp"):
            raise _unreachable(settings.url, exc) from None
        raise
    return bytes(token.dump())


@contextlib.contextmanager
def _quiet(*names: str) -> Iterator[None]:
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@dataclass(frozen=True)
class TokenCheck:
    problems: list[str]
    at: datetime | None


def check_token(token: bytes, digest: bytes, roots: Path | None = None) -> TokenCheck:
    """Does ``token`` stamp ``digest`` with a valid signature (trusted, when ``roots``)?"""
    from asn1crypto import cms, pem, x509
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    try:
        info = cms.ContentInfo.load(token)
        signed = info["content"]
        tst = signed["encap_content_info"]["content"].parsed
        at = tst["gen_time"].native
        imprint = tst["message_imprint"]["hashed_message"].native
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return TokenCheck([f"not a timestamp token ({exc})"], None)
    if imprint != digest:
        return TokenCheck(["stamps another hash (the stamped content changed)"], at)
    context = None
    if roots is not None:
        try:
            data = roots.read_bytes()
        except OSError as exc:
            return TokenCheck([f"trusted roots {roots} cannot be read ({exc.strerror})"], at)
        blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) \
            else [data]
        context = ValidationContext(trust_roots=[x509.Certificate.load(b) for b in blobs],
                                    allow_fetching=False)
    try:
        with _quiet("pyhanko", "pyhanko_certvalidator"):  # they log tracebacks on failures
            status = asyncio.run(validate_tst_signed_data(signed, context, lambda _a: digest))
    except SignatureValidationError as exc:
        return TokenCheck([f"signature invalid ({exc})"], at)
    problems = []
    if not status.get("intact") or not status.get("valid"):
        problems.append("signature invalid")
    elif roots is not None and status.get("trust_problem_indic") is not None:
        problems.append("signed by an authority not in the trusted roots")
    return TokenCheck(problems, at)


# --------------------------------------------------------------------------- decisions

TOKENS_DIR = "timestamps"
STAMPED_ACTIONS = ("approve", "return")


def token_path(meta: Path, seq: int) -> Path:
    return meta / TOKENS_DIR / f"{seq}{TOKEN_SUFFIX}"


def stamp_entry(meta: Path, settings: TsaSettings, entry: dict[str, Any]) -> None:
    """Timestamp a prepared audit entry's hash (the head it makes) before it is written: a TSA
    that does not answer stops the decision, so no stamped shop has an unstamped decision."""
    from disputekit.store.atomic import atomic_write_bytes

    token = request_token(settings, bytes.fromhex(str(entry["hash"])))
    atomic_write_bytes(token_path(meta, int(entry["seq"])), token, mode=0o444)


def token_problems(meta: Path, entries: list[dict[str, Any]],
                   settings: TsaSettings | None) -> list[str]:
    """``timestamps/N.tsr: …`` for each token that no longer stamps entry N of the log (a
    rolled-back or rewritten log), and for each decision the shop's TSA never stamped."""
    folder = meta / TOKENS_DIR
    problems = []
    stamped = set()
    for path in sorted(folder.glob(f"*{TOKEN_SUFFIX}")) if folder.is_dir() else []:
        rel = f"{TOKENS_DIR}/{path.name}"
        seq = int(path.stem) if path.stem.isdigit() else 0
        if not 1 <= seq <= len(entries):
            problems.append(f"{rel}: stamps entry {path.stem}, which the log no longer has "
                            "(rolled back?)")
            continue
        stamped.add(seq)
        check = check_token(path.read_bytes(), bytes.fromhex(str(entries[seq - 1].get("hash"))),
                            settings.roots if settings else None)
        problems += [f"{rel}: {p}" for p in check.problems]
    if settings is not None:
        problems += [f"{TOKENS_DIR}/{n}{TOKEN_SUFFIX}: missing (the decision at entry {n} has "
                     "no timestamp)" for n, e in enumerate(entries, start=1)
                     if e.get("action") in STAMPED_ACTIONS and n not in stamped]
    return problems
