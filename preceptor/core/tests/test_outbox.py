"""The task outbox without a broker (eager mode, as in ``make run``): tasks run in-process as before, stored rows
are sent once, and a row claimed by one sender is left alone by another. The broker-down path against a real
Redis is in test_redis_outage.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from preceptor.core.mail import message_to_dict
from preceptor.core.models import OutboxTask
from preceptor.core.outbox import outbox_flush, task_enqueue
from preceptor.core.services import outbox_task_claim, outbox_task_store
from preceptor.core.tasks import email_send

pytestmark = pytest.mark.django_db


def payload(subject: str = "Hello") -> dict:
    """A message shaped like ours (the suite checks every message sent): the site named, an HTML part."""
    message = EmailMultiAlternatives(f"[Preceptor] {subject}", "Body\n\nPreceptor", "a@example.org", ["b@example.org"])
    message.attach_alternative("<p>Body</p><p>Preceptor</p>", "text/html")
    return message_to_dict(message)


def test_without_a_broker_a_task_runs_in_process_and_nothing_is_stored():
    task_enqueue(email_send, payload("Now"))
    assert [m.subject for m in mail.outbox] == ["[Preceptor] Now"]
    assert not OutboxTask.objects.exists()


def test_stored_tasks_are_sent_oldest_first_once_and_deleted(capsys):
    outbox_task_store(task=email_send.name, args=[payload("First")], kwargs={}, error="broker away")
    outbox_task_store(task=email_send.name, args=[payload("Second")], kwargs={}, error="broker away")
    call_command("send_outbox")
    assert "queued: 2, still waiting: 0" in capsys.readouterr().out
    assert outbox_flush() == 0  # a second run sends nothing again
    assert [m.subject for m in mail.outbox] == ["[Preceptor] First", "[Preceptor] Second"]
    assert not OutboxTask.objects.exists()


def test_a_row_claimed_by_one_sender_is_left_alone_by_another_until_the_claim_runs_out():
    row = outbox_task_store(task=email_send.name, args=[payload()], kwargs={})
    assert outbox_task_claim(task_id=row.pk) is not None
    assert outbox_task_claim(task_id=row.pk) is None
    assert outbox_flush() == 0 and mail.outbox == []
    OutboxTask.objects.filter(pk=row.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox_flush() == 1
    assert len(mail.outbox) == 1


def test_the_outbox_is_declared_personal_data():
    from preceptor.core.privacy import PERSONAL_DATA

    assert OutboxTask in {declaration.model for declaration in PERSONAL_DATA}
