from __future__ import annotations

from typing import Any

from preceptor.catalog.models import Course, Enrollment, LessonProgress
from preceptor.core.personal_data import PersonalData, row

PERSONAL_DATA = [
    PersonalData(
        model=Course,
        fields=("teachers",),
        purpose="Naming a teacher on the courses they teach.",
        legal_basis="Contract with the teacher (GDPR art. 6(1)(b))",
        retention="While the teacher is listed on the course.",
        erasure="delete",
        recipients=("Everyone who views the course page",),
    ),
    PersonalData(
        model=Enrollment,
        fields=("course", "enrolled_at", "last_lesson", "last_activity_at", "completed_at"),
        purpose="Your courses, where you left off, and which courses you completed.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account; completions that support CME credit are kept 6 years (CME records).",
        erasure="delete",
    ),
    PersonalData(
        model=LessonProgress,
        fields=("lesson", "position_seconds", "watched_seconds", "completed_at", "updated_at"),
        purpose="Resuming videos where you stopped and counting a lesson complete.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account.",
        erasure="delete",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    enrollments = Enrollment.objects.filter(user=user).select_related("course", "last_lesson")
    progress = LessonProgress.objects.filter(user=user).select_related("lesson__course")
    return {
        "teachers": list(Course.objects.filter(teachers=user).values_list("title", flat=True)),
        "enrollments": [
            {
                **row(e, ("enrolled_at", "last_activity_at", "completed_at")),
                "course": e.course.title,
                "last_lesson": e.last_lesson.title if e.last_lesson else None,
            }
            for e in enrollments
        ],
        "lesson_progress": [
            {
                **row(p, ("position_seconds", "watched_seconds", "completed_at", "updated_at")),
                "course": p.lesson.course.title,
                "lesson": p.lesson.title,
            }
            for p in progress
        ],
    }


def erase_user(user: Any) -> list[str]:
    for course in Course.objects.filter(teachers=user):
        course.teachers.remove(user)
    LessonProgress.objects.filter(user=user).delete()
    Enrollment.objects.filter(user=user).delete()
    return []
