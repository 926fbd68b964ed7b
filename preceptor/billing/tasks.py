from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.emails import trial_ending_email
from preceptor.billing.selectors import membership_for
from preceptor.core.pagecache import members_changed

REMIND_BEFORE = timedelta(days=2)


@shared_task
def trial_ending_reminders() -> int:
    """E-mail members whose trial ends within two days and who are not Pro; once per member."""
    now = timezone.now()
    due = User.objects.filter(
        is_active=True,
        trial_ends_at__gt=now,
        trial_ends_at__lte=now + REMIND_BEFORE,
        trial_reminder_sent_at__isnull=True,
    )
    sent = 0
    for user in due:
        if membership_for(user, now=now).is_pro:
            continue
        trial_ending_email(user=user)
        User.objects.filter(pk=user.pk).update(trial_reminder_sent_at=now)
        members_changed([user.pk])
        sent += 1
    return sent


@shared_task(bind=True, max_retries=8)
def customer_delete_task(self: Any, provider_name: str, provider_id: str, user_id: int) -> str:
    """After an erasure commits: delete the erased member's customer record at the provider, and record the
    outcome (``core.erasure``). Idempotent: a customer already gone counts as done, so a retry or a replayed
    erasure changes nothing. A provider that cannot be reached is retried with a growing delay, each failure
    recorded."""
    from preceptor.billing.providers import registry
    from preceptor.billing.providers.base import ProviderError
    from preceptor.core.erasure import Channel, Status, erasure_notice_record

    user = User.objects.get(pk=user_id)
    provider = registry.get(provider_name)
    try:
        deleted = provider.customer_delete(provider_id=provider_id)
    except ProviderError as exc:
        erasure_notice_record(
            subject=user, recipient=provider_name, channel=Channel.API, status=Status.FAILED, detail=str(exc)[:300]
        )
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    detail = f"Customer {provider_id} deleted." if deleted else f"Customer {provider_id} was already gone."
    erasure_notice_record(subject=user, recipient=provider_name, channel=Channel.API, status=Status.DONE, detail=detail)
    return "deleted" if deleted else "gone"
