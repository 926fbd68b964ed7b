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
    assert [m.subject for m in mail.outbox] == ["[Preceptor] Tomorrow: ECG clinic"]
    assert mail.outbox[0].to == ["pro@example.org"] and "List-Unsubscribe" in mail.outbox[0].extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=start - timedelta(minutes=50))
        services.reminders_send(now=start - timedelta(minutes=40))
    assert [m.subject for m in mail.outbox] == [
        "[Preceptor] Tomorrow: ECG clinic",
        "[Preceptor] In one hour: ECG clinic",
    ]


def test_each_member_is_reminded_in_their_own_language(
    live_class, pro_member, staff, django_capture_on_commit_callbacks
):
    from django.utils import timezone, translation

    from preceptor.core.templatetags.preceptor import weekday_datetime

    pro_member.language, staff.language = "de", "en"
    pro_member.save(update_fields=["language"])
    staff.save(update_fields=["language"])
    services.registration_create(user=pro_member, live_class=live_class)
    services.registration_create(user=staff, live_class=live_class)
    mail.outbox.clear()
    start = live_class.starts_at
    with django_capture_on_commit_callbacks(execute=True):  # the scheduled job: no request, no member's language
        services.reminders_send(now=start - timedelta(hours=23))

    by_address = {message.to[0]: message for message in mail.outbox}
    for member, language in ((pro_member, "de"), (staff, "en")):
        message = by_address[member.email]
        [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
        with translation.override(language):
            when = weekday_datetime(timezone.localtime(start, member.zone))
        assert f'<html lang="{language}">' in html and when in message.body
    with translation.override("en"):
        assert weekday_datetime(start) not in by_address[pro_member.email].body  # not the English words
