"""The demo courses' post-tests (``manage.py seed_demo``): ten questions each, from the catalog's demo content."""

from __future__ import annotations

from django.db import transaction

from preceptor.catalog.demo_content import COURSES
from preceptor.catalog.models import Course
from preceptor.quizzes.models import Option, Question, Quiz


@transaction.atomic
def demo_quizzes_create(*, courses: list[Course]) -> list[Quiz]:
    """A post-test for each of ``courses`` that has none yet (idempotent)."""
    specs = {spec["slug"]: spec for spec in COURSES}
    created = []
    for course in courses:
        spec = specs.get(course.slug)
        if spec is None or course.quizzes.filter(slug="post-test").exists():
            continue
        quiz = Quiz.objects.create(
            course=course,
            kind=Quiz.Kind.POST_TEST,
            title="Post-test",
            slug="post-test",
            pass_mark=70,
            max_attempts=3,
            cooldown_minutes=60,
        )
        for number, (kind, text, options, explanation) in enumerate(spec["questions"], 1):
            question = Question.objects.create(
                quiz=quiz, kind=kind, text=text, explanation=explanation, position=number
            )
            Option.objects.bulk_create(
                Option(question=question, text=option_text, is_correct=correct, position=n)
                for n, (option_text, correct) in enumerate(options, 1)
            )
        created.append(quiz)
    return created
