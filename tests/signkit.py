"""A CA and a lead's PKCS#12 made by the tests with ``cryptography`` (nothing on the network)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "组长-口令-1"


@dataclass(frozen=True)
class LeadKey:
    p12: Path
    roots: Path  # PEM of the CA that issued the lead's certificate
    cert_der: bytes


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_lead_key(folder: Path, *, cn: str = "王组长", ca_name: str = "disputekit test sign CA",
                  password: str | None = PASSWORD,
                  not_before: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                  not_after: dt.datetime = dt.datetime(2101, 1, 1, tzinfo=dt.UTC),
                  name: str = "lead") -> LeadKey:
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    ca = (x509.CertificateBuilder().subject_name(_name(ca_name)).issuer_name(_name(ca_name))
          .public_key(ca_key.public_key()).serial_number(1)
          .not_valid_before(start).not_valid_after(dt.datetime(2102, 1, 1, tzinfo=dt.UTC))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False,
                                         False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    encryption = (serialization.BestAvailableEncryption(password.encode())
                  if password is not None else serialization.NoEncryption())
    p12 = folder / f"{name}.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, [ca], encryption))
    roots = folder / f"{name}-roots.pem"
    roots.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return LeadKey(p12, roots, cert.public_bytes(serialization.Encoding.DER))
