"""CME actions: default evaluation items, evaluation submission, eligibility, claims (create, amend, revoke)
and PARS consent. Every change to a claim is audited (requirement 19)."""

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

from preceptor.billing.selectors import membership_for
from preceptor.cme.credits import format_credits, minutes_to_credits, validate_credit
from preceptor.cme.models import (
    Activity,
    Claim,
    CreditType,
    EvaluationQuestion,
    EvaluationResponse,
    LearnerIdentity,
    ParsRecord,
    RequirementStatus,
)
from preceptor.core.services import audit_event_record
from preceptor.profiles.models import Profession
from preceptor.quizzes.models import Attempt, Quiz

PHYSICIANS = {Profession.PHYSICIAN_MD_DO, Profession.PHYSICIAN_OTHER}


def evaluation_defaults(activity: Activity) -> list[EvaluationQuestion]:
    """The spec's default evaluation (requirement 8): each objective, relevance, commercial bias, intended
    change, satisfaction and free text. Created once; staff edit them per activity afterwards."""
    if activity.evaluation_questions.exists():
        return list(activity.evaluation_questions.all())
    Kind = EvaluationQuestion.Kind
    items = [
        (Kind.OBJECTIVE, f"This objective was met: {objective}", "", "objective") for objective in activity.objectives
    ]
    items += [
        (Kind.RATING, "How relevant was this activity to your practice?", "", "relevance"),
        (Kind.YES_NO_COMMENT, "Did you perceive any commercial bias?", "If yes, where?", "bias"),
        (Kind.YES_NO_COMMENT, "Will you change anything in your practice?", "If yes, what will you change?", "change"),
        (Kind.RATING, "Overall, how satisfied are you with this activity?", "", "satisfaction"),
        (Kind.TEXT, "Anything else you would like to tell us?", "", "comments"),
    ]
    return EvaluationQuestion.objects.bulk_create(
        EvaluationQuestion(
            activity=activity,
            kind=kind,
            text=text[:300],
            comment_label=comment,
            topic=topic,
            required=kind != Kind.TEXT,
            position=i,
        )
        for i, (kind, text, comment, topic) in enumerate(items)
    )


def evaluation_submit(
    *, user: Any, activity: Activity, answers: dict[str, dict[str, Any]], now: datetime | None = None
):
    """Store the member's evaluation once (the form validated ``answers`` against the questions)."""
    now = now or timezone.now()
    response, created = EvaluationResponse.objects.get_or_create(
        user=user, activity=activity, defaults={"answers": answers, "submitted_at": now}
    )
    if created:
        audit_event_record(action="cme.evaluation_submitted", actor=user, subject=user, target=response)
    return response


# --- eligibility (requirement 20) -------------------------------------------------------------------------


def credit_types_for(user: Any, activity: Activity) -> list[str]:
    """What this member can claim: AMA credit for physicians (participation for everyone else, requirement 16),
    and ECMEC® when the activity is EACCME-accredited."""
    physician = is_physician(user)
    types: list[str] = []
    if activity.offers_ama:
        types.append(CreditType.AMA if physician else CreditType.PARTICIPATION)
    if activity.offers_ecmec:
        kind = CreditType.ECMEC if physician else CreditType.PARTICIPATION
        if kind not in types:
            types.append(kind)
    return types


def is_physician(user: Any) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile and profile.profession in PHYSICIANS)


def attended_minutes(user: Any, activity: Activity) -> int:
    """Minutes the member attended the activity's live class (join and leave times)."""
    if not activity.live_class_id:
        return 0
    from preceptor.classes.models import Registration

    registration = Registration.objects.filter(user=user, live_class_id=activity.live_class_id).first()
    return registration.minutes_attended if registration else 0


def best_attempt(user: Any, activity: Activity) -> Attempt | None:
    if not activity.course_id:
        return None
    return (
        Attempt.objects.filter(user=user, quiz__course=activity.course, quiz__kind=Quiz.Kind.POST_TEST)
        .exclude(submitted_at=None)
        .order_by("-score", "submitted_at")
        .first()
    )


@dataclass(frozen=True)
class Check:
    requirement: str
    satisfied: bool
    reason: dict[str, Any]
    message: str


def _checks(user: Any, activity: Activity, credit_type: str, today) -> list[Check]:
    checks: list[Check] = []

    def add(requirement: str, ok: bool, reason: dict[str, Any], message: str) -> None:
        checks.append(Check(requirement, ok, reason, message))

    membership = membership_for(user)
    add(
        "membership",
        membership.is_pro,
        {"status": membership.status},
        _("Claiming credit needs an active Pro membership."),
    )
    add("published", activity.is_published, {}, _("This activity's accreditation is not published."))
    if activity.format == Activity.Format.LIVE:
        # Credit for a live activity comes from recorded attendance (requirement 10).
        minutes = attended_minutes(user, activity)
        add(
            "attendance",
            minutes > 0,
            {"minutes": minutes},
            _("There is no attendance record for you at this live activity."),
        )
    else:
        in_window = activity.release_date <= today <= activity.expiration_date
        add(
            "validity",
            in_window,
            {"release": activity.release_date.isoformat(), "expiration": activity.expiration_date.isoformat()},
            _("Credit can be claimed from %(start)s to %(end)s.")
            % {"start": activity.release_date, "end": activity.expiration_date},
        )
    attempt = best_attempt(user, activity)
    score = attempt.score if attempt else None
    if activity.format == Activity.Format.ENDURING:  # the pass gate is the enduring-material rule (req. 5)
        add(
            "quiz_pass",
            score is not None and score >= activity.pass_threshold,
            {"best_score": str(score) if score is not None else None, "threshold": activity.pass_threshold},
            _("Pass the post-test with at least %(mark)s%% first.") % {"mark": activity.pass_threshold},
        )
    evaluated = EvaluationResponse.objects.filter(user=user, activity=activity).exists()
    add("evaluation", evaluated, {}, _("Fill in the evaluation first."))
    if credit_type == CreditType.AMA:
        profile = getattr(user, "profile", None)
        add(
            "physician",
            is_physician(user),
            {"profession": getattr(profile, "profession", "")},
            _("AMA PRA Category 1 Credit™ is for physicians (MD/DO)."),
        )
    if credit_type == CreditType.ECMEC:
        granted, until = activity.eaccme_granted_on, activity.eaccme_valid_until
        add(
            "eaccme_validity",
            bool(granted and until and granted <= today <= until),
            {"granted_on": str(granted), "valid_until": str(until)},
            _("The EACCME® accreditation of this activity is not valid today."),
        )
    return checks


def unmet(user: Any, activity: Activity, credit_type: str) -> list[Check]:
    """The requirements for ``credit_type`` the member has not met yet (read only: for showing the page)."""
    return [c for c in _checks(user, activity, credit_type, timezone.localdate()) if not c.satisfied]


def eligibility(user: Any, activity: Activity, credit_type: str, *, now: datetime | None = None) -> list[Check]:
    """Check every requirement for ``credit_type`` and record each outcome; returns the failed ones."""
    now = now or timezone.now()
    checks = _checks(user, activity, credit_type, timezone.localdate(now))
    for check in checks:
        RequirementStatus.objects.update_or_create(
            user=user,
            activity=activity,
            credit_type=credit_type,
            requirement=check.requirement,
            defaults={"satisfied": check.satisfied, "reason": check.reason, "checked_at": now},
        )
    return [c for c in checks if not c.satisfied]


class ClaimRefused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def check_amount(activity: Activity, credits: Decimal) -> None:
    """Quarter steps, more than zero, never above the designated maximum: refused, not clamped (req. 1, 3)."""
    validate_credit(credits)
    if credits <= 0:
        raise ValidationError(_("Claim at least 0.25 credits."), code="min")
    if credits > activity.max_credits:
        raise ValidationError(
            _("You can claim at most %(max)s credits for this activity.")
            % {"max": format_credits(activity.max_credits)},
            code="max",
        )


def _amount_for(activity: Activity, credit_type: str, credits: Decimal) -> Decimal:
    # ECMEC® follows the accredited value and the learner's participation (requirement 15).
    if credit_type == CreditType.ECMEC and activity.eaccme_credits:
        return min(credits, activity.eaccme_credits)
    return credits


def _snapshot(claim: Claim) -> dict[str, Any]:
    return {
        "activity": claim.activity_id,
        "credit_type": claim.credit_type,
        "credits": f"{claim.claimed_credits:.2f}",
        "minutes": claim.minutes,
        "certificate": str(claim.certificate_id),
    }


def claim_credit(*, user: Any, activity: Activity, credits: Decimal, now: datetime | None = None) -> list[Claim]:
    """Claim ``credits`` for every credit type the member can claim. All-or-nothing: every requirement of every
    type must hold (requirement 20). The name printed is the member's PARS identity, or their account name."""
    now = now or timezone.now()
    check_amount(activity, credits)
    attended = attended_minutes(user, activity) if activity.format == Activity.Format.LIVE else 0
    if attended:  # without any attendance the eligibility check below explains the refusal
        earned = minutes_to_credits(attended)
        if credits > earned:
            raise ValidationError(
                _("Your recorded attendance supports at most %(credits)s credits.")
                % {"credits": format_credits(earned)},
                code="attendance",
            )
    types = credit_types_for(user, activity)
    failed: list[str] = []
    for credit_type in types:
        failed += [c.message for c in eligibility(user, activity, credit_type, now=now) if c.message not in failed]
    if failed:
        raise ClaimRefused(failed)  # the requirement statuses stay recorded
    with transaction.atomic():
        return _claims_create(user=user, activity=activity, types=types, credits=credits)


def _claims_create(*, user: Any, activity: Activity, types: list[str], credits: Decimal) -> list[Claim]:
    existing = Claim.objects.active().filter(user=user, activity=activity, credit_type__in=types)
    if existing.exists():
        raise ClaimRefused([_("You have already claimed credit for this activity; change your claim instead.")])
    identity = LearnerIdentity.objects.filter(user=user).first()
    attempt = best_attempt(user, activity)
    evaluation = EvaluationResponse.objects.get(user=user, activity=activity)
    # Completed when the last requirement was met: the passing post-test or the evaluation, whichever was later.
    completed_at = evaluation.submitted_at
    if attempt and attempt.submitted_at and attempt.submitted_at > completed_at:
        completed_at = attempt.submitted_at
    claims = []
    for credit_type in types:
        amount = _amount_for(activity, credit_type, credits)
        claim = Claim.objects.create(
            user=user,
            activity=activity,
            credit_type=credit_type,
            claimed_credits=amount,
            minutes=int(amount * 60),
            completed_at=completed_at,
            learner_name=identity.full_name if identity else user.full_name,
            learner_profession=getattr(getattr(user, "profile", None), "profession", ""),
            quiz_score=attempt.score if attempt else None,
        )
        audit_event_record(action="cme.claim_created", actor=user, subject=user, target=claim, data=_snapshot(claim))
        claims.append(claim)
    return claims


@transaction.atomic
def claim_amend(*, claim: Claim, credits: Decimal, actor: Any, now: datetime | None = None) -> Claim:
    """Correct the credits of a claim; the certificate keeps its id. PARS gets delete-then-add at next export."""
    if claim.is_revoked:
        raise ClaimRefused([_("A revoked claim cannot be changed.")])
    check_amount(claim.activity, credits)
    before = _snapshot(claim)
    claim.claimed_credits = _amount_for(claim.activity, claim.credit_type, credits)
    claim.minutes = int(claim.claimed_credits * 60)
    claim.amended_at = now or timezone.now()
    claim.save(update_fields=["claimed_credits", "minutes", "amended_at"])
    audit_event_record(
        action="cme.claim_amended",
        actor=actor,
        subject=claim.user,
        target=claim,
        data={"before": before, "after": _snapshot(claim)},
    )
    return claim


@transaction.atomic
def claim_revoke(*, claim: Claim, reason: str, actor: Any, now: datetime | None = None) -> Claim:
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


def pars_consent_set(*, identity: LearnerIdentity, consent: bool, now: datetime | None = None) -> None:
    """Record the member's explicit choice (requirement 21). Withdrawing excludes future exports, and the next
    export deletes what was already sent."""
    if bool(identity.pars_consent_at) == consent:
        return
    identity.pars_consent_at = (now or timezone.now()) if consent else None
    identity.save(update_fields=["pars_consent_at", "updated_at"])
    audit_event_record(
        action="cme.pars_consent_given" if consent else "cme.pars_consent_withdrawn",
        actor=identity.user,
        subject=identity.user,
        target=identity,
    )


CME_RETENTION = relativedelta(years=6)


def cme_retention(*, now: datetime | None = None) -> dict[str, int]:
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
