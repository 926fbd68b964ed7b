from __future__ import annotations

import json
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast

from preceptor.billing.models import Customer, DemoSubscription, Order, ProviderEvent, Receipt, Subscription
from preceptor.core.personal_data import PersonalData, row

PERSONAL_DATA = [
    PersonalData(
        model=Customer,
        fields=("provider", "provider_id"),
        purpose="Reusing your customer record at Stripe or PayPal for later payments.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account.",
        erasure="delete",
        recipients=("Stripe (processor)", "PayPal (controller for its own account holders)"),
    ),
    PersonalData(
        model=Subscription,
        fields=("provider", "status", "current_period_end", "cancel_at_period_end", "created_at", "ended_at"),
        purpose="Your Pro membership and what it gives access to.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="7 years after it ends (accounting records).",
        erasure="keep",
        recipients=("Stripe or PayPal, whichever you paid with",),
    ),
    PersonalData(
        model=Receipt,
        fields=("description", "amount", "currency", "period_start", "period_end", "paid_at", "status"),
        purpose="Receipts and accounting.",
        legal_basis="Legal obligation to keep accounting records (GDPR art. 6(1)(c))",
        retention="7 years.",
        erasure="keep",
        recipients=("Accountants and tax authorities when required by law",),
    ),
    PersonalData(
        model=Order,
        fields=("item", "description", "amount", "currency", "status", "created_at", "paid_at"),
        purpose="One-off purchases, such as a single class, and what they give access to.",
        legal_basis="Contract; accounting law for paid orders (GDPR art. 6(1)(b), (c))",
        retention="7 years for paid orders (accounting records).",
        erasure="keep",
        recipients=("Stripe or PayPal, whichever you paid with",),
    ),
    PersonalData(
        model=DemoSubscription,
        fields=("status", "current_period_start", "current_period_end"),
        purpose="The demo checkout's stand-in for a payment provider (demo servers only).",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account.",
        erasure="delete",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {
        "customers": [row(c, ("provider", "provider_id")) for c in Customer.objects.filter(user=user)],
        "demo_subscriptions": [
            row(d, ("status", "current_period_start", "current_period_end"))
            for d in DemoSubscription.objects.filter(user=user)
        ],
        "subscriptions": [row(s, PERSONAL_DATA[1].fields) for s in Subscription.objects.filter(user=user)],
        "orders": [row(o, PERSONAL_DATA[3].fields) for o in Order.objects.filter(user=user)],
        "receipts": [
            {**row(r, PERSONAL_DATA[2].fields), "reference": f"{r.provider} {r.provider_id}"}
            for r in Receipt.objects.filter(user=user)
        ],
    }


def erase_user(user: Any) -> list[str]:
    # Provider payloads (Stripe or PayPal events) may carry the address: keep the event, drop the address.
    for event in ProviderEvent.objects.annotate(text=Cast("payload", TextField())).filter(text__icontains=user.email):
        scrubbed = json.loads(json.dumps(event.payload).replace(user.email, "erased@invalid"))
        ProviderEvent.objects.filter(pk=event.pk).update(payload=scrubbed)
    Customer.objects.filter(user=user).delete()
    DemoSubscription.objects.filter(user=user).delete()
    kept = []
    receipts = Receipt.objects.filter(user=user).count()
    if receipts:
        kept.append(f"Receipts ({receipts}): kept 7 years under accounting law, linked to the erased account only.")
    if Order.objects.filter(user=user).exists():
        kept.append("Orders: kept with the receipts they explain (7 years).")
    if Subscription.objects.filter(user=user).exists():
        kept.append("Subscriptions: kept with the receipts they explain (7 years).")
    return kept
