"""Bounce and complaint webhooks: our own documented format and Postmark's, behind a shared secret."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from preceptor.mail.models import EmailPreference, Newsletter, SuppressedAddress
from preceptor.mail.services import newsletter_batch_send
from preceptor.mail.suppression import is_refused, suppressed

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0123456789"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.MAIL_WEBHOOK_SECRET = SECRET


def post(path: str, payload, *, auth: str | None = f"Bearer {SECRET}", raw: bytes | None = None):
    headers = {"Authorization": auth} if auth else {}
    body = raw if raw is not None else json.dumps(payload)
    return Client(enforce_csrf_checks=True).post(path, data=body, content_type="application/json", headers=headers)


def basic(password: str, user: str = "postmark") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


POSTMARK_HARD_BOUNCE = {
    "RecordType": "Bounce",
    "MessageStream": "broadcast",
    "ID": 4323372036854775807,
    "Type": "HardBounce",
    "TypeCode": 1,
    "Name": "Hard bounce",
    "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
    "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
    "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    "Email": "Learner@Example.org",
    "From": "news@example.com",
    "BouncedAt": "2026-11-29T10:00:00Z",
    "DumpAvailable": True,
    "Inactive": True,
    "CanActivate": True,
    "Subject": "New courses",
}


def test_a_permanent_bounce_in_our_format_suppresses_the_member_and_the_next_newsletter_skips_them(learner):
    EmailPreference.objects.create(user=learner, newsletter=True)
    response = post("/mail/webhooks/bounces/", {"events": [{"type": "bounce", "email": learner.email}]})
    assert response.status_code == 200 and response.json() == {"suppressed": 1, "members": 1}
    assert suppressed(learner.email).reason == SuppressedAddress.Reason.BOUNCE
    newsletter = Newsletter.objects.create(subject="News", body="Hi", status=Newsletter.Status.SENDING)
    newsletter_batch_send(newsletter_id=newsletter.pk)
    assert newsletter.deliveries.get().status == "skipped"


def test_a_complaint_and_a_temporary_bounce(learner):
    response = post(
        "/mail/webhooks/bounces/",
        {
            "events": [
                {"type": "bounce", "email": "soft@example.org", "permanent": False},
                {"type": "complaint", "email": learner.email},
            ]
        },
    )
    assert response.json() == {"suppressed": 1, "members": 1}
    assert suppressed(learner.email).reason == SuppressedAddress.Reason.COMPLAINT
    assert suppressed("soft@example.org") is None


def test_an_unknown_address_is_suppressed_and_answered_200():
    response = post("/mail/webhooks/bounces/", {"type": "bounce", "email": "nobody@example.net"})
    assert response.status_code == 200 and response.json() == {"suppressed": 1, "members": 0}
    assert is_refused("nobody@example.net")


@pytest.mark.parametrize(
    "auth", [None, "Bearer wrong", f"Bearer {SECRET}x", basic("wrong"), "Basic !!!", f"Token {SECRET}", "Bearer "]
)
def test_a_wrong_or_missing_secret_is_refused_and_changes_nothing(learner, auth):
    response = post("/mail/webhooks/bounces/", {"type": "complaint", "email": learner.email}, auth=auth)
    assert response.status_code == 401
    response = post("/mail/webhooks/postmark/", POSTMARK_HARD_BOUNCE, auth=auth)
    assert response.status_code == 401
    assert not SuppressedAddress.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"events": []}',
        b'{"events": "bounce"}',
        b'{"type": "delivered", "email": "a@example.org"}',
        b'{"type": "bounce"}',
        b'{"type": "bounce", "email": "not an address"}',
        b'{"type": "bounce", "email": "a@example.org", "permanent": "yes"}',
        b'{"events": [{"type": "bounce", "email": "a@example.org"}, 7]}',
    ],
)
def test_malformed_input_is_a_400_and_changes_nothing(raw):
    assert post("/mail/webhooks/bounces/", None, raw=raw).status_code == 400
    assert not SuppressedAddress.objects.exists()


def test_webhooks_are_off_without_a_secret_and_refuse_get(settings):
    assert Client().get("/mail/webhooks/bounces/").status_code == 405
    settings.MAIL_WEBHOOK_SECRET = ""
    assert post("/mail/webhooks/bounces/", {"type": "bounce", "email": "a@example.org"}).status_code == 404
    assert post("/mail/webhooks/postmark/", POSTMARK_HARD_BOUNCE, auth=basic("")).status_code == 404


def test_postmark_hard_bounce_with_basic_auth_suppresses_the_address(learner):
    response = post("/mail/webhooks/postmark/", POSTMARK_HARD_BOUNCE, auth=basic(SECRET))
    assert response.status_code == 200 and response.json() == {"suppressed": 1, "members": 1}
    assert suppressed(learner.email).reason == SuppressedAddress.Reason.BOUNCE


def test_postmark_spam_complaint_and_soft_bounce_and_other_records(learner):
    complaint = {
        **POSTMARK_HARD_BOUNCE,
        "RecordType": "SpamComplaint",
        "Type": "SpamComplaint",
        "TypeCode": 100001,
        "Email": learner.email,
    }
    soft = {**POSTMARK_HARD_BOUNCE, "Type": "SoftBounce", "TypeCode": 4096, "Inactive": False, "Email": "s@example.org"}
    delivery = {"RecordType": "Delivery", "Recipient": "d@example.org", "MessageID": "x"}
    assert post("/mail/webhooks/postmark/", soft).json() == {"suppressed": 0, "members": 0}
    assert post("/mail/webhooks/postmark/", delivery).json() == {"suppressed": 0, "members": 0}
    assert post("/mail/webhooks/postmark/", complaint).json() == {"suppressed": 1, "members": 1}
    assert suppressed(learner.email).reason == SuppressedAddress.Reason.COMPLAINT
    assert suppressed("s@example.org") is None
    assert post("/mail/webhooks/postmark/", {"Email": "x@example.org"}).status_code == 400
    assert post("/mail/webhooks/postmark/", None, raw=b"<xml/>").status_code == 400
