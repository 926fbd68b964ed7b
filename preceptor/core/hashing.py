"""Keyed hashes of e-mail addresses: a record can say "this address" without holding it.

A plain SHA-256 of an address is reversed by hashing a list of addresses, so anything kept about an erased address
(the mail suppression list, the privacy app's erasure log) stores an HMAC-SHA256 under a key derived from
``SECRET_KEY`` instead. Hashes made under a key listed in ``SECRET_KEY_FALLBACKS`` still match after a rotation
(``address_hashes``). Decision 0029.
"""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

# The salt the suppression list was first keyed with; changing it would orphan every stored hash.
KEY_SALT = "preceptor.mail.suppression"


def normalise_address(address: str) -> str:
    """The bare address in lower case (``Name <a@b>`` gives ``a@b``)."""
    return parseaddr(address)[1].strip().lower()


def address_hash(address: str, *, secret: str | None = None) -> str:
    """The keyed hash of ``address`` (under ``secret``, default ``SECRET_KEY``)."""
    return salted_hmac(KEY_SALT, normalise_address(address), secret=secret, algorithm="sha256").hexdigest()


def address_hashes(address: str) -> list[str]:
    """The hashes ``address`` may be stored under: the current key's first, then each fallback key's."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [address_hash(address, secret=secret) for secret in secrets]
