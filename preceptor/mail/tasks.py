from __future__ import annotations

from typing import Any

from celery import shared_task

from preceptor.mail.services import newsletter_batch_send, newsletters_due_start


@shared_task(ignore_result=True)
def newsletters_due_task() -> int:
    """Beat, every minute: start the scheduled newsletters whose time has come."""
    return newsletters_due_start()


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8, ignore_result=True)
def newsletter_batch_task(self: Any, newsletter_id: int) -> dict[str, int]:
    """Send one batch of the newsletter and queue the next while members are left. A batch interrupted by a
    crash or a broken mail-server connection is safe to run again: claimed members are never sent twice."""
    from preceptor.core.outbox import task_enqueue

    result = newsletter_batch_send(newsletter_id=newsletter_id)
    if result["more"]:
        task_enqueue(newsletter_batch_task, newsletter_id)
    return result
