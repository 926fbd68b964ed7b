from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction

from preceptor.core import hooks
from preceptor.core.models import AuditEvent, DomainEvent

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
