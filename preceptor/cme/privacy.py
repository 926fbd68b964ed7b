from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext, gettext_noop

from preceptor.cme.models import (
    Claim,
    EvaluationResponse,
    FacultyDisclosure,
    LearnerIdentity,
    ParsRecord,
    RequirementStatus,
)
from preceptor.core.pagecache import members_changed
from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    Export,
    LegalBasis,
    LegalHold,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)

CME_PERIOD = Period(amount=6, unit="years")  # cme.services.CME_RETENTION
CME_RULES = gettext_noop("the accreditors' record-keeping rules (ACCME, EACCME®)")
CME_BASES = (LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION)
CME_PURGE = "cme.services.cme_records_purge"


def cme_hold(anchor: str, event: str, *, note: str = "") -> LegalHold:
    """CME records: kept 6 years after ``event`` as the accreditors require, then deleted by the CME purge."""
    return LegalHold(period=CME_PERIOD, anchor=anchor, event=event, law=CME_RULES, purge=CME_PURGE, note=note)


ERASED = "Erased member"

PERSONAL_DATA = [
    PersonalData(
        model=Claim,
        name=gettext_noop("Credit claims"),
        fields=(
            "activity",
            "credit_type",
            "claimed_credits",
            "minutes",
            "measured_minutes",
            "time_reason",
            "completed_at",
            "learner_name",
            "learner_profession",
            "quiz_score",
            "revoked_at",
        ),
        purpose=gettext_noop(
            "Your credit claims and the certificates they issue; anyone with a certificate's address can verify it."
        ),
        purposes=(Purpose.CME_CREDIT,),
        bases=CME_BASES,
        categories=(DataCategory.CREDIT, DataCategory.IDENTITY, DataCategory.PROFESSIONAL),
        sources=(Source.MEMBER, Source.OBSERVED),
        rules=(cme_hold("completed_at", gettext_noop("completion")),),
        erasure="pseudonymise",
        processors=("joint_provider", "eaccme"),
        audiences=(Audience.PUBLIC,),
    ),
    PersonalData(
        model=EvaluationResponse,
        name=gettext_noop("Evaluation responses"),
        fields=("activity", "answers", "submitted_at"),
        purpose=gettext_noop("The post-activity evaluation the accreditors require before credit."),
        purposes=(Purpose.CME_CREDIT,),
        bases=CME_BASES,
        categories=(DataCategory.ASSESSMENT,),
        sources=(Source.MEMBER,),
        rules=(
            cme_hold(
                "submitted_at",
                gettext_noop("submission"),
                note=gettext_noop("longer while a kept credit claim rests on it"),
            ),
        ),
        erasure="keep",
        export=Export.SUMMARY,
        processors=("joint_provider",),
    ),
    PersonalData(
        model=LearnerIdentity,
        name=gettext_noop("Learner identities (PARS)"),
        fields=LearnerIdentity.PARS_FIELDS,
        purpose=gettext_noop("The name on your certificates and, with your consent, what PARS needs to identify you."),
        purposes=(Purpose.CME_CREDIT,),
        bases=(LegalBasis.CONTRACT, LegalBasis.CONSENT),
        basis_note=gettext_noop("consent for PARS reporting"),
        categories=(DataCategory.IDENTITY, DataCategory.PROFESSIONAL),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
        erasure="delete",
        processors=("accme_pars",),
    ),
    PersonalData(
        model=RequirementStatus,
        name=gettext_noop("Requirements for credit"),
        fields=("activity", "credit_type", "requirement", "satisfied", "reason", "checked_at"),
        purpose=gettext_noop("Which requirements for credit you have met."),
        purposes=(Purpose.CME_CREDIT,),
        bases=CME_BASES,
        categories=(DataCategory.CREDIT,),
        sources=(Source.OBSERVED,),
        rules=(cme_hold("checked_at", gettext_noop("the check")),),
        erasure="keep",
    ),
    PersonalData(
        model=ParsRecord,
        name=gettext_noop("PARS records"),
        fields=("action", "year", "record", "exported_at"),
        purpose=gettext_noop("What was reported about you to PARS, so that it can be corrected or deleted there."),
        purposes=(Purpose.CME_CREDIT,),
        bases=(LegalBasis.CONSENT,),
        basis_note=gettext_noop("the accreditors' rules"),
        categories=(DataCategory.CREDIT, DataCategory.PROFESSIONAL),
        sources=(Source.OBSERVED,),
        rules=(cme_hold("claim__completed_at", gettext_noop("completion of the claim reported")),),
        erasure="pseudonymise",
        processors=("accme_pars",),
    ),
    PersonalData(
        model=FacultyDisclosure,
        name=gettext_noop("Faculty disclosures"),
        fields=("full_name", "role", "status", "relationships", "mitigation", "disclosed_on"),
        purpose=gettext_noop(
            "Faculty disclosures of financial relationships, shown to learners as the ACCME requires."
        ),
        purposes=(Purpose.CME_CREDIT, Purpose.TEACHING),
        bases=(LegalBasis.LEGAL_OBLIGATION,),
        basis_note=gettext_noop("the accreditation standards"),
        categories=(DataCategory.IDENTITY, DataCategory.PROFESSIONAL),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(
            LegalHold(
                period=CME_PERIOD,
                anchor="activity__expiration_date",
                event=gettext_noop("the activity ends"),
                law=CME_RULES,
            ),
        ),
        erasure="keep",
        audiences=(Audience.PUBLIC,),
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
            {"activity": e.activity.title, "submitted_at": e.submitted_at.isoformat(), "answers": _evaluation_text(e)}
            for e in EvaluationResponse.objects.filter(user=user).select_related("activity__course")
        ],
        "requirements": [row(r, PERSONAL_DATA[3].fields) for r in RequirementStatus.objects.filter(user=user)],
        "pars_records": [
            row(p, PERSONAL_DATA[4].fields) for p in ParsRecord.objects.filter(claim__user=user).order_by("id")
        ],
        "faculty_disclosures": [row(d, PERSONAL_DATA[5].fields) for d in FacultyDisclosure.objects.filter(user=user)],
    }


def _evaluation_text(response: EvaluationResponse) -> list[dict[str, str]]:
    """The evaluation as the member gave it: each question's text with the answer (and comment) as text."""
    answers = []
    for answer in response.answers.values():
        if not isinstance(answer, dict):
            continue
        item = {"question": str(answer.get("question", "")), "answer": str(answer.get("value", ""))}
        if answer.get("comment"):
            item["comment"] = str(answer["comment"])
        answers.append(item)
    return answers


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
    members_changed([user.pk])
    for record in ParsRecord.objects.filter(claim__user=user):
        ParsRecord.objects.filter(pk=record.pk).update(record=_scrub_text(record.record, names))
    for response in EvaluationResponse.objects.filter(user=user):
        EvaluationResponse.objects.filter(pk=response.pk).update(answers=_scrub_text(response.answers, names))
    LearnerIdentity.objects.filter(user=user).delete()
    FacultyDisclosure.objects.filter(user=user).update(user=None)  # names stay; the cached pages are unaffected
    kept = []
    if count:
        kept.append(
            gettext(
                "CME credit records (%(count)d): kept 6 years as the accreditors require; certificates now read "
                "“%(erased)s” and stay verifiable."
            )
            % {"count": count, "erased": ERASED}
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
