"""Demo accreditations for the demo courses and a demo member's claimed certificate (seed_demo). The provider
names follow the privacy policy."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.catalog.models import Course, Lesson, LessonProgress
from preceptor.catalog.services import (
    HEARTBEAT_SECONDS,
    lesson_complete,
    lesson_open,
    progress_record,
    reading_time_record,
)
from preceptor.cme.credits import QUARTER, minutes_to_credits
from preceptor.cme.eligibility import claim_overview, evaluation_questions
from preceptor.cme.forms import EvaluationForm, IdentityForm, question_key
from preceptor.cme.models import (
    Activity,
    Claim,
    EvaluationQuestion,
    FacultyDisclosure,
    LearnerIdentity,
    OutcomeMeasure,
    Provider,
)
from preceptor.cme.pars import REPORTING_ZONE
from preceptor.cme.services import claim_submit, evaluation_questions_ensure, evaluation_submit
from preceptor.quizzes.models import Attempt, Option, Quiz
from preceptor.quizzes.services import AttemptRefused, attempt_start, attempt_submit

OBJECTIVES = {
    "ecg-essentials": [
        "Read rate, rhythm and axis on a 12-lead ECG in a fixed order",
        "Recognise the ECG patterns of acute coronary occlusion",
        "Decide which ECG findings need urgent escalation",
    ],
}
DEFAULT_OBJECTIVES = [
    "Apply the course's core concepts to everyday clinical decisions",
    "Recognise the findings that need urgent action",
]


def demo_accreditations_create(*, today: date | None = None) -> list[Activity]:
    today = today or timezone.localdate()
    provider, _ = Provider.objects.get_or_create(
        name="CME Consultants", defaults={"is_accredited": True, "accme_provider_id": "0012345"}
    )
    created = []
    for course in Course.objects.filter(is_published=True, kind=Course.Kind.COURSE).order_by("position"):
        if Activity.objects.filter(course=course).exists():
            continue
        first = course.slug == "ecg-essentials"
        activity = Activity.objects.create(
            course=course,
            release_date=today - timedelta(days=60),
            expiration_date=today - timedelta(days=60) + timedelta(days=2 * 365),
            accredited_provider=provider,
            providership=Activity.Providership.JOINT,
            non_accredited_provider="Preceptor",
            accme_activity_id=f"2026{course.pk:05d}",
            # The course plus its readings and the post-test: about twice the video time.
            ama_max_credits=Decimal("2.00") if first else minutes_to_credits(course.minutes * 2),
            eaccme_credits=Decimal("2.00") if first else None,
            eaccme_event_code="DEMO-ELM-0001" if first else "",
            eaccme_granted_on=today - timedelta(days=60) if first else None,
            eaccme_valid_until=today - timedelta(days=60) + timedelta(days=700) if first else None,
            learning_objectives="\n".join(OBJECTIVES.get(course.slug, DEFAULT_OBJECTIVES)),
            outcome_measures=[OutcomeMeasure.KNOWLEDGE, OutcomeMeasure.COMPETENCE],
        )
        teachers: list[Any] = list(course.teachers.all())
        for teacher in teachers:
            FacultyDisclosure.objects.create(
                activity=activity,
                user=teacher,
                full_name=teacher.full_name,
                status=FacultyDisclosure.Status.NONE,
                disclosed_on=activity.release_date,
            )
        FacultyDisclosure.objects.create(
            activity=activity,
            full_name="Dr. Amelia Hart",
            role=FacultyDisclosure.Role.REVIEWER,
            status=FacultyDisclosure.Status.NONE,
            disclosed_on=activity.release_date,
        )
        evaluation_questions_ensure(activity=activity)
        activity.is_published = True
        activity.full_clean()
        activity.save()
        created.append(activity)
    return created


# --- a member who completed an activity and claimed its certificate ----------------------------------------

DEMO_LEARNER_COURSE = "ecg-essentials"
# What the demo member types into the identity form on the claim page (requirement 22). The NPI is made up
# but valid (Luhn check digit over the "80840" prefix), so that the demo's PARS export is a real one.
DEMO_LEARNER_IDENTITY = {
    "first_name": "Samuel",
    "last_name": "Okafor",
    "birth_month": "3",
    "birth_day": "14",
    "birth_year": "1979",
    "npi": "1948273655",
    "licences_text": "NY 298173",
    "boards_text": "",
    "pars_consent": "on",
}
DEMO_EVALUATION = {"relevance": "5", "satisfaction": "4", "bias": "no", "change": "yes"}
DEMO_EVALUATION_COMMENTS = {
    "change": "I will read every tracing in the same five steps before looking at the computer report.",
    "comments": "The occlusion patterns were the most useful part.",
}


class DemoDataError(Exception):
    """The demo's own data did not pass the forms a member fills in: the demo is out of date."""


def _reporting_year_start(now: datetime) -> datetime:
    """The start of ``now``'s year in the PARS reporting zone: the demo completion never falls before it."""
    return datetime.combine(date(now.astimezone(REPORTING_ZONE).year, 1, 1), time(0, 0), tzinfo=REPORTING_ZONE)


def lessons_work_through(*, user: User, course: Course, start: datetime) -> datetime:
    """Open every lesson in order, watch the video to the end and mark the readings done, as the course
    pages do (a video is completed only by the time watched, so one without a known length stays open);
    returns when the member finished."""
    moment = start
    for lesson in Lesson.objects.filter(course=course).order_by("module__position", "position"):
        if LessonProgress.objects.filter(user=user, lesson=lesson, completed_at__isnull=False).exists():
            continue
        lesson_open(user=user, lesson=lesson, now=moment)
        if lesson.kind == Lesson.Kind.VIDEO and lesson.video_duration:
            seconds = float(lesson.video_duration)
            progress_record(
                user=user,
                lesson=lesson,
                position=seconds,
                watched_delta=seconds,
                now=moment + timedelta(seconds=seconds),
            )
        elif lesson.kind != Lesson.Kind.VIDEO:
            # The reading page stays visible for the reading time and reports every 15 s (decision 0020).
            reading = lesson.minutes * 60
            for second in range(HEARTBEAT_SECONDS, reading + 1, HEARTBEAT_SECONDS):
                reading_time_record(user=user, lesson=lesson, now=moment + timedelta(seconds=second))
            lesson_complete(user=user, lesson=lesson, now=moment + timedelta(seconds=reading))
        moment += timedelta(minutes=lesson.minutes)
    return moment


def post_test_pass(*, user: User, quiz: Quiz, started: datetime, submitted: datetime) -> Attempt | None:
    """Take the post-test and answer every question right (None when the member may not start one now)."""
    passed = Attempt.objects.filter(user=user, quiz=quiz, passed=True).first()
    if passed is not None:
        return passed
    try:
        attempt = attempt_start(user=user, quiz=quiz, now=started, rng=random.Random(DEMO_LEARNER_COURSE))
    except AttemptRefused:  # attempts used up or cooling down in a demo someone has played with
        return None
    correct: dict[int, set[int]] = {question_id: set() for question_id in attempt.layout["questions"]}
    for question_id, option_id in Option.objects.filter(question_id__in=correct, is_correct=True).values_list(
        "question_id", "pk"
    ):
        correct[question_id].add(option_id)
    return attempt_submit(attempt=attempt, answers=correct, now=submitted)


def _evaluation_data(questions: list[EvaluationQuestion]) -> dict[str, str]:
    data = {}
    for question in questions:
        name = f"q{question_key(question)}"
        if question.kind == EvaluationQuestion.Kind.TEXT:
            data[name] = DEMO_EVALUATION_COMMENTS.get(question.topic, "")
        else:
            data[name] = DEMO_EVALUATION.get(question.topic, "5")  # objectives: fully met
        if question.kind == EvaluationQuestion.Kind.YES_NO_COMMENT:
            data[f"{name}_comment"] = DEMO_EVALUATION_COMMENTS.get(question.topic, "") if data[name] == "yes" else ""
    return data


@transaction.atomic
def demo_cme_learner_create(*, user: User, now: datetime | None = None) -> list[Claim]:
    """``user`` works through the ECG course, passes its post-test, fills in the evaluation and claims credit
    with a complete PARS identity and consent, through the services the course, quiz and claim pages use, so
    the demo holds what a real member produces: AMA and ECMEC® certificates completed today, which the
    year's PARS export reports. Returns the claims created: none when the member has claimed (or had a claim
    revoked) before, so that seed_demo can run again; none either when the member cannot claim (attempts used
    up, not Pro) in a demo someone has played with."""
    now = now or timezone.now()
    activity = (
        Activity.objects.select_related("course").filter(course__slug=DEMO_LEARNER_COURSE, is_published=True).first()
    )
    if activity is None or activity.course is None or Claim.objects.filter(user=user, activity=activity).exists():
        return []
    # Completed today: at most an hour and a quarter ago, and never before the reporting year began.
    year_start = _reporting_year_start(now)
    lessons_work_through(user=user, course=activity.course, start=now - timedelta(minutes=75))
    quiz = Quiz.objects.filter(course=activity.course, kind=Quiz.Kind.POST_TEST).first()
    if quiz is None:
        return []
    attempt = post_test_pass(
        user=user,
        quiz=quiz,
        started=max(now - timedelta(minutes=30), year_start),
        submitted=max(now - timedelta(minutes=20), year_start),
    )
    if attempt is None or not attempt.passed:
        return []
    questions = evaluation_questions(activity)
    evaluation = EvaluationForm(_evaluation_data(questions), questions=questions)
    if not evaluation.is_valid():
        raise DemoDataError(f"demo evaluation: {evaluation.errors.as_json()}")
    evaluation_submit(
        user=user, activity=activity, answers=evaluation.answers(), now=max(now - timedelta(minutes=10), year_start)
    )
    identity = LearnerIdentity.objects.filter(user=user).first()
    identity_form = None
    if identity is None:  # a member who saved their own details keeps them (and their choice about PARS)
        identity_form = IdentityForm(DEMO_LEARNER_IDENTITY, instance=LearnerIdentity(user=user))
        if not identity_form.is_valid():
            raise DemoDataError(f"demo identity: {identity_form.errors.as_json()}")
    overview = claim_overview(user=user, activity=activity, today=timezone.localdate(now))
    attempt_record = claim_submit(
        user=user,
        activity=activity,
        # What the claim page suggests: the measured time in whole quarter hours; under a quarter hour measured
        # (the demo's lessons are short), the least credit there is, which the tolerance covers (decision 0020).
        credits=overview.default_credits or QUARTER,
        identity=identity_form.save(commit=False) if identity_form else None,
        pars_consent=identity_form.cleaned_data["pars_consent"] if identity_form else None,
        now=now,
    )
    return attempt_record.claims
