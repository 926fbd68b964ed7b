"""The e-mail suppression list: addresses we never send mail unasked to again, kept as keyed hashes.

An erased member's address joins the list (``mail.privacy.erase_user``). The list holds no address in clear
text: each entry is an HMAC-SHA256 of the normalised address under a key derived from ``SECRET_KEY``, so the
list can answer "is this address suppressed?" but cannot be read back, nor checked by anyone without the key.
Entries made under a key listed in ``SECRET_KEY_FALLBACKS`` still match after a key rotation.

Only mail we send unasked is refused: marketing (it carries ``List-Unsubscribe``), refused when built
(``messages.marketing_message``) and again when sent (``core.hooks.email_refused``, checked by
``core.tasks.email_send``). Mail someone asks for by typing the address (sign-up, password reset) and the
erasure's own answer still go: decision 0029.
"""

from __future__ import annotations

from preceptor.accounts.models import User
from preceptor.core.hashing import address_hash, address_hashes
from preceptor.core.hashing import normalise_address as normalise
from preceptor.mail.models import SuppressedAddress

__all__ = ["address_hash", "is_refused", "normalise", "refused_among", "suppressed"]


def suppressed(address: str) -> SuppressedAddress | None:
    """The list's entry for ``address``, or None."""
    if not normalise(address):
        return None
    return SuppressedAddress.objects.filter(address_hash__in=address_hashes(address)).order_by("-created_at").first()


def is_refused(address: str) -> bool:
    """Whether mail sent unasked to ``address`` must not go: it is on the list, and no account with that address
    joined after it was put there. A new account made later with the same address (allowed: the list is not a
    sign-up block) chose its own mail from then on; the erased account, even restored from a backup, did not."""
    entry = suppressed(address)
    if entry is None:
        return False
    return not User.objects.filter(
        email__iexact=normalise(address), is_active=True, date_joined__gt=entry.created_at
    ).exists()


def refused_among(addresses: list[str]) -> set[str]:
    """Which of ``addresses`` ``is_refused`` refuses, asked with one query for the lot (a newsletter batch): only an
    address with an entry on the list is looked at more closely."""
    hashes = {address: address_hashes(address) for address in addresses if normalise(address)}
    listed = set(
        SuppressedAddress.objects.filter(address_hash__in=[h for found in hashes.values() for h in found]).values_list(
            "address_hash", flat=True
        )
    )
    return {address for address, found in hashes.items() if listed.intersection(found) and is_refused(address)}
