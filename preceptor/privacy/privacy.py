from __future__ import annotations

from typing import Any

from preceptor.privacy.models import ConsentRecord
from preceptor.privacy.registry import PersonalData, row

CONSENT_FIELDS = (
    "created_at",
    "action",
    "surface",
    "granted",
    "denied",
    "policy_version",
    "banner_version",
    "language",
    "signals",
    "user_agent",
    "expires_at",
)

PERSONAL_DATA = [
    PersonalData(
        model=ConsentRecord,
        fields=CONSENT_FIELDS,
        purpose="Proof of every cookie and tracking decision you made (GDPR art. 7(1)).",
        legal_basis="Legal obligation to prove consent (GDPR art. 6(1)(c), 7(1))",
        retention="Life of the account plus 3 years.",
        erasure="keep",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {"consent_records": [row(r, CONSENT_FIELDS) for r in ConsentRecord.objects.filter(user=user)]}


def erase_user(user: Any) -> list[str]:
    count = ConsentRecord.objects.filter(user=user).count()
    if not count:
        return []
    return [f"Consent records ({count}): kept as proof of your choices for 3 years, linked to the erased account only."]
