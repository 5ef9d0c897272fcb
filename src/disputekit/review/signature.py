"""The lead's PDF signature on the dossier (issue 15 §3): pyHanko signs and validates; no CMS
is written by hand.

``approve CASE --sign-key lead.p12`` signs ``out/dossier.pdf`` as an incremental update
(PAdES B-B; B-T, with a signature timestamp, when the shop names a TSA — the same
``DISPUTEKIT_TSA_URL`` / ``shop.toml [timestamps] tsa_url`` as the audit timestamps). The
incremental update appends a signature field and leaves every page's content alone, so the
page digests of the embedded manifest still hold on the signed file.

Validation: the signature is intact, covers the whole file (nothing appended after signing),
and — when the shop file names ``sign_roots`` (a PEM file of CA certificates, next to
``tsa_roots`` under ``[timestamps]``) — its signer chains to one of them. pyHanko and its
certificate validator are imported only where a signature is made or checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disputekit.errors import InputFileError
from disputekit.store.timestamps import _quiet, _shop_file, tsa_settings

FIELD_NAME = "DisputekitLead"
ENV_PASSWORD = "DISPUTEKIT_SIGN_PASSWORD"


@dataclass(frozen=True)
class SignKey:
    """A PKCS#12 file and its password (from the environment; never from the command line)."""

    path: Path
    password: bytes | None
    password_env: str = ENV_PASSWORD


@dataclass(frozen=True)
class LoadedKey:
    signer: Any  # pyhanko SimpleSigner
    cert_der: bytes
    subject: str

    @property
    def cert_sha256(self) -> str:
        return hashlib.sha256(self.cert_der).hexdigest()


def _key_error(path: Path, zh: str, en: str, fix_zh: str, fix_en: str) -> InputFileError:
    return InputFileError(f"签名密钥 {path.name} {zh}，未作任何记录。",
                          f"The signing key {path.name} {en}; nothing was recorded.",
                          fix_zh=fix_zh, fix_en=fix_en)


def _is_pfx(data: bytes) -> bool:
    from asn1crypto import pkcs12

    try:
        pkcs12.Pfx.load(data)["auth_safe"].native  # noqa: B018 - parse it fully
    except (ValueError, TypeError, KeyError):
        return False
    return True


def load_key(key: SignKey, now: datetime) -> LoadedKey:
    """The signer of a PKCS#12 file, or a bilingual InputFileError (exit 5): unreadable,
    wrong password, no key or certificate, certificate not valid at ``now``."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    try:
        data = key.path.read_bytes()
    except OSError as exc:
        raise _key_error(key.path, f"无法读取（{exc.strerror or exc}）",
                         f"cannot be read ({exc.strerror or exc})",
                         "检查 --sign-key 指向的文件是否存在且可读。",
                         "Check that the file given to --sign-key exists and is readable.") from None
    try:
        private, cert, extra = pkcs12.load_key_and_certificates(data, key.password)
    except (ValueError, TypeError):
        if _is_pfx(data):
            raise _key_error(
                key.path, "打不开：密码不对（或未设置）", "cannot be opened: wrong (or no) password",
                f"把密码放进环境变量 {key.password_env}（或用 --sign-password-env 指定变量名），"
                "不要写在命令行上。",
                f"Put the password in the environment variable {key.password_env} (or name "
                "another with --sign-password-env); never on the command line.") from None
        raise _key_error(key.path, "不是可读的 PKCS#12（.p12/.pfx）文件",
                         "is not a readable PKCS#12 (.p12/.pfx) file",
                         "请使用组长证书导出的 .p12 文件（含私钥和证书）。",
                         "Use the lead's certificate exported as .p12 (key and certificate).",
                         ) from None
    if private is None or cert is None:
        raise _key_error(key.path, "里没有私钥或证书", "holds no private key or no certificate",
                         "导出 .p12 时请勾选包含私钥。",
                         "Export the .p12 with its private key included.")
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    moment = now.astimezone(UTC)
    if not start <= moment <= end:
        when_zh = "已于" if moment > end else "要到"
        stamp = (end if moment > end else start).date().isoformat()
        raise _key_error(
            key.path, f"的证书{when_zh} {stamp} {'过期' if moment > end else '才生效'}",
            f"holds a certificate that {'expired on' if moment > end else 'is valid only from'} "
            f"{stamp}", "请向签发机构续期证书后重新导出 .p12。",
            "Renew the certificate with its issuer and export a new .p12.")
    from pyhanko.sign.signers import SimpleSigner

    signer = SimpleSigner.load_pkcs12_data(data, [], key.password)
    der = cert.public_bytes(Encoding.DER)
    del extra
    return LoadedKey(signer, der, x509.load_der_x509_certificate(der).subject.rfc4514_string())


def sign_dossier(source: Path, key: LoadedKey, case_dir: Path, reason: str) -> tuple[bytes, str]:
    """The signed file's bytes (the original followed by an incremental update) and the PAdES
    level made: ``B-T`` when the shop's TSA stamped the signature, else ``B-B``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    tsa = tsa_settings(case_dir)
    timestamper = None
    if tsa is not None:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(tsa.url, timeout=10)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason)
    data = source.read_bytes()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        with _quiet("pyhanko", "pyhanko_certvalidator"):
            signers.sign_pdf(writer, meta, signer=key.signer, timestamper=timestamper, output=out)
    except Exception as exc:  # pyHanko's errors share no public base; the TSA's are aiohttp's
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.timestamps import TimestampRequestError

        if isinstance(exc, TimestampRequestError | OSError) or \
                type(exc).__module__.startswith("aiohttp"):
            raise InputFileError(
                f"时间戳服务 {tsa.url if tsa else ''} 未能为签名签发时间戳（{exc}），未作任何记录。",
                f"The time-stamping authority {tsa.url if tsa else ''} did not stamp the "
                f"signature ({exc}); nothing was recorded.",
                fix_zh="检查网络和 shop.toml 的 [timestamps] tsa_url，然后重试。",
                fix_en="Check the network and shop.toml's [timestamps] tsa_url, then retry.",
            ) from None
        if isinstance(exc, PdfError | SigningError | ValueError):
            raise InputFileError(
                f"{source.name} 无法签名（{exc}），未作任何记录。",
                f"{source.name} cannot be signed ({exc}); nothing was recorded.",
                fix_zh="重新生成证据包（disputekit build CASE）后再批准。",
                fix_en="Rebuild the dossier (`disputekit build CASE`) and approve again.",
            ) from None
        raise
    return out.getvalue(), "B-T" if timestamper is not None else "B-B"


# --------------------------------------------------------------------------- validation


def sign_roots(folder: Path) -> Path | None:
    """``sign_roots`` of the nearest shop.toml above ``folder`` (a PEM file), or None."""
    shop = _shop_file(folder)
    if shop is None:
        return None
    try:
        section = tomllib.loads(shop.read_text("utf-8")).get("timestamps") or {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(f"{shop} 无法读取：{exc}", f"{shop} cannot be read: {exc}") from None
    roots = section.get("sign_roots") if isinstance(section, dict) else None
    return shop.parent / roots if isinstance(roots, str) else None


def load_roots(path: Path) -> list[Any]:
    """asn1crypto certificates of a PEM (or single DER) file; OSError/ValueError if unreadable."""
    from asn1crypto import pem, x509

    data = path.read_bytes()
    blobs = [der for _, _, der in pem.unarmor(data, multiple=True)] if pem.detect(data) \
        else [data]
    return [x509.Certificate.load(b) for b in blobs]


@dataclass(frozen=True)
class SignatureCheck:
    """What ``verify`` learns from a dossier's signatures: (zh, en) problems and warnings."""

    signed: bool
    problems: list[tuple[str, str]]
    warnings: list[tuple[str, str]]
    signer_sha256: str | None = None
    signer_subject: str | None = None


def check_signatures(path: Path, roots: Path | None) -> SignatureCheck:
    """Every PDF signature of ``path``: intact, valid, covering the whole file, and (with
    ``roots``) by a signer chaining to them. A file with no signature is ``signed=False``."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        with path.open("rb") as handle, _quiet("pyhanko", "pyhanko_certvalidator"):
            reader = PdfFileReader(handle, strict=False)
            sigs = reader.embedded_signatures
            if not sigs:
                return SignatureCheck(False, [], [])
            return _check_all(sigs, roots)
    except (PdfError, OSError, ValueError) as exc:
        return SignatureCheck(True, [(f"签名无法读取（{exc}）", f"the signature cannot be read "
                                                                f"({exc})")], [])


def _context(roots: Path | None) -> tuple[Any, list[tuple[str, str]]]:
    from pyhanko_certvalidator import ValidationContext

    if roots is None:
        return ValidationContext(trust_roots=[], allow_fetching=False), [(
            "shop.toml 未设置 [timestamps] sign_roots，签名人未对照受信任的根证书检查",
            "shop.toml names no [timestamps] sign_roots; the signer was not checked against "
            "trusted roots")]
    try:
        certs = load_roots(roots)
    except (OSError, ValueError) as exc:
        raise InputFileError(f"受信任的签名根证书 {roots} 无法读取：{exc}",
                             f"The trusted signing roots {roots} cannot be read: {exc}") from None
    return ValidationContext(trust_roots=certs, allow_fetching=False), []


def _check_all(sigs: list[Any], roots: Path | None) -> SignatureCheck:
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    context, warnings = _context(roots)
    problems: list[tuple[str, str]] = []
    signer_sha = subject = None
    for number, sig in enumerate(sigs, start=1):
        try:
            status = asyncio.run(async_validate_pdf_signature(sig, context))
        except (SignatureValidationError, ValueError) as exc:
            problems.append((f"第 {number} 个签名无效（{exc}）", f"signature {number} is invalid "
                                                                 f"({exc})"))
            continue
        from cryptography import x509

        der = status.signing_cert.dump()
        signer_sha = hashlib.sha256(der).hexdigest()
        subject = x509.load_der_x509_certificate(der).subject.rfc4514_string()
        if not status.intact or not status.valid:
            problems.append((f"第 {number} 个签名不成立：签名后文件内容被改动",
                             f"signature {number} does not hold: the signed bytes changed"))
        elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
            problems.append((f"第 {number} 个签名未覆盖整个文件：签名后又被追加修改",
                             f"signature {number} does not cover the whole file: it was "
                             "modified after signing"))
        elif roots is not None and not status.trusted:
            problems.append((f"第 {number} 个签名的签名人（{subject}）不在本店信任的根证书之下",
                             f"signature {number}'s signer ({subject}) does not chain to the "
                             "shop's trusted roots"))
    return SignatureCheck(True, problems, warnings, signer_sha, subject)
