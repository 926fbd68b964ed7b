from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.emails import trial_ending_email
from preceptor.billing.selectors import membership_for

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
        sent += 1
    return sent
