"""CME actions: the evaluation (its default items and a member's submission), credit claims (submit, amend,
revoke), the learner's PARS identity and consent, and retention. Every change to a claim is audited
(requirement 19). Whether a member may claim, and how much, is decided in ``eligibility`` (pure rules); the
services here record the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from preceptor.accounts.models import User
from preceptor.cme.eligibility import (
    ActivityTerms,
    ClaimDecision,
    amount_for,
    amount_refusal,
    attended_minutes,
    completion_time,
    decide,
    default_evaluation_questions,
    learner_facts,
    minutes_for,
    recorded_minutes,
)
from preceptor.cme.models import (
    Activity,
    Claim,
    EvaluationQuestion,
    EvaluationResponse,
    LearnerIdentity,
    ParsRecord,
    RequirementStatus,
)
from preceptor.core.services import audit_event_record
from preceptor.quizzes.models import Attempt

# --- evaluation (requirements 7, 8) ------------------------------------------------------------------------


@transaction.atomic
def evaluation_questions_ensure(*, activity: Activity) -> list[EvaluationQuestion]:
    """Store the spec's default evaluation items for ``activity`` unless it has its own (staff edit them per
    activity afterwards). Returns the activity's questions."""
    Activity.objects.select_for_update().filter(pk=activity.pk).first()  # one first submission at a time
    existing = list(activity.evaluation_questions.all())
    if existing:
        return existing
    return EvaluationQuestion.objects.bulk_create(default_evaluation_questions(activity))


@transaction.atomic
def evaluation_submit(
    *, user: User, activity: Activity, answers: dict[str, dict[str, Any]], now: datetime | None = None
) -> EvaluationResponse:
    """Store the member's evaluation once (the form validated ``answers`` against the questions). The first
    submission for an activity without questions of its own stores the default items; answers to them arrive
    keyed ``d<position>`` and are stored under the new questions' ids."""
    now = now or timezone.now()
    if any(key.startswith("d") for key in answers):
        stored = {f"d{q.position}": str(q.pk) for q in evaluation_questions_ensure(activity=activity)}
        answers = {stored.get(key, key): answer for key, answer in answers.items()}
    response, created = EvaluationResponse.objects.get_or_create(
        user=user, activity=activity, defaults={"answers": answers, "submitted_at": now}
    )
    if created:
        audit_event_record(action="cme.evaluation_submitted", actor=user, subject=user, target=response)
    return response


# --- the learner's identity and PARS consent (requirements 21, 22) -----------------------------------------


@transaction.atomic
def pars_consent_set(*, identity: LearnerIdentity, consent: bool, now: datetime | None = None) -> LearnerIdentity:
    """Record the member's explicit choice (requirement 21). Withdrawing excludes future exports, and the next
    export deletes what was already sent."""
    if bool(identity.pars_consent_at) == consent:
        return identity
    identity.pars_consent_at = (now or timezone.now()) if consent else None
    identity.save(update_fields=["pars_consent_at", "updated_at"])
    audit_event_record(
        action="cme.pars_consent_given" if consent else "cme.pars_consent_withdrawn",
        actor=identity.user,
        subject=identity.user,
        target=identity,
    )
    return identity


@transaction.atomic
def learner_identity_save(
    *, identity: LearnerIdentity, pars_consent: bool, now: datetime | None = None
) -> LearnerIdentity:
    """Save the name and PARS details the member gave (validated by ``IdentityForm``) and their consent."""
    identity.save()
    return pars_consent_set(identity=identity, consent=pars_consent, now=now)


# --- claims (requirements 3, 4, 14, 19, 20) ----------------------------------------------------------------


class ClaimRefused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ClaimAttempt:
    """What one claim attempt recorded: the decision (every requirement's outcome) and the claims it created,
    none when it was refused."""

    decision: ClaimDecision
    claims: list[Claim]

    @property
    def refused(self) -> bool:
        return not self.decision.eligible

    @property
    def messages(self) -> list[str]:
        return list(self.decision.refusals)


def _snapshot(claim: Claim) -> dict[str, Any]:
    return {
        "activity": claim.activity_id,
        "credit_type": claim.credit_type,
        "credits": f"{claim.claimed_credits:.2f}",
        "minutes": claim.minutes,
        "measured_minutes": claim.measured_minutes,
        "time_reason": claim.time_reason,
        "certificate": str(claim.certificate_id),
    }


@transaction.atomic
def certificate_issue(*, claim: Claim) -> Claim:
    """A certificate is its claim's: issuing it makes sure it can state every field the accreditors require,
    or raises ``CertificateError`` (requirement 14), before the claim is committed. The PDF is drawn on
    request, always with the same id (requirement 17)."""
    # Imported here: the PDF module loads ReportLab (16 MB), which every process would otherwise carry from
    # start-up, since the admin imports this module.
    from preceptor.cme.certificates import certificate_fields

    certificate_fields(claim)
    return claim


def _requirement_statuses_record(
    *, user: User, activity: Activity, decision: ClaimDecision, now: datetime
) -> list[RequirementStatus]:
    return [
        RequirementStatus.objects.update_or_create(
            user=user,
            activity=activity,
            credit_type=credit_type,
            requirement=outcome.requirement,
            defaults={"satisfied": outcome.satisfied, "reason": outcome.reason, "checked_at": now},
        )[0]
        for credit_type, outcome in decision.outcomes
    ]


@transaction.atomic
def claim_submit(
    *,
    user: User,
    activity: Activity,
    credits: Decimal,
    identity: LearnerIdentity | None = None,
    pars_consent: bool | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> ClaimAttempt:
    """Claim ``credits`` for every credit type the member can claim, in one transaction: save the name and
    PARS details given with the claim (``identity``, ``pars_consent``), record every requirement's status
    (requirement 20), and when all hold, create the claims, issue their certificates and audit them. A refused
    claim keeps the recorded statuses and creates nothing. An amount that cannot be claimed raises
    ``ValidationError`` and anything that fails raises: then nothing is written. An amount above what the
    measured learning time supports needs ``reason``, which the claims keep with that time (decision 0020)."""
    now = now or timezone.now()
    terms = ActivityTerms.of(activity)
    facts = learner_facts(user=user, activity=activity)
    reason = reason.strip()[:2000]
    refusal = amount_refusal(
        terms, credits, attended_minutes=facts.attended_minutes, measured_minutes=facts.measured_minutes, reason=reason
    )
    if refusal is not None:
        raise refusal.error()
    if identity is not None:
        identity.user = user
        learner_identity_save(identity=identity, pars_consent=bool(pars_consent), now=now)
    decision = decide(terms, facts, timezone.localdate(now))
    _requirement_statuses_record(user=user, activity=activity, decision=decision, now=now)
    if not decision.eligible:
        return ClaimAttempt(decision=decision, claims=[])
    name = identity or LearnerIdentity.objects.filter(user=user).first()
    completed_at = completion_time(facts.evaluated_at or now, facts.best_attempt_at)
    claims = []
    for credit_type in decision.credit_types:
        amount = amount_for(terms, credit_type, credits)
        claim = Claim.objects.create(
            user=user,
            activity=activity,
            credit_type=credit_type,
            claimed_credits=amount,
            minutes=minutes_for(amount),
            measured_minutes=facts.attended_minutes if terms.is_live else facts.measured_minutes,
            time_reason=reason,
            completed_at=completed_at,
            learner_name=name.full_name if name else user.full_name,
            learner_profession=facts.profession,
            quiz_score=facts.best_score,
        )
        certificate_issue(claim=claim)
        audit_event_record(action="cme.claim_created", actor=user, subject=user, target=claim, data=_snapshot(claim))
        claims.append(claim)
    return ClaimAttempt(decision=decision, claims=claims)


def credit_claim(
    *, user: User, activity: Activity, credits: Decimal, reason: str = "", now: datetime | None = None
) -> list[Claim]:
    """``claim_submit`` for callers that want the claims or an exception: raises ``ClaimRefused`` (after the
    requirement statuses were committed) when a requirement does not hold. Not a transaction of its own: it
    would roll the recorded statuses back with the refusal; ``claim_submit`` is the transaction."""
    attempt = claim_submit(user=user, activity=activity, credits=credits, reason=reason, now=now)
    if attempt.refused:
        raise ClaimRefused(attempt.messages)
    return attempt.claims


@transaction.atomic
def claim_amend(*, claim: Claim, credits: Decimal, actor: User, reason: str = "", now: datetime | None = None) -> Claim:
    """Correct the credits of a claim; the certificate keeps its id. PARS gets delete-then-add at next export.
    The learning time on record is taken again; more than it supports needs ``reason`` (decision 0020)."""
    if claim.is_revoked:
        raise ClaimRefused([_("A revoked claim cannot be changed.")])
    activity = claim.activity
    terms = ActivityTerms.of(activity)
    attended = attended_minutes(claim.user, activity) if terms.is_live else 0
    measured = recorded_minutes(claim.user, activity) if activity.course_id else None
    # A reason given before still explains a lower amount; a higher one needs its own.
    reason = reason.strip()[:2000] or (claim.time_reason if credits <= claim.claimed_credits else "")
    refusal = amount_refusal(terms, credits, attended_minutes=attended, measured_minutes=measured, reason=reason)
    if refusal is not None:
        raise refusal.error()
    before = _snapshot(claim)
    claim.claimed_credits = amount_for(terms, claim.credit_type, credits)
    claim.minutes = minutes_for(claim.claimed_credits)
    claim.measured_minutes = attended if terms.is_live else measured
    claim.time_reason = reason
    claim.amended_at = now or timezone.now()
    claim.save(update_fields=["claimed_credits", "minutes", "measured_minutes", "time_reason", "amended_at"])
    audit_event_record(
        action="cme.claim_amended",
        actor=actor,
        subject=claim.user,
        target=claim,
        data={"before": before, "after": _snapshot(claim)},
    )
    return claim


@transaction.atomic
def claim_revoke(*, claim: Claim, reason: str, actor: User, now: datetime | None = None) -> Claim:
    if claim.is_revoked:
        return claim
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking the certificate."))
    claim.revoked_at = now or timezone.now()
    claim.revoke_reason = reason.strip()[:300]
    claim.save(update_fields=["revoked_at", "revoke_reason"])
    audit_event_record(
        action="cme.claim_revoked",
        actor=actor,
        subject=claim.user,
        target=claim,
        data={**_snapshot(claim), "reason": claim.revoke_reason},
    )
    return claim


# --- retention (requirement 18) ------------------------------------------------------------------------------

CME_RETENTION = relativedelta(years=6)


@transaction.atomic
def cme_records_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete CME records 6 years after completion (requirement 18, ARCHITECTURE's retention table): claims
    and what was reported for them, requirement statuses, and evaluations and quiz attempts that no kept
    claim still rests on."""
    cutoff = (now or timezone.now()) - CME_RETENTION
    old_claims = Claim.objects.filter(completed_at__lt=cutoff)
    counts = {"cme_pars_records_deleted": ParsRecord.objects.filter(claim__in=old_claims).delete()[0]}
    counts["cme_claims_deleted"] = old_claims.delete()[0]
    counts["cme_requirement_statuses_deleted"] = RequirementStatus.objects.filter(checked_at__lt=cutoff).delete()[0]
    kept_claim = Claim.objects.filter(user=OuterRef("user"), activity=OuterRef("activity"))
    counts["cme_evaluations_deleted"] = (
        EvaluationResponse.objects.filter(submitted_at__lt=cutoff).exclude(Exists(kept_claim)).delete()[0]
    )
    kept_for_course = Claim.objects.filter(user=OuterRef("user"), activity__course=OuterRef("quiz__course"))
    counts["quiz_attempts_deleted"] = (
        Attempt.objects.filter(started_at__lt=cutoff).exclude(Exists(kept_for_course)).delete()[0]
    )
    return counts
