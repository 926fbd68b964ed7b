"""What a member's data export holds of their courses: each enrolment and each lesson's progress, named by course
and lesson title, with dates in ISO 8601, read without building a model per row (D1)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress, Module
from preceptor.catalog.privacy import export_user

pytestmark = pytest.mark.django_db
WHEN = datetime(2026, 11, 30, 9, 15, 7, tzinfo=UTC)


def test_the_export_names_courses_and_lessons_and_gives_dates_in_iso_8601(learner, outsider):
    course = Course.objects.create(slug="ecg", title="ECG <essentials>", summary="", is_published=True)
    other = Course.objects.create(slug="echo", title="Echo", summary="", is_published=True)
    module = Module.objects.create(course=course, title="Module", position=1)
    lesson = Lesson.objects.create(course=course, module=module, title="The 12 leads", slug="leads", kind="text")
    Enrollment.objects.create(user=learner, course=course, last_lesson=lesson, last_activity_at=WHEN)
    Enrollment.objects.create(user=learner, course=other, completed_at=WHEN)
    Enrollment.objects.create(user=outsider, course=other)
    LessonProgress.objects.create(
        user=learner, lesson=lesson, watched_seconds=61, measured_seconds=300, completed_at=WHEN
    )
    LessonProgress.objects.create(user=outsider, lesson=lesson, watched_seconds=5)

    data = export_user(learner)

    first, second = data["enrollments"]
    assert first["course"] == "ECG <essentials>" and first["last_lesson"] == "The 12 leads"
    assert first["last_activity_at"] == "2026-11-30T09:15:07+00:00" and first["completed_at"] is None
    assert first["enrolled_at"] == Enrollment.objects.get(user=learner, course=course).enrolled_at.isoformat()
    assert second["course"] == "Echo" and second["last_lesson"] is None and second["completed_at"] == WHEN.isoformat()
    (progress,) = data["lesson_progress"]
    assert progress == {
        "position_seconds": 0,
        "watched_seconds": 61,
        "measured_seconds": 300,
        "completed_at": WHEN.isoformat(),
        "updated_at": LessonProgress.objects.get(user=learner).updated_at.isoformat(),
        "course": "ECG <essentials>",
        "lesson": "The 12 leads",
    }
    assert data["teachers"] == []
