from __future__ import annotations

from celery import shared_task

from preceptor.classes.services import reminders_send


@shared_task
def class_reminders_task() -> dict[str, int]:
    return reminders_send()
