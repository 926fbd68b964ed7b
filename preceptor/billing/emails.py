from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from preceptor.billing.models import Receipt, Subscription
from preceptor.core.mail import email_queue


def site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def receipt_email(*, receipt_id: int) -> None:
    receipt = Receipt.objects.select_related("user").get(pk=receipt_id)
    _send("receipt", {"receipt": receipt, "url": site_url(reverse("billing:overview"))}, receipt.user.email)


def _send(template: str, context: dict, to: str) -> None:
    subject = render_to_string(f"billing/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"billing/email/{template}_message.txt", context)
    email_queue(EmailMessage(subject=subject, body=body, to=[to]))


def payment_failed_email(*, subscription_id: int) -> None:
    subscription = Subscription.objects.select_related("user").get(pk=subscription_id)
    context = {
        "subscription": subscription,
        "user": subscription.user,
        "url": site_url(reverse("billing:overview")),
        "grace_days": settings.BILLING_PAST_DUE_GRACE_DAYS,
    }
    _send("payment_failed", context, subscription.user.email)


def trial_ending_email(*, user) -> None:
    context = {"user": user, "url": site_url(reverse("billing:pricing"))}
    _send("trial_ending", context, user.email)
