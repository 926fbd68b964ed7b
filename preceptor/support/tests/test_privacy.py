"""Tickets in the member's data export and erasure, and their retention after closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from preceptor.privacy.registry import erase_user, export_user
from preceptor.privacy.services import retention_run
from preceptor.support.models import Attachment, Message, Ticket
from preceptor.support.services import ticket_answer_send
from preceptor.support.tests.conftest import PNG

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_members_tickets_without_staff_notes(learner, ticket_of, staff_in):
    ticket = ticket_of(learner, files=[("screen.png", PNG)])
    ticket_of(email=learner.email, subject="Asked before signing in")
    ticket_of(email="someone@example.org", subject="Not theirs")
    ticket_answer_send(ticket=ticket, author=staff_in("Support"), body="Internal only", internal=True)
    exported = export_user(learner)["support"]["support_tickets"]
    assert sorted(t["subject"] for t in exported) == ["Asked before signing in", "The video stops"]
    mine = next(t for t in exported if t["subject"] == "The video stops")
    assert [m["body"] for m in mine["messages"]] == ["It stops after a minute."]
    assert mine["messages"][0]["attachments"] == [
        {"filename": "screen.png", "content_type": "image/png", "size": len(PNG)}
    ]


def test_erasure_deletes_the_members_tickets_and_their_files(learner, ticket_of, staff_in, settings):
    ticket = ticket_of(learner, files=[("screen.png", PNG)])
    path = settings.MEDIA_ROOT / Attachment.objects.get().file.name
    assert path.exists()
    other = ticket_of(email="someone@example.org")
    agent = staff_in("Support")
    ticket_answer_send(ticket=other, author=agent, body="Answered.")
    erase_user(learner)
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not Attachment.objects.exists() and not path.exists()
    assert Ticket.objects.filter(pk=other.pk).exists()


def test_an_erased_staff_members_answers_stay_without_their_name(ticket_of, staff_in):
    ticket = ticket_of()
    agent = staff_in("Support")
    ticket_answer_send(ticket=ticket, author=agent, body="Answered.")
    erase_user(agent)
    assert Message.objects.get(body="Answered.").author is None


def test_closed_tickets_are_deleted_after_the_retention_period_open_ones_are_kept(ticket_of, settings):
    settings.RETENTION_SUPPORT_TICKETS_MONTHS = 24
    old_closed, open_old = ticket_of(), ticket_of(subject="Still open")
    now = timezone.now()
    Ticket.objects.filter(pk=old_closed.pk).update(status="closed", closed_at=now - timedelta(days=800))
    Ticket.objects.filter(pk=open_old.pk).update(created_at=now - timedelta(days=1000))
    retention_run(now=now)
    assert list(Ticket.objects.values_list("subject", flat=True)) == ["Still open"]
