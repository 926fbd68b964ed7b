from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from preceptor.conftest import make_member
from preceptor.teams.models import Membership, Organisation
from preceptor.teams.services import organisation_create


@pytest.fixture
def manager(db):
    return make_member("director@hospital.example", "Dr. Dana Director")


@pytest.fixture
def organisation(manager) -> Organisation:
    return organisation_create(
        name="St Mary's Residency",
        slug="st-marys",
        seats=5,
        manager=manager,
        licence_ends_at=timezone.now() + timedelta(days=365),
        actor=None,
    )


def seat(organisation: Organisation, user, **sharing) -> Membership:
    return Membership.objects.create(organisation=organisation, user=user, **sharing)


def learned(user, course, *, score: str = "85.00", credits: str = "1.50"):
    """The member finished ``course``, passed its quiz with ``score`` and claimed ``credits`` AMA credits."""
    from preceptor.catalog.models import Enrollment
    from preceptor.cme.models import Activity, Claim, Provider
    from preceptor.quizzes.models import Attempt, Quiz

    now = timezone.now()
    Enrollment.objects.create(user=user, course=course, completed_at=now, last_activity_at=now)
    quiz = Quiz.objects.get(course=course)
    Attempt.objects.create(
        user=user, quiz=quiz, started_at=now, submitted_at=now, score=Decimal(score), passed=True, pass_mark=70
    )
    provider, _ = Provider.objects.get_or_create(name="CME Consultants", defaults={"is_accredited": True})
    activity, _ = Activity.objects.get_or_create(
        course=course,
        defaults={
            "release_date": now.date(),
            "expiration_date": now.date() + timedelta(days=365),
            "accredited_provider": provider,
            "ama_max_credits": Decimal("2.00"),
        },
    )
    Claim.objects.create(
        user=user,
        activity=activity,
        credit_type="ama",
        claimed_credits=Decimal(credits),
        minutes=90,
        completed_at=now,
        learner_name=user.full_name,
    )
