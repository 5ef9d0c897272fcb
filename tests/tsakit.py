"""A time-stamping authority made by the tests, on 127.0.0.1 (nothing else on the network):
a CA and a TSA certificate (extended key usage timeStamping) generated with ``cryptography``,
served over HTTP by pyHanko's ``DummyTimeStamper``."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys, tsp, x509
from cryptography import x509 as cx509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Tsa:
    url: str
    roots: Path  # PEM of the test CA


def _name(cn: str) -> cx509.Name:
    return cx509.Name([cx509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_pki() -> tuple[cx509.Certificate, cx509.Certificate, rsa.RSAPrivateKey]:
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (cx509.CertificateBuilder().subject_name(_name("disputekit test CA"))
          .issuer_name(_name("disputekit test CA")).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(start).not_valid_after(end)
          .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(cx509.KeyUsage(False, False, False, False, False, True, True, False,
                                        False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's
    # dummy TSA signs with RSA only
    tsa = (cx509.CertificateBuilder().subject_name(_name("disputekit test TSA"))
           .issuer_name(ca.subject).public_key(tsa_key.public_key()).serial_number(2)
           .not_valid_before(start).not_valid_after(end)
           .add_extension(cx509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                          critical=True)
           .add_extension(cx509.KeyUsage(True, False, False, False, False, False, False, False,
                                         False), critical=True)
           .sign(ca_key, hashes.SHA256()))
    return ca, tsa, tsa_key


@contextlib.contextmanager
def running_tsa(folder: Path) -> Iterator[Tsa]:
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    ca, tsa, tsa_key = make_pki()
    der_key = tsa_key.private_bytes(serialization.Encoding.DER,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(tsa.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(der_key))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    roots = folder / "tsa-roots.pem"
    roots.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    try:
        yield Tsa(f"http://127.0.0.1:{server.server_address[1]}/", roots)
    finally:
        server.shutdown()
        server.server_close()
