"""Demo accreditations for the demo courses (seed_demo). The provider names follow the privacy policy."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from preceptor.catalog.models import Course
from preceptor.cme.credits import minutes_to_credits
from preceptor.cme.models import Activity, FacultyDisclosure, OutcomeMeasure, Provider
from preceptor.cme.services import evaluation_defaults

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
            ama_max_credits=Decimal("2.00") if first else minutes_to_credits(course.estimated_minutes * 2),
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
        evaluation_defaults(activity)
        activity.is_published = True
        activity.full_clean()
        activity.save()
        created.append(activity)
    return created
