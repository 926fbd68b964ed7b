from __future__ import annotations

from datetime import datetime
from typing import Any

from preceptor.cme.models import (
    Claim,
    EvaluationResponse,
    FacultyDisclosure,
    LearnerIdentity,
    ParsRecord,
    RequirementStatus,
)
from preceptor.core.personal_data import PersonalData, row

CME_RETENTION = "6 years after completion (CME records), then deleted."
CME_BASIS = "Contract; the accreditors' record-keeping rules (GDPR art. 6(1)(b), (c))"
ERASED = "Erased member"

PERSONAL_DATA = [
    PersonalData(
        model=Claim,
        fields=(
            "activity",
            "credit_type",
            "claimed_credits",
            "minutes",
            "completed_at",
            "learner_name",
            "learner_profession",
            "quiz_score",
            "revoked_at",
        ),
        purpose="Your credit claims and the certificates they issue; anyone with a certificate's address can "
        "verify it.",
        legal_basis=CME_BASIS,
        retention=CME_RETENTION,
        erasure="pseudonymise",
        recipients=(
            "Joint provider (AMA PRA credit)",
            "EACCME® (European credit)",
            "Whoever you give a certificate's address",
        ),
    ),
    PersonalData(
        model=EvaluationResponse,
        fields=("activity", "answers", "submitted_at"),
        purpose="The post-activity evaluation the accreditors require before credit.",
        legal_basis=CME_BASIS,
        retention=CME_RETENTION,
        erasure="keep",
        recipients=("Joint provider (AMA PRA credit)",),
    ),
    PersonalData(
        model=LearnerIdentity,
        fields=LearnerIdentity.PARS_FIELDS,
        purpose="The name on your certificates and, with your consent, what PARS needs to identify you.",
        legal_basis="Contract; consent for PARS reporting (GDPR art. 6(1)(b), (a))",
        retention="Life of the account.",
        erasure="delete",
        recipients=("ACCME (PARS), only with your consent",),
    ),
    PersonalData(
        model=RequirementStatus,
        fields=("activity", "credit_type", "requirement", "satisfied", "reason", "checked_at"),
        purpose="Which requirements for credit you have met.",
        legal_basis=CME_BASIS,
        retention=CME_RETENTION,
        erasure="keep",
    ),
    PersonalData(
        model=ParsRecord,
        fields=("action", "year", "record", "exported_at"),
        purpose="What was reported about you to PARS, so that it can be corrected or deleted there.",
        legal_basis="Consent (GDPR art. 6(1)(a)); the accreditors' rules",
        retention=CME_RETENTION,
        erasure="pseudonymise",
        recipients=("ACCME (PARS)",),
    ),
    PersonalData(
        model=FacultyDisclosure,
        fields=("full_name", "role", "status", "relationships", "mitigation", "disclosed_on"),
        purpose="Faculty disclosures of financial relationships, shown to learners as the ACCME requires.",
        legal_basis="Legal obligation under the accreditation standards (GDPR art. 6(1)(c))",
        retention="6 years after the activity ends.",
        erasure="keep",
        recipients=("Everyone who views the activity",),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    identity = LearnerIdentity.objects.filter(user=user).first()
    return {
        "identity": row(identity, PERSONAL_DATA[2].fields) if identity else None,
        "claims": [
            {**row(c, PERSONAL_DATA[0].fields), "activity": c.activity.title, "certificate": str(c.certificate_id)}
            for c in Claim.objects.filter(user=user).select_related("activity__course")
        ],
        "evaluations": [
            {**row(e, ("answers", "submitted_at")), "activity": e.activity.title}
            for e in EvaluationResponse.objects.filter(user=user).select_related("activity__course")
        ],
        "requirements": [row(r, PERSONAL_DATA[3].fields) for r in RequirementStatus.objects.filter(user=user)],
        "pars_records": [
            row(p, PERSONAL_DATA[4].fields) for p in ParsRecord.objects.filter(claim__user=user).order_by("id")
        ],
        "faculty_disclosures": [row(d, PERSONAL_DATA[5].fields) for d in FacultyDisclosure.objects.filter(user=user)],
    }


def erase_user(user: Any) -> list[str]:
    """CME records stay 6 years (docs/requirements.md#cme-18) but no longer name the member: the certificate shows
    "Erased member", and what was sent to PARS keeps its ids with the names and identifiers removed."""
    identity = LearnerIdentity.objects.filter(user=user).first()
    names = {user.full_name, user.email}
    if identity:
        names |= {identity.first_name, identity.last_name, identity.npi, identity.birth_date}
        names |= {x["number"] for x in identity.licences} | {x["id"] for x in identity.board_ids}
    names.discard("")
    claims = Claim.objects.filter(user=user)
    count = claims.count()
    claims.update(learner_name=ERASED)
    for record in ParsRecord.objects.filter(claim__user=user):
        ParsRecord.objects.filter(pk=record.pk).update(record=_scrub_text(record.record, names))
    for response in EvaluationResponse.objects.filter(user=user):
        EvaluationResponse.objects.filter(pk=response.pk).update(answers=_scrub_text(response.answers, names))
    LearnerIdentity.objects.filter(user=user).delete()
    FacultyDisclosure.objects.filter(user=user).update(user=None)  # names stay; the cached pages are unaffected
    kept = []
    if count:
        kept.append(
            f"CME credit records ({count}): kept 6 years as the accreditors require; certificates now read "
            f"“{ERASED}” and stay verifiable."
        )
    return kept


def _scrub_text(value: Any, names: set[str]) -> Any:
    """Free-text answers may mention the member: replace each name inside the text as well."""
    if isinstance(value, dict):
        return {k: _scrub_text(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_text(v, names) for v in value]
    if isinstance(value, str):
        for name in sorted(names, key=len, reverse=True):
            value = value.replace(name, ERASED)
    return value


def purge(now: datetime) -> dict[str, int]:
    """CME records 6 years after completion (claims, PARS records, and what no kept claim rests on)."""
    from preceptor.cme.services import cme_records_purge

    return cme_records_purge(now=now)
