from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop

from preceptor.core.models import AuditEvent, DomainEvent, OutboxTask
from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    Duration,
    Export,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    row,
)

AUDIT = Period(amount=7, unit="years", setting="RETENTION_AUDIT_YEARS")

PERSONAL_DATA = [
    PersonalData(
        model=AuditEvent,
        name=gettext_noop("Audit events"),
        fields=("actor", "subject", "action", "target", "created_at"),
        purpose=gettext_noop("Accountability: who changed accounts, money, credit, certificates, consent and roles."),
        purposes=(Purpose.ACCOUNTABILITY,),
        bases=(LegalBasis.LEGAL_OBLIGATION, LegalBasis.LEGITIMATE_INTEREST),
        categories=(DataCategory.ACTIVITY,),
        sources=(Source.OBSERVED, Source.STAFF),
        rules=(
            Duration(
                period=AUDIT, anchor="created_at", note=gettext_noop("as long as the longest record it documents")
            ),
        ),
        erasure="keep",
        audiences=(Audience.STAFF,),
    ),
    PersonalData(
        model=DomainEvent,
        name=gettext_noop("Business events"),
        fields=("kind", "reference", "data", "created_at"),
        purpose=gettext_noop(
            "Business events (trial started, purchase completed) that consent-gated features may act on."
        ),
        purposes=(Purpose.ACCOUNT, Purpose.MARKETING),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("sending to ad platforms only with consent"),
        categories=(DataCategory.ACTIVITY,),
        sources=(Source.OBSERVED,),
        rules=(
            Duration(
                period=Period(amount=25, unit="months", setting="RETENTION_DOMAIN_EVENTS_MONTHS"), anchor="created_at"
            ),
        ),
        erasure="delete",
        processors=("google_ads", "meta"),
    ),
    PersonalData(
        model=OutboxTask,
        name=gettext_noop("Queued tasks"),
        fields=("task", "args", "kwargs", "created_at"),
        purpose=gettext_noop(
            "Sending e-mail and other background work that could not be queued while the task queue was away."
        ),
        purposes=(Purpose.EMAIL,),
        bases=(LegalBasis.CONTRACT,),
        basis_note=gettext_noop("as for the message or work it carries"),
        categories=(DataCategory.CONTACT, DataCategory.ACTIVITY),
        sources=(Source.OBSERVED,),
        rules=(
            Duration(
                period=Period(amount=30, unit="days", setting="RETENTION_OUTBOX_DAYS"),
                anchor="created_at",
                note=gettext_noop("normally minutes: until the task queue takes the task"),
            ),
        ),
        erasure="keep",
        export=Export.NOT_LINKED,
    ),
    PersonalData(
        model=LogEntry,
        name=gettext_noop("Back-office changes"),
        fields=("user", "object_repr", "action_time", "change_message"),
        purpose=gettext_noop("Staff changes made in the back office."),
        purposes=(Purpose.ACCOUNTABILITY,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        categories=(DataCategory.ACTIVITY,),
        sources=(Source.STAFF,),
        rules=(Duration(period=AUDIT, anchor="action_time"),),
        erasure="pseudonymise",
        audiences=(Audience.STAFF,),
    ),
]

AUDIT_FIELDS = ("created_at", "action", "actor", "subject", "target", "data")
LOG_FIELDS = ("action_time", "user", "object_repr", "change_message")


def export_user(user: Any) -> dict[str, Any]:
    events = AuditEvent.objects.filter(Q(subject=user) | Q(actor=user)).order_by("created_at", "id")
    return {
        "audit_events": [row(event, AUDIT_FIELDS) for event in events],
        "back_office_changes": [
            row(entry, LOG_FIELDS)
            for entry in LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
            )
        ],
        "domain_events": [
            row(e, ("kind", "reference", "data", "created_at")) for e in DomainEvent.objects.filter(user=user)
        ],
    }


def erase_user(user: Any) -> list[str]:
    # Back-office log lines about this member name them in ``object_repr``; keep the line, drop the name.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)).update(
        object_repr="[erased member]"
    )
    DomainEvent.objects.filter(user=user).delete()
    # Audit events hold field names and ids, never the values; they point at the pseudonymised account.
    return [gettext("Audit events: kept as proof of what was done (they contain no name, e-mail or other values).")]
