from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from preceptor.analytics.tests.test_conversions import endpoint  # noqa: F401 - the fake ad endpoints
from preceptor.support.services import ticket_create

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
# What a visitor types into the contact form.
QUESTION = {
    "name": "Vera Visitor",
    "email": "visitor@example.org",
    "topic": "technical",
    "subject": "The video stops",
    "message": "It stops after a minute, every time.",
}


@pytest.fixture
def ticket_of():
    """``ticket_of(user)``: a question from ``user`` (a member, or None for a visitor at visitor@example.org)."""

    def make(user: Any = None, **kwargs: Any):
        values = {
            "user": user,
            "name": "" if user else "Vera Visitor",
            "email": "" if user else "visitor@example.org",
            "topic": "technical",
            "subject": "The video stops",
            "body": "It stops after a minute.",
        }
        return ticket_create(**(values | kwargs))

    return make


def postmark_payload(*, sender: str, to: str, text: str = "Thanks!", **extra: Any) -> dict[str, Any]:
    """An inbound message in Postmark's JSON format (the fields we read, and a few we do not)."""
    return {
        "FromName": "Vera Visitor",
        "MessageStream": "inbound",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Vera Visitor", "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": ""}],
        "Cc": "",
        "CcFull": [],
        "OriginalRecipient": to,
        "Subject": "Re: The video stops",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "Date": "Fri, 1 Aug 2026 16:45:32 -04:00",
        "TextBody": text,
        "HtmlBody": "",
        "Headers": [],
        "Attachments": [],
        **extra,
    }


def postmark_file(name: str, content: bytes, content_type: str) -> dict[str, Any]:
    return {
        "Name": name,
        "Content": base64.b64encode(content).decode(),
        "ContentType": content_type,
        "ContentLength": len(content),
    }


def post_inbound(client, payload: Any, secret: str = "inbound-secret"):  # noqa: S107 - a test secret
    return client.post(
        "/support/webhooks/postmark/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
