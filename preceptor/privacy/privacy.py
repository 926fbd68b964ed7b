from __future__ import annotations

from typing import Any

from preceptor.core.personal_data import PersonalData, row
from preceptor.privacy.models import ConsentRecord, DataRequest, Disclosure, PolicyAcknowledgement

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
    PersonalData(
        model=Disclosure,
        fields=(
            "recipient",
            "recipient_role",
            "data_categories",
            "purpose",
            "legal_basis",
            "transfer_country",
            "safeguard",
            "channel",
            "occurred_at",
        ),
        purpose="The ledger of who received your personal data, shown to you at /settings/data/.",
        legal_basis="Legal obligation (GDPR art. 15(1)(c), 19)",
        retention="As long as the disclosed records are kept.",
        erasure="keep",
    ),
    PersonalData(
        model=DataRequest,
        fields=("kind", "status", "received_at", "due_at", "completed_at"),
        purpose="Answering your requests for a copy or deletion of your data.",
        legal_basis="Legal obligation (GDPR art. 12, 15, 17)",
        retention="3 years.",
        erasure="keep",
    ),
    PersonalData(
        model=PolicyAcknowledgement,
        fields=("policy", "acknowledged_at"),
        purpose="Proof that you were told of a material change to the privacy policy.",
        legal_basis="Legal obligation (GDPR art. 12, 13)",
        retention="Life of the account plus 3 years.",
        erasure="keep",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {
        "consent_records": [row(r, CONSENT_FIELDS) for r in ConsentRecord.objects.filter(user=user)],
        # Disclosures the law forbids telling the member about are left out.
        "disclosures": [
            row(d, PERSONAL_DATA[1].fields) for d in Disclosure.objects.filter(user=user, restricted=False)
        ],
        "policy_acknowledgements": [
            {"policy": a.policy.version, "acknowledged_at": a.acknowledged_at.isoformat()}
            for a in PolicyAcknowledgement.objects.filter(user=user).select_related("policy")
        ],
        "data_requests": [row(r, PERSONAL_DATA[2].fields) for r in DataRequest.objects.filter(user=user)],
    }


def erase_user(user: Any) -> list[str]:
    kept = []
    if count := ConsentRecord.objects.filter(user=user).count():
        kept.append(f"Consent records ({count}): kept 3 years as proof of your choices, linked to the erased account.")
    if count := Disclosure.objects.filter(user=user).count():
        kept.append(f"Disclosure ledger ({count}): kept so recipients can be told of the erasure (GDPR art. 19).")
    return kept
