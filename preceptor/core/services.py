from __future__ import annotations

from typing import Any

from django.db import models, transaction

from preceptor.core.models import AuditEvent, DomainEvent


def target_label(obj: models.Model | None) -> str:
    if obj is None:
        return ""
    return f"{obj._meta.label}:{obj.pk}"


def audit_event_record(
    *,
    action: str,
    actor: Any = None,
    subject: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. ``actor``/``subject`` accept a user, an anonymous user or None."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject=subject if getattr(subject, "is_authenticated", False) else None,
        target=target_label(target),
        data=data or {},
    )


def domain_event_record(
    *, kind: str, reference: str, user: Any = None, data: dict[str, Any] | None = None
) -> DomainEvent:
    """Record once per (kind, reference); a repeat returns the first record."""
    event, created = DomainEvent.objects.get_or_create(
        kind=kind, reference=reference, defaults={"user": user, "data": data or {}}
    )
    if created:
        from preceptor.analytics.conversions import destinations

        if destinations():  # ad conversions are configured: send after commit, consent permitting
            from preceptor.analytics.tasks import conversion_task

            transaction.on_commit(lambda: conversion_task.delay(event.pk))
    return event
