from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from preceptor.catalog.models import Course, Enrollment, LessonProgress
from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    Export,
    LegalBasis,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    value_rows,
)

PERSONAL_DATA = [
    PersonalData(
        model=Course,
        name=gettext_noop("Courses"),
        fields=("teachers",),
        purpose=gettext_noop("Naming a teacher on the courses they teach."),
        purposes=(Purpose.TEACHING,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.IDENTITY,),
        sources=(Source.STAFF,),
        rules=(UntilErasure(note=gettext_noop("or while the teacher is listed on the course")),),
        erasure="delete",
        export=Export.SUMMARY,
        audiences=(Audience.PUBLIC,),
    ),
    PersonalData(
        model=Enrollment,
        name=gettext_noop("Enrolments"),
        fields=("course", "enrolled_at", "last_lesson", "last_activity_at", "completed_at"),
        purpose=gettext_noop("Your courses, where you left off, and which courses you completed."),
        purposes=(Purpose.LEARNING,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.LEARNING,),
        sources=(Source.OBSERVED,),
        rules=(UntilErasure(note=gettext_noop("completions that support CME credit are kept with the credit claim")),),
        erasure="delete",
    ),
    PersonalData(
        model=LessonProgress,
        name=gettext_noop("Lesson progress"),
        fields=("lesson", "position_seconds", "watched_seconds", "measured_seconds", "completed_at", "updated_at"),
        purpose=gettext_noop(
            "Resuming videos where you stopped, counting a lesson complete, and measuring the learning time "
            "that CME credit may be claimed for."
        ),
        purposes=(Purpose.LEARNING, Purpose.CME_CREDIT),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.LEARNING,),
        sources=(Source.OBSERVED,),
        rules=(UntilErasure(),),
        erasure="delete",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {
        "teachers": list(Course.objects.filter(teachers=user).values_list("title", flat=True)),
        "enrollments": value_rows(
            Enrollment.objects.filter(user=user).order_by("pk"),
            ("enrolled_at", "last_activity_at", "completed_at"),
            {"course": "course__title", "last_lesson": "last_lesson__title"},
        ),
        "lesson_progress": value_rows(
            LessonProgress.objects.filter(user=user).order_by("pk"),
            ("position_seconds", "watched_seconds", "measured_seconds", "completed_at", "updated_at"),
            {"course": "lesson__course__title", "lesson": "lesson__title"},
        ),
    }


def erase_user(user: Any) -> list[str]:
    for course in Course.objects.filter(teachers=user):
        course.teachers.remove(user)
    LessonProgress.objects.filter(user=user).delete()
    Enrollment.objects.filter(user=user).delete()
    return []
