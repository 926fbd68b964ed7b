"""Extension points the privacy app offers to the apps above it (``core/hooks.py`` explains hooks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from preceptor.core.hooks import Hook

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

erasure_contact: Hook[[str], str] = Hook("privacy.erasure_contact")
"""Asked, when an erasure tells the recipients in the member's disclosure ledger (GDPR art. 19), for the e-mail
address of the ledger recipient named (``Disclosure.recipient``, as the app that disclosed wrote it); an app
answers for the recipients it writes (classes: a class's teacher) and "" for any other. The first address wins;
without one the processors register's contact is used, and without that a task is recorded (decision 0029)."""


@dataclass(frozen=True)
class ErasureChoice:
    """A choice an app offers the member on the account deletion form, e.g. what happens to their comments.
    ``options`` are (value, label) pairs, the first the default; the answer is kept with the erasure request and
    read back by the app's ``erase_user`` with ``privacy.selectors.erasure_option(user, key, default)``."""

    key: str  # "<app>.<what>", e.g. "magazine.comments"
    label: StrOrPromise
    options: tuple[tuple[str, StrOrPromise], ...]


erasure_choices: Hook[[Any], ErasureChoice | None] = Hook("privacy.erasure_choices")
"""Asked with the member when the account deletion form is shown: the choices an app offers (None: nothing to
choose, e.g. the member wrote no comments)."""
