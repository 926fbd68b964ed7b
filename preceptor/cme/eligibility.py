"""Who may claim which CME credit for an activity, and how much (docs/requirements.md, CME requirements 1–5, 7,
10, 11, 15, 16, 20, 33 and 36).

The rules are pure functions: they take the facts (``ActivityTerms``, ``LearnerFacts`` and today's date) and
return frozen results that carry the JSON reason the requirement-status table records. Nothing in this module
writes. The loaders at the end (``learner_facts``, ``claim_overview``, ``evaluation_questions``) only read;
recording an attempt is ``services.claim_submit``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from preceptor.accounts.models import User
from preceptor.billing.selectors import membership_for
from preceptor.catalog.models import LessonProgress
from preceptor.classes.models import Registration
from preceptor.cme.credits import (
    format_credits,
    minutes_to_credits,
    minutes_to_credits_down,
    plural_count,
    validate_credit,
)
from preceptor.cme.models import (
    Activity,
    Claim,
    CreditType,
    EvaluationQuestion,
    EvaluationResponse,
    LearnerIdentity,
)
from preceptor.profiles.models import Profession
from preceptor.quizzes.models import Attempt, Quiz

PHYSICIANS = frozenset({Profession.PHYSICIAN_MD_DO, Profession.PHYSICIAN_OTHER})
# A claim may exceed the measured learning time by this much without a word: time the server does not see
# (the post-test, the evaluation, a handout read on paper) and the rounding to quarter hours (decision 0020).
MEASURED_TOLERANCE_MINUTES = 15
REASON_MIN_LENGTH = 20  # characters: a sentence that says how the rest of the time was spent
ENDURING = Activity.Format.ENDURING
LIVE = Activity.Format.LIVE


class Requirement(StrEnum):
    """The requirements a claim is checked against; the values are stored in ``RequirementStatus``."""

    MEMBERSHIP = "membership"
    PUBLISHED = "published"
    ATTENDANCE = "attendance"
    VALIDITY = "validity"
    QUIZ_PASS = "quiz_pass"  # noqa: S105 - a requirement name, not a password
    EVALUATION = "evaluation"
    PHYSICIAN = "physician"
    EACCME_VALIDITY = "eaccme_validity"


# --- the facts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityTerms:
    """What an activity's accreditation says about claiming it."""

    format: str = ENDURING
    is_published: bool = True
    release_date: date | None = None
    expiration_date: date | None = None
    pass_threshold: int = 70
    ama_max_credits: Decimal | None = None
    eaccme_credits: Decimal | None = None
    eaccme_granted_on: date | None = None
    eaccme_valid_until: date | None = None

    @classmethod
    def of(cls, activity: Activity) -> ActivityTerms:
        return cls(
            format=activity.format,
            is_published=activity.is_published,
            release_date=activity.release_date,
            expiration_date=activity.expiration_date,
            pass_threshold=activity.pass_threshold,
            ama_max_credits=activity.ama_max_credits,
            eaccme_credits=activity.eaccme_credits,
            eaccme_granted_on=activity.eaccme_granted_on,
            eaccme_valid_until=activity.eaccme_valid_until,
        )

    @property
    def is_live(self) -> bool:
        return self.format == LIVE

    @property
    def offers_ama(self) -> bool:
        return bool(self.ama_max_credits)

    @property
    def offers_ecmec(self) -> bool:
        return bool(self.eaccme_credits)

    @property
    def max_credits(self) -> Decimal:
        """What one claim may reach: the AMA maximum, or the ECMEC® value for EACCME-only activities."""
        return self.ama_max_credits or self.eaccme_credits or Decimal("0")


@dataclass(frozen=True)
class LearnerFacts:
    """What is on record for one member and one activity."""

    membership: str = "trial_ended"  # billing's Membership.status: "pro", "trial" or "trial_ended"
    profession: str = ""
    attended_minutes: int = 0
    measured_minutes: int | None = None  # learning time measured in a course's lessons; None: not measured (live)
    best_score: Decimal | None = None
    best_attempt_at: datetime | None = None
    evaluated_at: datetime | None = None
    claimed_types: frozenset[str] = field(default_factory=frozenset)  # credit types with an active claim

    @property
    def is_pro(self) -> bool:
        return self.membership == "pro"

    @property
    def is_physician(self) -> bool:
        return is_physician(self.profession)


# --- the outcomes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequirementOutcome:
    """Whether one requirement holds, why (``reason`` is JSON, recorded as it is), and what to tell the member."""

    requirement: Requirement
    satisfied: bool
    reason: dict[str, Any]
    message: str


@dataclass(frozen=True)
class Eligibility:
    """Every requirement for one credit type (requirement 20: eligible only when all of them hold)."""

    credit_type: str
    outcomes: tuple[RequirementOutcome, ...]

    @property
    def eligible(self) -> bool:
        return all(o.satisfied for o in self.outcomes)

    @property
    def unmet(self) -> tuple[RequirementOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.satisfied)


@dataclass(frozen=True)
class AmountRefusal:
    """Why an amount of credit cannot be claimed: ``code`` is "quantum", "min", "max", "attendance" or
    "measured" (above the measured learning time, without a reason)."""

    code: str
    message: str

    def error(self) -> ValidationError:
        return ValidationError(self.message, code=self.code)


@dataclass(frozen=True)
class ClaimDecision:
    """The answer for one claim attempt: the credit types it covers and each one's requirements."""

    credit_types: tuple[str, ...]
    eligibilities: tuple[Eligibility, ...]
    already_claimed: bool = False

    @property
    def outcomes(self) -> tuple[tuple[str, RequirementOutcome], ...]:
        """(credit type, outcome) for every requirement checked: what the requirement-status table records."""
        return tuple((e.credit_type, o) for e in self.eligibilities for o in e.outcomes)

    @property
    def unmet(self) -> dict[str, RequirementOutcome]:
        """The failed requirements by name (the same requirement fails the same way for every credit type)."""
        failed: dict[str, RequirementOutcome] = {}
        for eligibility in self.eligibilities:
            for outcome in eligibility.unmet:
                failed.setdefault(outcome.requirement, outcome)
        return failed

    @property
    def refusals(self) -> tuple[str, ...]:
        messages = list(dict.fromkeys(o.message for o in self.unmet.values()))
        if not self.credit_types:
            messages.append(_("This activity offers no credit."))
        elif self.already_claimed and not messages:
            messages.append(_("You have already claimed credit for this activity; change your claim instead."))
        return tuple(messages)

    @property
    def eligible(self) -> bool:
        return not self.refusals


# --- the rules --------------------------------------------------------------------------------------------


def is_physician(profession: str) -> bool:
    """AMA PRA credit is for physicians (MD/DO or an equivalent medical degree, requirement 16)."""
    return profession in PHYSICIANS


def credit_types(terms: ActivityTerms, profession: str) -> tuple[str, ...]:
    """What a member can claim: AMA credit for physicians and participation for everyone else (requirement 16),
    and ECMEC® when the activity is EACCME-accredited."""
    physician = is_physician(profession)
    types: list[str] = []
    if terms.offers_ama:
        types.append(CreditType.AMA if physician else CreditType.PARTICIPATION)
    if terms.offers_ecmec:
        kind = CreditType.ECMEC if physician else CreditType.PARTICIPATION
        if kind not in types:
            types.append(kind)
    return tuple(types)


def membership_requirement(learner: LearnerFacts) -> RequirementOutcome:
    """Claiming needs an active Pro membership (requirement 36)."""
    return RequirementOutcome(
        Requirement.MEMBERSHIP,
        learner.is_pro,
        {"status": learner.membership},
        _("Claiming credit needs an active Pro membership."),
    )


def published_requirement(terms: ActivityTerms) -> RequirementOutcome:
    return RequirementOutcome(
        Requirement.PUBLISHED, terms.is_published, {}, _("This activity's accreditation is not published.")
    )


def attendance_requirement(learner: LearnerFacts) -> RequirementOutcome:
    """Live credit follows recorded attendance: no attendance, no claim (requirement 10)."""
    return RequirementOutcome(
        Requirement.ATTENDANCE,
        learner.attended_minutes > 0,
        {"minutes": learner.attended_minutes},
        _("There is no attendance record for you at this live activity."),
    )


def validity_requirement(terms: ActivityTerms, today: date) -> RequirementOutcome:
    """Enduring material is claimed between its release and expiration dates (requirement 11)."""
    release, expiration = terms.release_date, terms.expiration_date
    return RequirementOutcome(
        Requirement.VALIDITY,
        bool(release and expiration and release <= today <= expiration),
        {
            "release": release.isoformat() if release else None,
            "expiration": expiration.isoformat() if expiration else None,
        },
        _("Credit can be claimed from %(start)s to %(end)s.") % {"start": release, "end": expiration},
    )


def pass_requirement(terms: ActivityTerms, learner: LearnerFacts) -> RequirementOutcome:
    """A passing post-test at the activity's own threshold (requirement 5)."""
    score = learner.best_score
    return RequirementOutcome(
        Requirement.QUIZ_PASS,
        score is not None and score >= terms.pass_threshold,
        {"best_score": str(score) if score is not None else None, "threshold": terms.pass_threshold},
        _("Pass the post-test with at least %(mark)s%% first.") % {"mark": terms.pass_threshold},
    )


def evaluation_requirement(learner: LearnerFacts) -> RequirementOutcome:
    """No credit before the post-activity evaluation (requirement 7)."""
    return RequirementOutcome(
        Requirement.EVALUATION, learner.evaluated_at is not None, {}, _("Fill in the evaluation first.")
    )


def physician_requirement(learner: LearnerFacts) -> RequirementOutcome:
    return RequirementOutcome(
        Requirement.PHYSICIAN,
        learner.is_physician,
        {"profession": learner.profession},
        _("AMA PRA Category 1 Credit™ is for physicians (MD/DO)."),
    )


def eaccme_requirement(terms: ActivityTerms, today: date) -> RequirementOutcome:
    """ECMEC® only while the EACCME® accreditation is valid (requirement 33)."""
    granted, until = terms.eaccme_granted_on, terms.eaccme_valid_until
    return RequirementOutcome(
        Requirement.EACCME_VALIDITY,
        bool(granted and until and granted <= today <= until),
        {"granted_on": str(granted), "valid_until": str(until)},
        _("The EACCME® accreditation of this activity is not valid today."),
    )


def eligibility(terms: ActivityTerms, learner: LearnerFacts, credit_type: str, today: date) -> Eligibility:
    """Every requirement for ``credit_type``, in the order the member meets them."""
    outcomes = [membership_requirement(learner), published_requirement(terms)]
    if terms.is_live:
        outcomes.append(attendance_requirement(learner))  # a live activity has no release window of its own
    else:
        outcomes.append(validity_requirement(terms, today))
    if terms.format == ENDURING:  # the pass gate is the enduring-material rule
        outcomes.append(pass_requirement(terms, learner))
    outcomes.append(evaluation_requirement(learner))
    if credit_type == CreditType.AMA:
        outcomes.append(physician_requirement(learner))
    if credit_type == CreditType.ECMEC:
        outcomes.append(eaccme_requirement(terms, today))
    return Eligibility(credit_type, tuple(outcomes))


def decide(terms: ActivityTerms, learner: LearnerFacts, today: date) -> ClaimDecision:
    """Whether the member may claim now, for every credit type they can claim (all-or-nothing)."""
    types = credit_types(terms, learner.profession)
    return ClaimDecision(
        credit_types=types,
        eligibilities=tuple(eligibility(terms, learner, t, today) for t in types),
        already_claimed=bool(learner.claimed_types & set(types)),
    )


def measured_ceiling(measured_minutes: int) -> Decimal:
    """The most credit that measured learning time supports without a reason: the measured minutes plus
    ``MEASURED_TOLERANCE_MINUTES``, in quarter hours half up (requirement 2)."""
    return minutes_to_credits(measured_minutes + MEASURED_TOLERANCE_MINUTES)


def measured_refusal(credits: Decimal, measured_minutes: int | None, reason: str = "") -> AmountRefusal | None:
    """A claim above what the measured learning time supports needs the learner's reason, which is recorded
    with the claim: physicians claim only the credit commensurate with the extent of their participation
    (AMA), the hours actually spent (EACCME®) (decision 0020). None when the amount may be claimed."""
    if measured_minutes is None:
        return None
    ceiling = measured_ceiling(measured_minutes)
    if credits <= ceiling or len(reason.strip()) >= REASON_MIN_LENGTH:
        return None
    return AmountRefusal(
        "measured",
        _(
            "Your measured learning time is %(minutes)s minutes, which supports at most %(credits)s credits. Claim "
            "less, or say in a sentence how you spent the rest of the time (for example, the handout read on "
            "paper): your explanation is kept with your claim for the accreditor."
        )
        % {"minutes": measured_minutes, "credits": format_credits(ceiling)},
    )


def amount_refusal(
    terms: ActivityTerms,
    credits: Decimal,
    *,
    attended_minutes: int = 0,
    measured_minutes: int | None = None,
    reason: str = "",
) -> AmountRefusal | None:
    """Quarter steps, more than zero, never above the designated maximum, for a live activity never above
    the attended time, and for a course never above its measured learning time without a reason: refused, not
    clamped (requirements 1, 3, 10; decision 0020). None when the amount may be claimed."""
    try:
        validate_credit(credits)
    except ValidationError as error:
        return AmountRefusal(error.code or "quantum", error.messages[0])
    if credits <= 0:
        return AmountRefusal("min", _("Claim at least 0.25 credits."))
    if credits > terms.max_credits:
        return AmountRefusal(
            "max",
            ngettext(
                "You can claim at most %(max)s credit for this activity.",
                "You can claim at most %(max)s credits for this activity.",
                plural_count(terms.max_credits),
            )
            % {"max": format_credits(terms.max_credits)},
        )
    if terms.is_live and attended_minutes:  # without any attendance the requirements explain the refusal
        earned = minutes_to_credits(attended_minutes)
        if credits > earned:
            return AmountRefusal(
                "attendance",
                ngettext(
                    "Your recorded attendance supports at most %(credits)s credit.",
                    "Your recorded attendance supports at most %(credits)s credits.",
                    plural_count(earned),
                )
                % {"credits": format_credits(earned)},
            )
    if not terms.is_live:
        return measured_refusal(credits, measured_minutes, reason)
    return None


def amount_for(terms: ActivityTerms, credit_type: str, credits: Decimal) -> Decimal:
    """The amount one credit type's certificate states. ECMEC® follows the accredited value and the learner's
    participation (requirement 15)."""
    if credit_type == CreditType.ECMEC and terms.eaccme_credits:
        return min(credits, terms.eaccme_credits)
    return credits


def minutes_for(credits: Decimal) -> int:
    """The time a claim stands for: 60 minutes a credit."""
    return int(credits * 60)


def default_amount(terms: ActivityTerms, recorded_minutes: int) -> Decimal | None:
    """What the claim form suggests: the recorded learning time in whole quarter hours, rounded down so that
    the suggestion never exceeds the time spent, and never above the maximum (requirement 4, decision 0020).
    None with less than a quarter hour on record."""
    amount = min(minutes_to_credits_down(recorded_minutes), terms.max_credits)
    return amount or None


def completion_time(evaluated_at: datetime, attempt_at: datetime | None) -> datetime:
    """An activity is completed when its last requirement was met: the post-test or the evaluation."""
    if attempt_at is not None and attempt_at > evaluated_at:
        return attempt_at
    return evaluated_at


# --- loading the facts (reads only) -----------------------------------------------------------------------


def attended_minutes(user: User, activity: Activity) -> int:
    """Minutes the member attended the activity's live class (join and leave times)."""
    if not activity.live_class_id:
        return 0
    registration = (
        Registration.objects.filter(user=user, live_class_id=activity.live_class_id)
        .prefetch_related("attendances")
        .first()
    )
    return registration.minutes_attended if registration else 0


def best_attempt(user: User, activity: Activity) -> Attempt | None:
    """The member's best submitted post-test attempt for the activity's course, or None."""
    if not activity.course_id:
        return None
    return (
        Attempt.objects.filter(user=user, quiz__course_id=activity.course_id, quiz__kind=Quiz.Kind.POST_TEST)
        .exclude(submitted_at=None)
        .order_by("-score", "submitted_at")
        .first()
    )


def recorded_minutes(user: User, activity: Activity) -> int:
    """Learning time on record: attendance for a live class; for a course, the time measured in its lessons
    (video watched, time on readings; decision 0020), in whole minutes."""
    if not activity.course_id:
        return attended_minutes(user, activity)
    progress = LessonProgress.objects.filter(user=user, lesson__course_id=activity.course_id)
    seconds = progress.aggregate(total=Sum("measured_seconds"))["total"] or 0
    return int(seconds // 60)


def _profession(user: User) -> str:
    profile = getattr(user, "profile", None)
    return str(getattr(profile, "profession", "") or "")


def learner_facts(
    *,
    user: User,
    activity: Activity,
    evaluation: EvaluationResponse | None = None,
    claims: list[Claim] | None = None,
) -> LearnerFacts:
    """Load what the rules need about ``user`` (``evaluation``/``claims``: pass them when already loaded)."""
    if evaluation is None:
        evaluation = EvaluationResponse.objects.filter(user=user, activity=activity).first()
    if claims is None:
        claims = list(Claim.objects.active().filter(user=user, activity=activity))
    attempt = best_attempt(user, activity)
    return LearnerFacts(
        membership=membership_for(user).status,
        profession=_profession(user),
        attended_minutes=attended_minutes(user, activity) if activity.format == LIVE else 0,
        measured_minutes=recorded_minutes(user, activity) if activity.course_id else None,
        best_score=attempt.score if attempt else None,
        best_attempt_at=attempt.submitted_at if attempt else None,
        evaluated_at=evaluation.submitted_at if evaluation else None,
        claimed_types=frozenset(c.credit_type for c in claims if not c.is_revoked),
    )


def default_evaluation_questions(activity: Activity) -> list[EvaluationQuestion]:
    """The spec's default evaluation (requirement 8), unsaved: each objective, relevance, commercial bias,
    intended change, satisfaction and free text."""
    kind = EvaluationQuestion.Kind
    items = [
        (kind.OBJECTIVE, f"This objective was met: {objective}", "", "objective") for objective in activity.objectives
    ]
    items += [
        (kind.RATING, "How relevant was this activity to your practice?", "", "relevance"),
        (kind.YES_NO_COMMENT, "Did you perceive any commercial bias?", "If yes, where?", "bias"),
        (kind.YES_NO_COMMENT, "Will you change anything in your practice?", "If yes, what will you change?", "change"),
        (kind.RATING, "Overall, how satisfied are you with this activity?", "", "satisfaction"),
        (kind.TEXT, "Anything else you would like to tell us?", "", "comments"),
    ]
    return [
        EvaluationQuestion(
            activity=activity,
            kind=question_kind,
            text=text[:300],
            comment_label=comment,
            topic=topic,
            required=question_kind != kind.TEXT,
            position=i,
        )
        for i, (question_kind, text, comment, topic) in enumerate(items)
    ]


def evaluation_questions(activity: Activity) -> list[EvaluationQuestion]:
    """The activity's evaluation: its own questions, or the unsaved defaults until the first submission stores
    them (showing the form never writes)."""
    return list(activity.evaluation_questions.all()) or default_evaluation_questions(activity)


@dataclass(frozen=True)
class ClaimOverview:
    """Everything the claim page shows about one member's standing for one activity."""

    terms: ActivityTerms
    facts: LearnerFacts
    decision: ClaimDecision
    evaluation: EvaluationResponse | None
    identity: LearnerIdentity | None
    claims: list[Claim]
    questions: list[EvaluationQuestion]
    recorded_minutes: int

    @property
    def pro(self) -> bool:
        return self.facts.is_pro

    @property
    def active_claims(self) -> list[Claim]:
        return [c for c in self.claims if not c.is_revoked]

    @property
    def failed(self) -> dict[str, RequirementOutcome]:
        return self.decision.unmet

    @property
    def blocking(self) -> list[RequirementOutcome]:
        """What stops the claim other than the evaluation (which the page asks for in its own step)."""
        return [o for r, o in self.failed.items() if r != Requirement.EVALUATION]

    @property
    def credit_type_labels(self) -> list[str]:
        return [str(CreditType(t).label) for t in self.decision.credit_types]

    @property
    def default_credits(self) -> Decimal | None:
        return default_amount(self.terms, self.recorded_minutes)


def claim_overview(*, user: User, activity: Activity, today: date | None = None) -> ClaimOverview:
    """Read what the claim page needs; records nothing (the requirement statuses are written on a claim)."""
    evaluation = EvaluationResponse.objects.filter(user=user, activity=activity).first()
    claims = list(Claim.objects.filter(user=user, activity=activity).order_by("credit_type"))
    terms = ActivityTerms.of(activity)
    facts = learner_facts(user=user, activity=activity, evaluation=evaluation, claims=claims)
    return ClaimOverview(
        terms=terms,
        facts=facts,
        decision=decide(terms, facts, today or timezone.localdate()),
        evaluation=evaluation,
        identity=LearnerIdentity.objects.filter(user=user).first(),
        claims=claims,
        questions=evaluation_questions(activity),
        recorded_minutes=facts.measured_minutes
        if facts.measured_minutes is not None
        else recorded_minutes(user, activity),
    )
