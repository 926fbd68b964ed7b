"""Where the apps above billing take part in a purchase (see ``core.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preceptor.core.hooks import Hook

if TYPE_CHECKING:
    from datetime import datetime

    from preceptor.accounts.models import User
    from preceptor.billing.models import Order

order_paid: Hook[[Order], object] = Hook("billing.order_paid")
"""Called once when a one-off order becomes paid, inside the transaction that records the payment: the app that
sells the item fulfils it there (a class seats its buyer, or waitlists them when it filled meanwhile). A function
ignores orders for items it does not sell (its answer is not used); e-mail and other side effects go through
``transaction.on_commit``."""

order_refunded: Hook[[Order], object] = Hook("billing.order_refunded")
"""Called once when a paid one-off order is refunded (or charged back), in the transaction that records it: the
app that sold the item takes it back (a class frees the buyer's seat or waitlist place)."""

pro_granted: Hook[[User, datetime], datetime | None] = Hook("billing.pro_granted")
"""Asked by ``membership_for`` when the member has no paid subscription or Pro granted by staff: an app that
gives Pro another way (a seat in an organisation, ``teams``) answers until when, or None."""
