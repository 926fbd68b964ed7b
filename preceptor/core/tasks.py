from __future__ import annotations

from typing import Any

from celery import shared_task

from preceptor.core.mail import message_from_dict


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(self: Any, payload: dict[str, Any]) -> int:
    return message_from_dict(payload).send()
