"""The free trial: its start is recorded for conversions, and the reminder before it ends goes once."""

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_trial_start_is_recorded_for_later_conversions(learner):
    from preceptor.core.models import DomainEvent

    assert DomainEvent.objects.filter(kind="trial_started", user=learner, reference=f"trial:{learner.pk}").exists()


def test_trial_ending_reminder_goes_once_to_members_whose_trial_ends_within_two_days(
    learner, outsider, pro_member, mailoutbox, django_capture_on_commit_callbacks
):
    from preceptor.billing.tasks import trial_ending_reminders

    learner.trial_ends_at = timezone.now() + timedelta(days=1)
    learner.save()
    pro_member.trial_ends_at = timezone.now() + timedelta(days=1)  # Pro already: no reminder
    pro_member.save()
    # outsider's trial ends in 7 days: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert trial_ending_reminders() == 1
        assert trial_ending_reminders() == 0
    assert [m.to for m in mailoutbox] == [[learner.email]]
    assert "trial ends soon" in mailoutbox[0].subject
