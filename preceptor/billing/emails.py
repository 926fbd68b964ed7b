from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.billing.models import Receipt, Subscription
from preceptor.core.http import absolute_url
from preceptor.core.mail import email_queue, email_render


def receipt_email(*, receipt_id: int) -> None:
    receipt = Receipt.objects.select_related("user").get(pk=receipt_id)
    _send("receipt", {"receipt": receipt, "url": absolute_url(reverse("billing:overview"))}, receipt.user)


def _send(template: str, context: dict, user: User) -> None:
    """To the member, in their language (these are sent from webhooks and scheduled jobs: no visitor's language)."""
    email_queue(
        email_render(
            template_prefix=f"billing/email/{template}", context=context, to=user.email, language=user.language or None
        )
    )


def payment_failed_email(*, subscription_id: int) -> None:
    subscription = Subscription.objects.select_related("user").get(pk=subscription_id)
    context = {
        "subscription": subscription,
        "user": subscription.user,
        "url": absolute_url(reverse("billing:overview")),
        "grace_days": settings.BILLING_PAST_DUE_GRACE_DAYS,
    }
    _send("payment_failed", context, subscription.user)


def trial_ending_email(*, user) -> None:
    context = {"user": user, "url": absolute_url(reverse("billing:pricing"))}
    _send("trial_ending", context, user)
