from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from preceptor.accounts.models import User
from preceptor.accounts.selectors import membership_for
from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress, Module

Reason = Literal["member", "staff", "preview", "sign_in", "upgrade"]


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: Reason


def free_lesson_ids(lessons: list[Lesson]) -> set[int]:
    """The first ``TRIAL_FREE_LESSONS`` lessons of a course (given in course order) are open to every member."""
    return {lesson.pk for lesson in lessons[: settings.TRIAL_FREE_LESSONS]}


def can_open_everything(user: Any) -> Reason | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_staff:
        return "staff"
    if membership_for(user).is_pro:
        return "member"
    return None


def lesson_access(user: Any, lesson: Lesson, *, free_ids: set[int]) -> Access:
    """The one rule for opening a lesson, used by every view that shows or serves lesson content."""
    if not getattr(user, "is_authenticated", False):
        return Access(False, "sign_in")
    reason = can_open_everything(user)
    if reason:
        return Access(True, reason)
    if lesson.pk in free_ids:
        return Access(True, "preview")
    return Access(False, "upgrade")


def course_list(*, query: str = "", specialty: str = "") -> QuerySet[Course]:
    """Published courses, filtered by specialty and searched over title, summary and specialty names.

    PostgreSQL ranks with full-text search; SQLite matches every word as a substring. Same results page.
    """
    courses = Course.objects.published().prefetch_related("specialties", "teachers")
    if specialty:
        courses = courses.filter(specialties__slug=specialty)
    query = " ".join(query.split())[:100]
    if not query:
        return courses.order_by("position", "title")
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("specialties__name", weight="B", config="english")
            + SearchVector("description", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        matching = Course.objects.annotate(search=vector).filter(search=search).values("pk")
        return (
            courses.filter(pk__in=matching)
            .annotate(
                rank=SearchRank(
                    SearchVector("title", weight="A", config="english")
                    + SearchVector("summary", weight="B", config="english"),
                    search,
                )
            )
            .order_by("-rank", "position", "title")
        )
    condition = Q()
    for word in query.split():
        condition &= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(specialties__name__icontains=word)
        )
    matching_ids = Course.objects.filter(condition).values("pk")
    return courses.filter(pk__in=matching_ids).order_by("position", "title")


@dataclass
class OutlineLesson:
    lesson: Lesson
    access: Access
    progress: LessonProgress | None

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


@dataclass
class Outline:
    course: Course
    modules: list[tuple[Module, list[OutlineLesson]]]
    lessons: list[OutlineLesson]
    enrolled: bool
    last_lesson_id: int | None

    @property
    def completed_count(self) -> int:
        return sum(1 for item in self.lessons if item.completed)

    @property
    def percent(self) -> int:
        return round(100 * self.completed_count / len(self.lessons)) if self.lessons else 0

    @property
    def next_lesson(self) -> OutlineLesson | None:
        """Where to continue: the first open, unfinished lesson after the last one visited, else the first."""
        if not self.lessons:
            return None
        open_unfinished = [item for item in self.lessons if item.access.allowed and not item.completed]
        last = self.last_lesson_id
        if last:
            for item in self.lessons:
                if item.lesson.pk == last and not item.completed and item.access.allowed:
                    return item
        return open_unfinished[0] if open_unfinished else self.lessons[0]

    def neighbours(self, lesson: Lesson) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        ids = [item.lesson.pk for item in self.lessons]
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


def course_outline(*, slug: str, user: Any, with_teachers: bool = True) -> Outline | None:
    """A published course with its modules and lessons, each lesson with the viewer's access and progress.

    Queries: the course (with the member's enrollment), its lessons (with their modules), teachers and
    specialties (optional), and the member's progress. Modules without lessons are not shown.
    """
    signed_in = getattr(user, "is_authenticated", False)
    courses = Course.objects.filter(slug=slug)
    if not getattr(user, "is_staff", False):  # staff preview unpublished courses as learners will see them
        courses = courses.published()
    if with_teachers:
        courses = courses.prefetch_related(
            Prefetch("teachers", queryset=User.objects.select_related("profile")), "specialties"
        )
    if signed_in:  # the member's enrollment rides along with the course: one query fewer
        enrollment = Enrollment.objects.filter(user=user, course=OuterRef("pk"))
        courses = courses.annotate(
            viewer_enrolled=Exists(enrollment), viewer_last_lesson_id=Subquery(enrollment.values("last_lesson_id")[:1])
        )
    course = courses.first()
    if course is None:
        return None
    ordered = list(
        Lesson.objects.filter(course=course)
        .select_related("module")
        .order_by("module__position", "module_id", "position", "id")
    )
    modules: dict[int, tuple[Module, list[Lesson]]] = {}
    for lesson in ordered:
        lesson.course = course  # already loaded: spares a query per lesson for its URL
        modules.setdefault(lesson.module_id, (lesson.module, []))[1].append(lesson)
    free_ids = free_lesson_ids(ordered)
    progress: dict[int, LessonProgress] = {}
    if signed_in:
        progress = {p.lesson_id: p for p in LessonProgress.objects.filter(user=user, lesson__course=course)}
    items = {
        lesson.pk: OutlineLesson(lesson, lesson_access(user, lesson, free_ids=free_ids), progress.get(lesson.pk))
        for lesson in ordered
    }
    return Outline(
        course=course,
        modules=[(module, [items[lesson.pk] for lesson in lessons]) for module, lessons in modules.values()],
        lessons=[items[lesson.pk] for lesson in ordered],
        enrolled=getattr(course, "viewer_enrolled", False),
        last_lesson_id=getattr(course, "viewer_last_lesson_id", None),
    )


def continue_learning(*, user: Any, limit: int = 4) -> list[Enrollment]:
    """The member's most recently used courses, each with the lesson they last opened."""
    return list(
        Enrollment.objects.filter(user=user, course__is_published=True)
        .select_related("course", "last_lesson")
        .order_by("-last_activity_at", "-enrolled_at")[:limit]
    )
