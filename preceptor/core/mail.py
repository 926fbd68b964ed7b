"""Outgoing e-mail: rendered in the request, sent by a Celery task after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def message_to_dict(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [list(alt) for alt in getattr(message, "alternatives", [])],
        "content_subtype": message.content_subtype,
    }


def message_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc"),
        bcc=data.get("bcc"),
        reply_to=data.get("reply_to"),
        headers=data.get("headers"),
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data.get("alternatives", []):
        message.attach_alternative(content, mimetype)
    return message


def email_queue(message: EmailMessage) -> None:
    """Send ``message`` from a background task once the current transaction has committed."""
    from preceptor.core.tasks import email_send

    payload = message_to_dict(message)
    transaction.on_commit(lambda: email_send.delay(payload))
