from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from preceptor.accounts.models import User
from preceptor.catalog.hooks import STEP_POST_TEST, NextStep
from preceptor.catalog.models import Course
from preceptor.catalog.selectors import Access, can_open_everything
from preceptor.core.hooks import Panel
from preceptor.quizzes.models import Attempt, Option, Question, Quiz
from preceptor.quizzes.rules import answers_revealed


def quiz_access(user: User | AnonymousUser) -> Access:
    """Quizzes are for Pro members and staff (the post-test gates CME credit)."""
    if not user.is_authenticated:
        return Access(False, "sign_in")
    reason = can_open_everything(user)
    return Access(True, reason) if reason else Access(False, "upgrade")


def quizzes_for_course(*, course: Course, user: User | AnonymousUser) -> list[Quiz]:
    """The course's quizzes in order (kind, id), each with ``has_passed`` for the viewer (false for a visitor).
    One written-out statement: it runs on every course page, and the ORM's ``Exists`` cost more to build than the
    query to run (decision 0040)."""
    sql = (
        f"SELECT q.*, EXISTS (SELECT 1 FROM {Attempt._meta.db_table} a"  # noqa: S608 -- the tables are the models'; the values are parameters
        " WHERE a.quiz_id = q.id AND a.user_id = %s AND a.passed) AS has_passed"
        f" FROM {Quiz._meta.db_table} q WHERE q.course_id = %s ORDER BY q.kind, q.id"
    )
    found = list(Quiz.objects.raw(sql, [user.pk if user.is_authenticated else None, course.pk]))
    for quiz in found:
        quiz.course = course  # already loaded: spares a query per quiz for its URL
    return found


def course_quizzes_panel(course: Course, user: User | AnonymousUser) -> Panel | None:
    """Registered on ``catalog.hooks.course_panels``: the course's quizzes, with the viewer's passes."""
    quizzes = quizzes_for_course(course=course, user=user)
    return Panel("quizzes/_course_quizzes.html", {"quizzes": quizzes}, order=20) if quizzes else None


@dataclass(frozen=True)
class ShownQuestion:
    question: Question
    options: list[Option]
    selected: set[int]
    is_correct: bool | None


def attempt_answers_revealed(attempt: Attempt) -> bool:
    """Whether the attempt's page may show the correct answers and explanations (``rules.answers_revealed``),
    judged on every attempt its member made at the quiz. One query."""
    attempts = list(Attempt.objects.filter(user_id=attempt.user_id, quiz_id=attempt.quiz_id))
    return answers_revealed(quiz=attempt.quiz, attempt=attempt, attempts=attempts)


def attempt_questions(attempt: Attempt) -> list[ShownQuestion]:
    """The questions drawn for the attempt and their options, in the order the member saw them, with their
    answers if any."""
    question_ids = attempt.layout.get("questions", [])
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids)}
    option_order = attempt.layout.get("options", {})
    all_option_ids = [oid for ids in option_order.values() for oid in ids]
    options = {o.pk: o for o in Option.objects.filter(pk__in=all_option_ids)}
    answers = {a.question_id: a for a in attempt.answers.all()} if attempt.is_submitted else {}
    shown = []
    for qid in question_ids:
        if qid not in questions:
            continue
        answer = answers.get(qid)
        shown.append(
            ShownQuestion(
                question=questions[qid],
                options=[options[oid] for oid in option_order.get(str(qid), []) if oid in options],
                selected=set(answer.selected) if answer else set(),
                is_correct=answer.is_correct if answer else None,
            )
        )
    return shown


def course_post_test_steps(courses: list[Course], user: User, lessons_done: set[int]) -> dict[int, NextStep]:
    """Registered on ``catalog.hooks.course_next_steps``: every lesson of a course done and its post-test (the
    first) not yet passed → take it. One query for all the courses, none when no course has every lesson done."""
    by_id = {course.pk: course for course in courses if course.pk in lessons_done}
    if not by_id:
        return {}
    post_tests = (
        Quiz.objects.filter(course_id__in=by_id, kind=Quiz.Kind.POST_TEST)
        .annotate(has_passed=Exists(Attempt.objects.filter(user=user, quiz=OuterRef("pk"), passed=True)))
        .order_by("course_id", "id")
    )
    steps: dict[int, NextStep] = {}
    seen: set[int] = set()
    for post_test in post_tests:
        if post_test.course_id in seen:
            continue  # a course's first post-test is the one
        seen.add(post_test.course_id)
        if not post_test.has_passed:
            post_test.course = by_id[post_test.course_id]
            steps[post_test.course_id] = NextStep(_("Take the post-test"), post_test.get_absolute_url(), STEP_POST_TEST)
    return steps
