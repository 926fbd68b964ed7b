"""Ad conversions (trial started, purchase, contact enquiry) sent server-side to Meta's Conversions API and
Google Ads — only when the member's consent in force grants the purpose, with a hashed e-mail, our own id as the
dedup id, and nothing about what they study. Each send is recorded in the member's disclosure ledger."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from preceptor.core.models import DomainEvent
from preceptor.privacy.selectors import member_grants
from preceptor.privacy.services import disclosures_record

if TYPE_CHECKING:
    import httpx

EVENTS = {
    "trial_started": ("StartTrial", "trial"),
    "purchase_completed": ("Purchase", "purchase"),
    "contact_enquiry": ("Contact", "contact"),  # a question sent through /support/ (support.services)
}
MAX_AGE = timedelta(days=7)
CUSTOM_DATA_ALLOWED = ("value", "currency", "content_type")


def normalised_email(email: str, *, google: bool = False) -> str:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if google and domain in ("gmail.com", "googlemail.com"):
        local = local.replace(".", "")
    return f"{local}@{domain}"


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def meta_payload(event: DomainEvent) -> dict[str, Any]:
    assert event.user is not None  # conversion_send skips events without a member
    name = EVENTS[event.kind][0]
    custom = {"content_type": "product"}
    if "value" in event.data:
        custom |= {"value": event.data["value"] / 100, "currency": event.data.get("currency", "EUR")}
    return {
        "data": [
            {
                "event_name": name,
                "event_time": int(event.created_at.timestamp()),
                "event_id": event.reference,
                "action_source": "website",
                "user_data": {"em": [sha256(normalised_email(event.user.email))]},
                "custom_data": {k: v for k, v in custom.items() if k in CUSTOM_DATA_ALLOWED},
            }
        ]
    }


def google_payload(event: DomainEvent) -> dict[str, Any]:
    assert event.user is not None  # conversion_send skips events without a member
    conversion = {
        "conversion_action": EVENTS[event.kind][1],
        "order_id": event.reference,
        "conversion_date_time": event.created_at.isoformat(),
        "user_identifiers": [{"hashed_email": sha256(normalised_email(event.user.email, google=True))}],
        "consent": {"ad_user_data": "GRANTED", "ad_personalization": "GRANTED"},
    }
    if "value" in event.data:
        conversion |= {"conversion_value": event.data["value"] / 100, "currency_code": event.data.get("currency")}
    return {"conversions": [conversion]}


def destinations() -> list[tuple[str, str, str, str]]:
    """(purpose, url, token, recipient) for each configured destination."""
    found = []
    if settings.META_PIXEL_ID and settings.META_CAPI_TOKEN:
        url = settings.META_CAPI_URL or f"https://graph.facebook.com/v21.0/{settings.META_PIXEL_ID}/events"
        found.append(("marketing_meta", url, settings.META_CAPI_TOKEN, "Meta Platforms Ireland (Conversions API)"))
    if settings.GOOGLE_ADS_ID and settings.GOOGLE_ADS_CONVERSIONS_URL:
        found.append(
            (
                "marketing_google",
                settings.GOOGLE_ADS_CONVERSIONS_URL,
                settings.GOOGLE_ADS_TOKEN,
                "Google Ireland (Google Ads conversions)",
            )
        )
    return found


def conversion_send(*, event: DomainEvent, transport: httpx.BaseTransport | None = None) -> list[str]:
    """Send the event where consent allows; returns the purposes it was sent for. Raises on HTTP errors so
    the task retries; already-sent destinations are skipped on a retry."""
    if event.kind not in EVENTS or event.user is None or timezone.now() - event.created_at > MAX_AGE:
        return []
    done = set(event.data.get("sent_to", []))
    sent = []
    import httpx  # here: only the conversion task needs it, and every process registers this module's hook

    with httpx.Client(timeout=10, transport=transport) as http:
        for purpose, url, token, recipient in destinations():
            if purpose in done or not member_grants(event.user, purpose):
                continue
            payload = meta_payload(event) if purpose == "marketing_meta" else google_payload(event)
            response = http.post(url, json=payload, headers={"Authorization": f"Bearer {token}"})
            response.raise_for_status()
            disclosures_record(
                users=[event.user],
                recipient=recipient,
                recipient_role="controller",
                data_categories=gettext_noop("hashed e-mail address, event type, value"),
                purpose=gettext_noop("Measuring our advertising"),
                legal_basis=f"Consent ({purpose})",
                channel="server-to-server",
                transfer_country="",
            )
            done.add(purpose)
            sent.append(purpose)
            # Kept at once, each destination on its own: a retry after a failure or a killed worker sends only
            # what is still missing.
            event.data = {**event.data, "sent_to": sorted(done)}
            DomainEvent.objects.filter(pk=event.pk).update(data=event.data, handled_at=timezone.now())
    return sent


def conversion_enqueue(event: DomainEvent) -> None:
    """Registered on ``core.hooks.domain_event_recorded``: when ad conversions are configured, send the event
    after the recording transaction commits (the task checks the member's consent then)."""
    if destinations():
        from preceptor.analytics.tasks import conversion_task
        from preceptor.core.outbox import task_enqueue

        transaction.on_commit(lambda: task_enqueue(conversion_task, event.pk))
