from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from preceptor.core.models import AuditEvent, DomainEvent
from preceptor.core.personal_data import PersonalData, row

PERSONAL_DATA = [
    PersonalData(
        model=AuditEvent,
        fields=("actor", "subject", "action", "target", "created_at"),
        purpose="Accountability: who changed accounts, money, credit, certificates, consent and roles.",
        legal_basis="Legal obligation and legitimate interest (GDPR art. 6(1)(c), (f))",
        retention="As long as the record it documents (CME records 6 years, invoices 7 years).",
        erasure="keep",
        recipients=("Preceptor staff",),
    ),
    PersonalData(
        model=DomainEvent,
        fields=("kind", "reference", "data", "created_at"),
        purpose="Business events (trial started, purchase completed) that consent-gated features may act on.",
        legal_basis="Legitimate interest (GDPR art. 6(1)(f)); sending to ad platforms only with consent",
        retention="25 months.",
        erasure="delete",
    ),
    PersonalData(
        model=LogEntry,
        fields=("user", "object_repr", "action_time", "change_message"),
        purpose="Staff changes made in the back office.",
        legal_basis="Legitimate interest (GDPR art. 6(1)(f))",
        retention="Life of the account.",
        erasure="pseudonymise",
        recipients=("Preceptor staff",),
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
    return ["Audit events: kept as proof of what was done (they contain no name, e-mail or other values)."]
