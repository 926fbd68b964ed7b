"""The transfer archive of a merger or acquisition, and how it is sealed for the acquirer.

The archive (a ZIP, before encryption) holds:

- ``members/<id>.zip``: each member's data export, exactly as the member downloads it (``data_export_build``);
- ``service/<app>.<model>.json``: the data the service needs to go on (courses, lessons, quizzes, CME activities,
  prices, the policy versions), in Django's JSON serialisation;
- ``manifest.json``: the acquirer, when, how many members, and a SHA-256 of every file.

It is sealed with a fresh AES-256-GCM key; that key is encrypted to the acquirer's public key:

- RSA (at least 3072 bits): RSA-OAEP with SHA-256 (MGF1-SHA-256, no label) wraps the 32-byte key;
- X25519: an ephemeral X25519 key agreement, HKDF-SHA-256 (no salt, info ``preceptor-transfer-v1``) derives it.

The sealed file is ``MAGIC`` (8 bytes), the header's length (4 bytes, big-endian), the header (UTF-8 JSON:
``format``, ``algorithm``, ``acquirer``, ``created_at``, ``nonce`` and ``wrapped_key`` or ``ephemeral_public_key``
in base64), then the AES-GCM ciphertext with its 16-byte tag at the end. The header bytes are the associated
data, so changing any of them fails the decryption. ``archive_decrypt`` is the reference for the acquirer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.core import serializers

from preceptor.accounts.models import User
from preceptor.privacy.selectors import data_export_build, zip_with_manifest

MAGIC = b"PRCPTR01"
HKDF_INFO = b"preceptor-transfer-v1"
RSA_MIN_BITS = 3072
RSA_ALGORITHM = "RSA-OAEP-SHA256+AES-256-GCM"
X25519_ALGORITHM = "X25519-HKDF-SHA256+AES-256-GCM"

# The data the service needs to go on without its members' accounts (those travel in each member's export).
SERVICE_DATA = (
    "catalog.Specialty",
    "catalog.Course",
    "catalog.Module",
    "catalog.Lesson",
    "catalog.LessonFile",
    "quizzes.Quiz",
    "quizzes.Question",
    "quizzes.Option",
    "cme.Provider",
    "cme.Activity",
    "cme.EvaluationQuestion",
    "classes.TeacherTerms",
    "classes.LiveClass",
    "billing.Price",
    "billing.InvoiceCounter",
    "privacy.PolicyVersion",
)

PublicKey = rsa.RSAPublicKey | x25519.X25519PublicKey
PrivateKey = rsa.RSAPrivateKey | x25519.X25519PrivateKey


def public_key_load(pem: bytes) -> PublicKey:
    """The acquirer's public key (PEM): RSA of at least 3072 bits or X25519; anything else is a ``ValueError``."""
    key = serialization.load_pem_public_key(pem)
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < RSA_MIN_BITS:
            raise ValueError(f"An RSA key needs at least {RSA_MIN_BITS} bits, this one has {key.key_size}.")
        return key
    if isinstance(key, x25519.X25519PublicKey):
        return key
    raise ValueError("The public key must be RSA or X25519.")


def public_key_fingerprint(key: PublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def service_data() -> dict[str, bytes]:
    files = {}
    for label in SERVICE_DATA:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        files[f"service/{label}.json"] = serializers.serialize("json", model._default_manager.order_by("pk")).encode()
    return files


def archive_build(*, members: Sequence[User], acquirer: str, now: datetime) -> bytes:
    """The archive before encryption: every member's export, the service data and a manifest."""
    files = {f"members/{member.pk}.zip": data_export_build(user=member, now=now) for member in members}
    files.update(service_data())
    return zip_with_manifest(files, {"acquirer": acquirer, "generated_at": now.isoformat(), "members": len(members)})


def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(shared)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def archive_encrypt(plain: bytes, recipient: PublicKey, *, acquirer: str, created_at: str = "") -> bytes:
    """``plain`` sealed to ``recipient`` in the format described at the top of this module."""
    nonce = os.urandom(12)
    header: dict[str, Any] = {"format": 1, "acquirer": acquirer, "created_at": created_at, "nonce": _b64(nonce)}
    if isinstance(recipient, rsa.RSAPublicKey):
        key = AESGCM.generate_key(bit_length=256)
        header["algorithm"] = RSA_ALGORITHM
        header["wrapped_key"] = _b64(recipient.encrypt(key, _oaep()))
    else:
        ephemeral = x25519.X25519PrivateKey.generate()
        key = _derive(ephemeral.exchange(recipient))
        header["algorithm"] = X25519_ALGORITHM
        header["ephemeral_public_key"] = _b64(
            ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
    header_bytes = json.dumps(header, sort_keys=True).encode()
    return MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + AESGCM(key).encrypt(nonce, plain, header_bytes)


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def archive_decrypt(sealed: bytes, private_key: PrivateKey) -> bytes:
    """What the acquirer runs: the plain archive back from the sealed file (``InvalidTag`` when tampered with)."""
    if sealed[: len(MAGIC)] != MAGIC:
        raise ValueError("Not a Preceptor transfer archive.")
    (length,) = struct.unpack(">I", sealed[len(MAGIC) : len(MAGIC) + 4])
    start = len(MAGIC) + 4
    header_bytes = sealed[start : start + length]
    header = json.loads(header_bytes)
    if header["algorithm"] == RSA_ALGORITHM and isinstance(private_key, rsa.RSAPrivateKey):
        key = private_key.decrypt(base64.b64decode(header["wrapped_key"]), _oaep())
    elif header["algorithm"] == X25519_ALGORITHM and isinstance(private_key, x25519.X25519PrivateKey):
        ephemeral = x25519.X25519PublicKey.from_public_bytes(base64.b64decode(header["ephemeral_public_key"]))
        key = _derive(private_key.exchange(ephemeral))
    else:
        raise ValueError(f"This key does not open an archive sealed with {header['algorithm']}.")
    return AESGCM(key).decrypt(base64.b64decode(header["nonce"]), sealed[start + length :], header_bytes)
