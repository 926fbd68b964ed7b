from __future__ import annotations

from typing import Any

from celery import shared_task

from preceptor.core import hooks
from preceptor.core.mail import message_from_dict


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_send(self: Any, payload: dict[str, Any]) -> int:
    """Send the queued message. Mail sent unasked (it carries ``List-Unsubscribe``) skips every recipient the
    ``email_refused`` hook refuses (a suppressed address: decision 0029), checked now, not when it was queued."""
    message = message_from_dict(payload)
    if any(name.lower() == "list-unsubscribe" for name in message.extra_headers):
        message.to, message.cc, message.bcc = (
            [address for address in addresses if not any(hooks.email_refused.call(address))]
            for addresses in (message.to, message.cc, message.bcc)
        )
        if not message.recipients():
            return 0
    return message.send()


@shared_task(ignore_result=True)
def outbox_send_task() -> int:
    """Beat, every CELERY_OUTBOX_SECONDS: queue the tasks kept while the broker was away (core/outbox.py)."""
    from preceptor.core.outbox import outbox_flush

    return outbox_flush()
