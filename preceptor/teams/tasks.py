from __future__ import annotations

from celery import shared_task

from preceptor.teams.services import assignment_reminders_send


@shared_task
def assignment_reminders_task() -> int:
    return assignment_reminders_send()
