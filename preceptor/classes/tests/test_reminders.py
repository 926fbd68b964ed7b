"""Class reminders go 24 hours and 1 hour before, once each, and respect the member's mail preferences."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from preceptor.classes import services


def test_reminders_go_24_hours_and_1_hour_before_once_each_and_respect_preferences(
    live_class, pro_member, staff, django_capture_on_commit_callbacks
):
    from preceptor.mail.selectors import preferences_for

    services.registration_create(user=pro_member, live_class=live_class)
    services.registration_create(user=staff, live_class=live_class)
    preference = preferences_for(staff)
    preference.class_reminders = False
    preference.save()
    mail.outbox.clear()
    start = live_class.starts_at
    assert services.reminders_send(now=start - timedelta(hours=30)) == {"24h": 0, "1h": 0}
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=start - timedelta(hours=23))
        services.reminders_send(now=start - timedelta(hours=22))
    assert [m.subject for m in mail.outbox] == ["Tomorrow: ECG clinic"]
    assert mail.outbox[0].to == ["pro@example.org"] and "List-Unsubscribe" in mail.outbox[0].extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=start - timedelta(minutes=50))
        services.reminders_send(now=start - timedelta(minutes=40))
    assert [m.subject for m in mail.outbox] == ["Tomorrow: ECG clinic", "In one hour: ECG clinic"]
