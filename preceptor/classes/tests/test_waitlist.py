"""A full class waitlists, and a cancellation promotes the first in line and tells them by e-mail."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from preceptor.classes import services


def test_a_full_class_waitlists_and_a_cancellation_promotes_the_first_in_line(
    live_class, pro_member, staff, outsider, django_capture_on_commit_callbacks
):
    from preceptor.accounts.services import complimentary_pro_grant

    complimentary_pro_grant(user=outsider, until=timezone.now() + timedelta(days=30), actor=None)
    first = services.registration_create(user=pro_member, live_class=live_class)
    services.registration_create(user=staff, live_class=live_class)
    waiting = services.registration_create(user=outsider, live_class=live_class)
    assert (first.status, waiting.status) == ("registered", "waitlisted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=first)
    assert promoted == waiting
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert [m.subject for m in mail.outbox] == ["[Preceptor] A seat is yours: ECG clinic"] and mail.outbox[0].to == [
        outsider.email
    ]
