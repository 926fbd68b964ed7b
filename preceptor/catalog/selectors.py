from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from preceptor.accounts.models import User
from preceptor.billing.selectors import membership_for
from preceptor.catalog import hooks
from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress, Module
from preceptor.core.pagecache import content_version

Reason = Literal["member", "staff", "preview", "sign_in", "upgrade"]


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: Reason
    free: bool = False  # one of the course's free lessons: open to every member; a visitor signs in for it

    @property
    def locked(self) -> bool:
        """Whether pages show the lesson as locked: not open, and not a free lesson that signing in opens."""
        return not self.allowed and not self.free

    @property
    def shown_free(self) -> bool:
        """Whether pages mark the lesson "Free": a free lesson, to a viewer who could not open the others."""
        return self.free and self.reason in ("preview", "sign_in")


def free_lesson_ids(lessons: list[Lesson]) -> set[int]:
    """The first ``TRIAL_FREE_LESSONS`` lessons of a course (given in course order) are open to every member."""
    return {lesson.pk for lesson in lessons[: settings.TRIAL_FREE_LESSONS]}


def can_open_everything(user: User | AnonymousUser) -> Reason | None:
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return "staff"
    if membership_for(user).is_pro:
        return "member"
    return None


def lesson_access(
    user: User | AnonymousUser, lesson: Lesson, *, free_ids: set[int], everything: Reason | None
) -> Access:
    """The one rule for opening a lesson, used by every view that shows or serves lesson content.

    ``everything`` is ``can_open_everything(user)``, looked up once per page by the caller.
    """
    free = lesson.pk in free_ids
    if not user.is_authenticated:
        return Access(False, "sign_in", free)
    reason = everything
    if reason:
        return Access(True, reason, free)
    if free:
        return Access(True, "preview", free)
    return Access(False, "upgrade")


def course_list(*, query: str = "", specialty: str = "") -> QuerySet[Course]:
    """Published courses, filtered by specialty and searched over title, summary and specialty names.

    PostgreSQL ranks with full-text search; SQLite matches every word as a substring. Same results page.
    """
    courses = (
        Course.objects.published()
        .filter(kind=Course.Kind.COURSE)
        .with_minutes()
        .prefetch_related("specialties", "teachers")
    )
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


@dataclass
class CourseContent:
    """What every viewer of a course shares: the course, its teachers and specialties, and its lessons in order
    (with modules and handouts, URLs computed). Cached for ``CATALOG_CACHE_SECONDS``; staff always read fresh."""

    course: Course
    lessons: list[Lesson]


def _content_key(slug: str) -> str:
    # Forgotten by any write to the shared content, however it is made (core.pagecache).
    return f"catalog:content:{content_version()}:{slug}"


SLUG_MAX_LENGTH = 50  # Course.slug, a SlugField of Django's default length


def course_content(*, slug: str, fresh: bool = False) -> CourseContent | None:
    if len(slug) > SLUG_MAX_LENGTH:  # no such course; and no oversized cache key
        return None
    key = _content_key(slug)
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return cached or None  # False: cached "no such course"
    course = (
        Course.objects.filter(slug=slug)
        .prefetch_related(Prefetch("teachers", queryset=User.objects.select_related("profile")), "specialties")
        .first()
    )
    if course is None:
        cache.set(key, False, settings.CATALOG_CACHE_SECONDS)
        return None
    lessons = list(
        Lesson.objects.filter(course=course)
        .select_related("module")
        .prefetch_related("files")
        .order_by("module__position", "module_id", "position", "id")
    )
    course.lesson_minutes = sum(lesson.minutes for lesson in lessons)  # the course's time, kept with the content
    for lesson in lessons:
        lesson.course = course  # already loaded: spares a query per lesson
        _ = lesson.url  # computed once, kept with the cached content
    _ = course.url
    content = CourseContent(course=course, lessons=lessons)
    cache.set(key, content, settings.CATALOG_CACHE_SECONDS)
    return content


# --- Course cards (the catalogue) -----------------------------------------------------------------------------
# A card shows only what every visitor shares: the course, its minutes, specialties and teachers, and what
# other apps add (``hooks.course_card_panels``: the credits). The catalogue keeps each card rendered, per
# language, for ``CATALOG_CACHE_SECONDS``; any change to what a card shows forgets them all, however it was made:
# they are keyed by the shared content's version (core.pagecache).


def course_card_keys(course_ids: list[int], language: str) -> dict[int, str]:
    version = content_version()
    return {pk: f"catalog:card:{version}:{language}:{pk}" for pk in course_ids}


def search_form_key(language: str) -> str:
    """The catalogue's empty search form lists the specialties: kept, and forgotten, with the cards."""
    return f"catalog:search-form:{content_version()}:{language}"


@dataclass
class MemberState:
    """What ``course_outline`` reads about the member, when the caller already has it for several courses."""

    everything: Reason | None
    progress: dict[int, LessonProgress]  # by lesson id
    last_lesson_id: int | None


def _member_in_course(*, user_id: int, course_id: int) -> tuple[list[LessonProgress], tuple[int | None] | None]:
    """The member's progress rows in the course, and their enrollment's last lesson (None: not enrolled). Written
    out: every course and lesson page reads them, and building the two ORM queries cost several times running
    them (decision 0040)."""
    progress, lesson, enrollment = (
        LessonProgress._meta.db_table,
        Lesson._meta.db_table,
        Enrollment._meta.db_table,
    )
    # One statement: at least one row, carrying the enrollment (if any) beside each progress row (if any).
    rows = list(
        LessonProgress.objects.raw(
            "SELECT p.*, e.id AS enrollment_id, e.last_lesson_id AS enrollment_last_lesson_id"  # noqa: S608 -- the tables are the models'; the values are parameters
            f" FROM (SELECT 1 AS one) m LEFT JOIN {enrollment} e ON e.user_id = %s AND e.course_id = %s"
            f" LEFT JOIN (SELECT p.* FROM {progress} p INNER JOIN {lesson} l ON l.id = p.lesson_id"
            " WHERE p.user_id = %s AND l.course_id = %s) p ON 1 = 1",
            [user_id, course_id, user_id, course_id],
        )
    )
    first = rows[0] if rows else None  # the statement's own columns, beside the progress row's
    enrolled = (getattr(first, "enrollment_last_lesson_id"),) if getattr(first, "enrollment_id", None) else None  # noqa: B009 -- not a field of the model
    return [row for row in rows if row.pk is not None], enrolled


def course_outline(*, slug: str, user: User | AnonymousUser, known: MemberState | None = None) -> Outline | None:
    """A course as ``user`` sees it: modules and lessons, each with the viewer's access and progress.

    Queries: the member's progress and enrollment (the shared content comes from the cache), none of them when
    ``known`` brings them (an enrolled member's page listing several courses). Unpublished courses exist only for
    staff, who preview them fresh. Modules without lessons are not shown.
    """
    is_staff = user.is_staff
    content = course_content(slug=slug, fresh=is_staff)
    if content is None or not (content.course.is_published or is_staff):
        return None
    course, ordered = content.course, content.lessons
    modules: dict[int, tuple[Module, list[Lesson]]] = {}
    for lesson in ordered:
        modules.setdefault(lesson.module_id, (lesson.module, []))[1].append(lesson)
    # A recorded class has no free preview: it is for the class's registrants and Pro members.
    free_ids = free_lesson_ids(ordered) if course.kind == Course.Kind.COURSE else set()
    enrolled = known is not None
    if known is None and user.is_authenticated:
        rows, enrollment = _member_in_course(user_id=user.pk, course_id=course.pk)
        enrolled = enrollment is not None
        last = enrollment[0] if enrollment else None
        known = MemberState(can_open_everything(user), {p.lesson_id: p for p in rows}, last)
    elif known is None:
        known = MemberState(None, {}, None)
    progress, everything = known.progress, known.everything
    recorded = course.kind == Course.Kind.RECORDING
    if everything is None and recorded and user.is_authenticated and any(hooks.recording_access.call(user, course.pk)):
        everything = "member"
    items = {
        lesson.pk: OutlineLesson(
            lesson, lesson_access(user, lesson, free_ids=free_ids, everything=everything), progress.get(lesson.pk)
        )
        for lesson in ordered
    }
    return Outline(
        course=course,
        modules=[(module, [items[lesson.pk] for lesson in lessons]) for module, lessons in modules.values()],
        lessons=[items[lesson.pk] for lesson in ordered],
        enrolled=enrolled,
        last_lesson_id=known.last_lesson_id,
    )


def continue_learning(*, user: User, limit: int = 4) -> list[Enrollment]:
    """The member's most recently used courses, each with the lesson they last opened."""
    return list(
        Enrollment.objects.filter(user=user, course__is_published=True)
        .select_related("course", "last_lesson")
        .order_by("-last_activity_at", "-enrolled_at")[:limit]
    )


def course_next_step(*, outline: Outline, user: User | AnonymousUser) -> hooks.NextStep | None:
    """The member's next step in the course, the page's main button: the next unfinished lesson, else what the
    apps above offer once lessons are done (post-test, evaluation and claim, certificate); the furthest along
    wins. ``None`` for a visitor, and for a course with nothing left to do."""
    return course_next_steps(outlines=[outline], user=user).get(outline.course.pk)


def course_next_steps(*, outlines: list[Outline], user: User | AnonymousUser) -> dict[int, hooks.NextStep | None]:
    """``course_next_step`` for several courses at once, by course id: each app above answers the whole list with
    one query ("My learning")."""
    if not user.is_authenticated:
        return {}
    outlines = [outline for outline in outlines if outline.lessons]
    done = {outline.course.pk for outline in outlines if all(item.completed for item in outline.lessons)}
    offered: dict[int, list[hooks.NextStep]] = {outline.course.pk: [] for outline in outlines}
    if outlines:
        for answer in hooks.course_next_steps.call([outline.course for outline in outlines], user, done):
            for course_id, step in answer.items():
                offered[course_id].append(step)
    for outline in outlines:
        if outline.course.pk not in done:
            following = outline.next_lesson
            if following is None or following.completed:  # every open lesson done: the first locked one explains
                following = next(item for item in outline.lessons if not item.completed)
            label = _("Continue") if outline.enrolled else _("Start the course")
            step = hooks.NextStep(label, following.lesson.url, hooks.STEP_LESSONS, following.lesson.title)
            offered[outline.course.pk].append(step)
    return {course_id: max(steps, key=lambda s: s.rank, default=None) for course_id, steps in offered.items()}


@dataclass
class CourseInProgress:
    outline: Outline
    step: hooks.NextStep | None


def courses_in_progress(*, user: User, limit: int = 4) -> list[CourseInProgress]:
    """The member's most recently used courses, each with its progress and next step ("My learning")."""
    enrollments = continue_learning(user=user, limit=limit)
    # One query each for every course's progress and for the member's access, not one per course.
    everything = can_open_everything(user)
    progress: dict[int, dict[int, LessonProgress]] = {}
    rows = LessonProgress.objects.filter(user=user, lesson__course_id__in=[e.course_id for e in enrollments])
    for row in rows.annotate(of_course=F("lesson__course_id")):
        progress.setdefault(row.of_course, {})[row.lesson_id] = row
    outlines = []
    for enrollment in enrollments:
        known = MemberState(everything, progress.get(enrollment.course_id, {}), enrollment.last_lesson_id)
        outline = course_outline(slug=enrollment.course.slug, user=user, known=known)
        if outline is not None:
            outlines.append(outline)
    steps = course_next_steps(outlines=outlines, user=user)  # one query per app above, not one per course
    return [CourseInProgress(outline, steps.get(outline.course.pk)) for outline in outlines]
