from __future__ import annotations

import json
from typing import Any

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext, gettext_noop

from preceptor.billing.models import (
    BillingDetails,
    Customer,
    DemoSubscription,
    Order,
    ProviderEvent,
    Receipt,
    Subscription,
)
from preceptor.core.personal_data import (
    DataCategory,
    LegalBasis,
    LegalHold,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)

ACCOUNTING = Period(amount=7, unit="years", setting="RETENTION_ACCOUNTING_YEARS")
ACCOUNTING_LAW = gettext_noop("accounting and tax law (records of payments and invoices)")

PERSONAL_DATA = [
    PersonalData(
        model=Customer,
        name=gettext_noop("Customer records at payment providers"),
        fields=("provider", "provider_id"),
        purpose=gettext_noop("Reusing your customer record at Stripe or PayPal for later payments."),
        purposes=(Purpose.PAYMENT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.PAYMENT,),
        sources=(Source.PAYMENT_PROVIDER,),
        rules=(UntilErasure(),),
        erasure="delete",
        processors=("stripe", "paypal"),
    ),
    PersonalData(
        model=Subscription,
        name=gettext_noop("Subscriptions"),
        fields=("provider", "status", "current_period_end", "cancel_at_period_end", "created_at", "ended_at"),
        purpose=gettext_noop("Your Pro membership and what it gives access to."),
        purposes=(Purpose.PAYMENT, Purpose.ACCOUNTING),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        categories=(DataCategory.PAYMENT,),
        sources=(Source.MEMBER, Source.PAYMENT_PROVIDER),
        rules=(LegalHold(period=ACCOUNTING, anchor="ended_at", event=gettext_noop("it ends"), law=ACCOUNTING_LAW),),
        erasure="keep",
        processors=("stripe", "paypal"),
    ),
    PersonalData(
        model=Receipt,
        name=gettext_noop("Receipts and invoices"),
        fields=(
            "description",
            "amount",
            "currency",
            "period_start",
            "period_end",
            "paid_at",
            "status",
            "invoice_number",
            "invoice_buyer",
        ),
        purpose=gettext_noop(
            "Receipts and invoices (made out to your billing details as they were when you paid); accounting."
        ),
        purposes=(Purpose.ACCOUNTING,),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        categories=(DataCategory.INVOICE, DataCategory.PAYMENT),
        sources=(Source.MEMBER, Source.PAYMENT_PROVIDER),
        rules=(LegalHold(period=ACCOUNTING, anchor="paid_at", event=gettext_noop("payment"), law=ACCOUNTING_LAW),),
        erasure="keep",
        processors=("tax_authorities",),
    ),
    PersonalData(
        model=Order,
        name=gettext_noop("Orders"),
        fields=("item", "description", "amount", "currency", "status", "created_at", "paid_at"),
        purpose=gettext_noop("One-off purchases, such as a single class, and what they give access to."),
        purposes=(Purpose.PAYMENT, Purpose.ACCOUNTING),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        categories=(DataCategory.PAYMENT,),
        sources=(Source.MEMBER, Source.PAYMENT_PROVIDER),
        rules=(
            UntilErasure(note=gettext_noop("a paid order gives access for the life of the account")),
            LegalHold(
                period=ACCOUNTING,
                anchor="paid_at",
                when=(("user__is_active", False),),
                event=gettext_noop("payment"),
                law=ACCOUNTING_LAW,
                note=gettext_noop("paid orders, also after erasure"),
            ),
        ),
        erasure="keep",
        processors=("stripe", "paypal"),
    ),
    PersonalData(
        model=BillingDetails,
        name=gettext_noop("Billing details"),
        fields=("name", "organisation", "address", "vat_id"),
        purpose=gettext_noop("Who your invoices are made out to, for reimbursement and tax."),
        purposes=(Purpose.ACCOUNTING,),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        categories=(DataCategory.IDENTITY, DataCategory.INVOICE),
        sources=(Source.MEMBER,),
        rules=(
            UntilErasure(
                note=gettext_noop("the copy in each issued invoice is made out to an erased member on erasure")
            ),
        ),
        erasure="delete",
    ),
    PersonalData(
        model=DemoSubscription,
        name=gettext_noop("Demo subscriptions"),
        fields=("status", "current_period_start", "current_period_end"),
        purpose=gettext_noop("The demo checkout's stand-in for a payment provider (demo servers only)."),
        purposes=(Purpose.PAYMENT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.PAYMENT,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
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
        "billing_details": [
            row(d, ("name", "organisation", "address", "vat_id")) for d in BillingDetails.objects.filter(user=user)
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
    _provider_erasure(user)
    Customer.objects.filter(user=user).delete()
    BillingDetails.objects.filter(user=user).delete()
    # Invoices are kept under accounting law with their numbers and amounts, pseudonymised like CME records.
    erased_buyer = {"name": "Erased member", "organisation": "", "address": "", "vat_id": "", "email": ""}
    Receipt.objects.filter(user=user, invoice_number__isnull=False).update(invoice_buyer=erased_buyer)
    DemoSubscription.objects.filter(user=user).delete()
    kept = []
    receipts = Receipt.objects.filter(user=user).count()
    if receipts:
        kept.append(
            gettext(
                "Receipts and invoices (%(count)d): kept 7 years under accounting law with their numbers and "
                "amounts, made out to an erased member, linked to the erased account only."
            )
            % {"count": receipts}
        )
    if Order.objects.filter(user=user).exists():
        kept.append(gettext("Orders: kept with the receipts they explain (7 years)."))
    if Subscription.objects.filter(user=user).exists():
        kept.append(gettext("Subscriptions: kept with the receipts they explain (7 years)."))
    return kept


def _provider_erasure(user: Any) -> None:
    """The payment providers' part of the erasure chain (decision 0029), recorded per provider (``core.erasure``):
    a customer record at a provider with a deletion API (Stripe) is deleted by a task queued after the erasure
    commits; a provider without one (PayPal) gets a task saying what the privacy officer must ask of it (once)."""
    from functools import partial

    from django.db import transaction

    from preceptor.billing.providers import registry
    from preceptor.billing.tasks import customer_delete_task
    from preceptor.core.erasure import Channel, Status, erasure_notice_record, erasure_notices
    from preceptor.core.outbox import task_enqueue

    for customer in Customer.objects.filter(user=user).order_by("provider"):
        if customer.provider not in registry.PROVIDERS or not registry.get(customer.provider).can_delete_customers:
            continue
        erasure_notice_record(
            subject=user,
            recipient=customer.provider,
            channel=Channel.API,
            status=Status.QUEUED,
            detail=f"Delete customer {customer.provider_id}.",
        )
        enqueue = partial(task_enqueue, customer_delete_task, customer.provider, customer.provider_id, user.pk)
        transaction.on_commit(enqueue)
    recorded = erasure_notices(user.pk)
    for name in sorted(registry.PROVIDERS):
        ask = registry.get(name).erasure_ask()
        if not ask or name in recorded:
            continue
        references = sorted(
            set(Subscription.objects.filter(user=user, provider=name).values_list("provider_id", flat=True))
            | set(
                Order.objects.filter(user=user, provider=name)
                .exclude(provider_id="")
                .values_list("provider_id", flat=True)
            )
        )
        if references or Customer.objects.filter(user=user, provider=name).exists():
            erasure_notice_record(
                subject=user,
                recipient=name,
                channel=Channel.TASK,
                status=Status.OPEN,
                detail=ask,
                data={"references": references},
            )
