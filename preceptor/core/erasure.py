"""The erasure chain's records: who outside Preceptor was told of a member's erasure, how, and with what outcome.

Every step beyond our own database is recorded as an audit event ``privacy.erasure_notice`` about the erased
member (its ``subject``): the art. 19 notice to each recipient in the member's disclosure ledger, the deletion
of the Stripe customer through its API, and the tasks that record what must be asked of parties that offer no
deletion API (PayPal, the e-mail provider). Audit events are append-only, so a later outcome (the Stripe
deletion done after a retry, a task closed by the privacy officer) is a new event for the same ``recipient``
and the latest one is the step's status (``erasure_notices``). Decision 0029.

Here in ``core`` so that every app taking part (privacy, billing, mail) records the same way without importing
one another.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models

from preceptor.core.models import AuditEvent
from preceptor.core.services import audit_event_record

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

ERASURE_NOTICE = "privacy.erasure_notice"


class Channel(StrEnum):
    EMAIL = "email"  # a notice e-mailed to the recipient's contact
    API = "api"  # a call to the recipient's API (the Stripe customer's deletion)
    TASK = "task"  # no contact or API: what must be asked, for the privacy officer to do


class Status(StrEnum):
    QUEUED = "queued"  # the e-mail or the API call is queued to run after the erasure commits
    DONE = "done"  # the API confirmed the deletion (or the record was already gone there)
    FAILED = "failed"  # the last attempt failed; it is retried
    OPEN = "open"  # a task waiting for the privacy officer
    CLOSED = "closed"  # the privacy officer recorded the task as done


def erasure_notice_record(
    *,
    subject: _User,
    recipient: str,
    channel: Channel,
    status: Status,
    target: models.Model | None = None,
    detail: str = "",
    data: dict[str, Any] | None = None,
    actor: _User | None = None,
) -> AuditEvent:
    """Record one step of the erasure chain for ``recipient`` (a ledger recipient's name, or ``stripe`` …).
    ``detail`` says what was asked or what went wrong; it never holds the erased address."""
    return audit_event_record(
        action=ERASURE_NOTICE,
        actor=actor,
        subject=subject,
        target=target,
        data={"recipient": recipient, "channel": str(channel), "status": str(status), "detail": detail, **(data or {})},
    )


def erasure_notices(subject_id: int) -> dict[str, AuditEvent]:
    """The latest record per recipient for the erased member ``subject_id``: the chain's current state."""
    latest: dict[str, AuditEvent] = {}
    for event in AuditEvent.objects.filter(action=ERASURE_NOTICE, subject_id=subject_id).order_by("created_at", "id"):
        latest[str(event.data.get("recipient", ""))] = event
    return latest


def erasure_tasks_open() -> list[AuditEvent]:
    """Every step of any erasure chain whose latest record is an open task, oldest first: the privacy officer's
    to-do list (``manage.py erasure_tasks``, the staff data-request queue)."""
    latest: dict[tuple[int | None, str], AuditEvent] = {}
    for event in AuditEvent.objects.filter(action=ERASURE_NOTICE).order_by("created_at", "id"):
        latest[(event.subject_id, str(event.data.get("recipient", "")))] = event
    return [event for event in latest.values() if event.data.get("status") == Status.OPEN]
