from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from preceptor.core import hooks
from preceptor.core.models import AuditEvent, DomainEvent, OutboxTask

if TYPE_CHECKING:
    # django-stubs' stand-in for settings.AUTH_USER_MODEL (see ``core.http``): accounts.User to the type checker.
    from django.contrib.auth.models import _User


def _target_label(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label}:{obj.pk}"


# Both are called inside their callers' transactions: ``savepoint=False`` makes them join it at no cost (no
# SAVEPOINT round trips), and a failing write fails the caller's whole action, as it must.
@transaction.atomic(savepoint=False)
def audit_event_record(
    *,
    action: str,
    actor: _User | AnonymousUser | None = None,
    subject: _User | AnonymousUser | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor``/``subject`` accept a user, an anonymous user or None."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        subject=subject if subject is not None and subject.is_authenticated else None,
        target=_target_label(target),
        data=data or {},
    )


@transaction.atomic(savepoint=False)
def domain_event_record(
    *, kind: str, reference: str, user: _User | None = None, data: dict[str, Any] | None = None
) -> DomainEvent:
    """Record once per (kind, reference); a repeat returns the first record."""
    event, created = DomainEvent.objects.get_or_create(
        kind=kind, reference=reference, defaults={"user": user, "data": data or {}}
    )
    if created:
        hooks.domain_event_recorded.call(event)
    return event


# The task outbox (core/outbox.py): a task the broker could not take is stored, claimed by one sender at a time,
# and deleted once the broker has taken it. Publishing happens between these transactions, never inside one.
@transaction.atomic
def outbox_task_store(*, task: str, args: list[Any], kwargs: dict[str, Any], error: str = "") -> OutboxTask:
    """Keep a task that could not be queued, to be queued again when the broker is back."""
    return OutboxTask.objects.create(task=task, args=args, kwargs=kwargs, last_error=error[:500])


@transaction.atomic
def outbox_task_claim(*, task_id: int, seconds: int = 60) -> OutboxTask | None:
    """Claim a stored task for ``seconds`` so that no other sender queues it meanwhile; None when it is gone or
    another sender holds it."""
    now = timezone.now()
    claimed = (
        OutboxTask.objects.filter(pk=task_id)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=seconds), attempts=models.F("attempts") + 1)
    )
    return OutboxTask.objects.filter(pk=task_id).first() if claimed else None


@transaction.atomic
def outbox_task_complete(*, task_id: int) -> int:
    """The broker took the task: forget it. Returns the number of rows deleted (0 or 1)."""
    deleted, _ = OutboxTask.objects.filter(pk=task_id).delete()
    return deleted


@transaction.atomic
def outbox_task_update(*, task_id: int, error: str) -> int:
    """The broker refused the task again: record why and release the claim for the next try."""
    return OutboxTask.objects.filter(pk=task_id).update(last_error=error[:500], claimed_until=None)
