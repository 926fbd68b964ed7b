from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from preceptor.billing.models import Receipt
from preceptor.core.mail import email_queue


def site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def receipt_email(*, receipt_id: int) -> None:
    receipt = Receipt.objects.select_related("user").get(pk=receipt_id)
    context = {"receipt": receipt, "url": site_url(reverse("billing:overview"))}
    subject = render_to_string("billing/email/receipt_subject.txt", context).strip()
    body = render_to_string("billing/email/receipt_message.txt", context)
    email_queue(EmailMessage(subject=subject, body=body, to=[receipt.user.email]))
