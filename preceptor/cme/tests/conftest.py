from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from preceptor.cme.models import Activity, FacultyDisclosure, OutcomeMeasure, Provider
from preceptor.cme.services import evaluation_questions_ensure
from preceptor.profiles.models import Profession
from preceptor.quizzes.models import Attempt, Quiz


@pytest.fixture
def provider(db) -> Provider:
    return Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")


def make_activity(course, provider, **overrides) -> Activity:
    today = timezone.localdate()
    fields = {
        "course": course,
        "release_date": today - timedelta(days=30),
        "expiration_date": today + timedelta(days=700),
        "accredited_provider": provider,
        "providership": Activity.Providership.JOINT,
        "non_accredited_provider": "Preceptor",
        "accme_activity_id": "202600001",
        "ama_max_credits": Decimal("2.00"),
        "learning_objectives": "Recognise atrial fibrillation\nRecognise complete heart block",
        "outcome_measures": [OutcomeMeasure.KNOWLEDGE],
        **overrides,
    }
    activity = Activity.objects.create(**fields)
    FacultyDisclosure.objects.create(
        activity=activity, full_name="Dr. Rita Reviewer", role="reviewer", status="none", disclosed_on=today
    )
    evaluation_questions_ensure(activity=activity)
    activity.is_published = True
    activity.full_clean()
    activity.save()
    return activity


@pytest.fixture
def activity(course, provider) -> Activity:
    return make_activity(course, provider)


def physician(user, profession: str = Profession.PHYSICIAN_MD_DO):
    user.profile.profession = profession
    user.profile.save(update_fields=["profession"])
    return user


def passed(user, activity: Activity, score: str = "80.00", when=None) -> Attempt:
    when = when or timezone.now() - timedelta(hours=1)
    quiz = Quiz.objects.get(course=activity.course, kind=Quiz.Kind.POST_TEST)
    return Attempt.objects.create(
        user=user,
        quiz=quiz,
        started_at=when - timedelta(minutes=10),
        submitted_at=when,
        score=Decimal(score),
        passed=Decimal(score) >= quiz.pass_mark,
        pass_mark=quiz.pass_mark,
    )


def evaluated(user, activity: Activity, when=None):
    from preceptor.cme.services import evaluation_submit

    answers = {
        str(q.pk): {"question": q.text, "topic": q.topic, "value": "5"} for q in activity.evaluation_questions.all()
    }
    return evaluation_submit(user=user, activity=activity, answers=answers, now=when)


def studied(user, activity: Activity, minutes: int = 120):
    """``minutes`` of learning time measured in the activity's course (decision 0020), written directly for the
    tests about something else; the lesson pages measure it (``catalog/tests/test_learning_time.py``)."""
    from preceptor.catalog.models import Lesson, LessonProgress, Module
    from preceptor.catalog.services import lesson_create

    lesson = Lesson.objects.filter(course=activity.course).order_by("pk").first()
    if lesson is None:
        assert activity.course is not None
        module = Module.objects.create(course=activity.course, title="Reading")
        lesson = lesson_create(module=module, title="Reading", slug="reading", kind="text", body="Read.")
    progress, _ = LessonProgress.objects.update_or_create(
        user=user, lesson=lesson, defaults={"measured_seconds": minutes * 60}
    )
    return progress


@pytest.fixture
def ready(pro_member, activity):
    """A Pro physician who studied the course for two hours, passed the post-test and filled in the evaluation."""
    physician(pro_member)
    studied(pro_member, activity)
    passed(pro_member, activity)
    evaluated(pro_member, activity)
    return pro_member


__all__ = ["date"]
