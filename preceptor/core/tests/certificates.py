"""A self-signed certificate and its key, made for a test (PayPal's webhook signer, an organisation's SAML
identity provider): nothing is read from disk or the network."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def self_signed(common_name: str, *, ip: str | None = None) -> tuple[rsa.RSAPrivateKey, bytes]:
    """An RSA key and a certificate for ``common_name`` valid from yesterday for 30 days, as PEM. With ``ip``, a
    server's certificate for that address, which is also its own authority (a test's TLS server, trusted by
    naming the certificate as the client's bundle)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
    )
    if ip is not None:
        certificate = certificate.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        ).add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return key, certificate.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
