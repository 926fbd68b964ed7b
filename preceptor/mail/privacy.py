from __future__ import annotations

from typing import Any

from preceptor.core.personal_data import PersonalData, row
from preceptor.mail.models import EmailEvent, EmailPreference

PERSONAL_DATA = [
    PersonalData(
        model=EmailPreference,
        fields=("newsletter", "product_news", "class_reminders", "updated_at"),
        purpose="Sending only the optional e-mails you asked for.",
        legal_basis="Consent (GDPR art. 6(1)(a))",
        retention="Life of the account.",
        erasure="delete",
        recipients=("E-mail delivery provider (processor)",),
    ),
    PersonalData(
        model=EmailEvent,
        fields=("campaign", "kind", "url", "created_at"),
        purpose="Opens and clicks per recipient, only with your e-mail tracking consent.",
        legal_basis="Consent (GDPR art. 6(1)(a))",
        retention="12 months.",
        erasure="delete",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    preference = EmailPreference.objects.filter(user=user).first()
    return {
        "email_preferences": row(preference, PERSONAL_DATA[0].fields) if preference else None,
        "email_events": [row(e, PERSONAL_DATA[1].fields) for e in EmailEvent.objects.filter(user=user)],
    }


def erase_user(user: Any) -> list[str]:
    EmailEvent.objects.filter(user=user).delete()
    EmailPreference.objects.filter(user=user).delete()
    return []
