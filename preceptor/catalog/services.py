from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.catalog.media import video_seconds
from preceptor.catalog.models import Course, Enrollment, FileDownloadDay, Lesson, LessonFile, LessonProgress, Module
from preceptor.core.pagecache import members_changed


@transaction.atomic
def lesson_create(*, module: Module, files: dict[str, File] | None = None, **fields: Any) -> Lesson:
    """A lesson in ``module`` (and so in its course); ``files`` maps "video"/"captions" to files to store."""
    lesson = Lesson(module=module, course=module.course, **fields)
    for name, file in (files or {}).items():
        if name == "video":
            lesson.video_duration = video_seconds(file) or lesson.video_duration
        getattr(lesson, name).save(file.name, file, save=False)
    lesson.minutes = lesson.media_minutes() or lesson.minutes
    lesson.save()
    return lesson


class CompletionRefused(ValueError):
    """A video lesson cannot be marked as done: only the time watched completes it (decision 0005)."""


COMPLETE_AT = 0.9  # share of a video that must have been watched
MAX_PLAYBACK_RATE = 2.5  # watched time may grow at most this fast against the clock (2× playback and slack)
REPORT_SLACK_SECONDS = 5.0
HEARTBEAT_SECONDS = 15  # a visible reading page reports every 15 s (lesson.js)
HEARTBEAT_CREDIT_SECONDS = 2 * HEARTBEAT_SECONDS  # at most this much counts per report: a missed beat, no more


class NotAReading(ValueError):
    """Reading time is measured for readings and handouts; a video's learning time is the time watched."""


@transaction.atomic
def lesson_open(*, user: User, lesson: Lesson, now: datetime | None = None) -> None:
    """Remember the lesson as the member's place in the course ("continue where you left off").

    One UPDATE in the usual case; the first visit creates the enrollment.
    """
    now = now or timezone.now()
    updated = Enrollment.objects.filter(user=user, course_id=lesson.course_id).update(
        last_lesson=lesson, last_activity_at=now
    )
    members_changed([user.pk])
    if not updated:
        with contextlib.suppress(IntegrityError), transaction.atomic():  # a parallel request may enroll first
            Enrollment.objects.create(user=user, course_id=lesson.course_id, last_lesson=lesson, last_activity_at=now)


def _course_completion_update(*, user: User, course: Course, now: datetime) -> bool:
    total = Lesson.objects.filter(course=course).count()
    done = LessonProgress.objects.filter(user=user, lesson__course=course, completed_at__isnull=False).count()
    complete = total > 0 and done >= total
    if complete:
        Enrollment.objects.filter(user=user, course=course, completed_at__isnull=True).update(completed_at=now)
        members_changed([user.pk])
    return complete


@transaction.atomic
def progress_record(
    *, user: User, lesson: Lesson, position: float, watched_delta: float, now: datetime | None = None
) -> LessonProgress:
    """Store where the member is in a video and how much of it they have watched.

    ``watched_delta`` is what the player says was played since its last report; the server believes no more
    than the clock allows (``MAX_PLAYBACK_RATE`` × seconds since the last report, plus a little slack), so a
    forged report cannot complete a lesson. The lesson completes at 90% of the video watched.
    """
    now = now or timezone.now()
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    duration = lesson.video_duration or 0.0
    # The clock starts at the member's last sign of life in the course: opening a lesson or the last report.
    last_seen = (
        Enrollment.objects.filter(user=user, course_id=lesson.course_id)
        .values_list("last_activity_at", flat=True)
        .first()
    )
    elapsed = (now - last_seen).total_seconds() if last_seen else 0.0
    credible = max(0.0, min(float(watched_delta), MAX_PLAYBACK_RATE * max(elapsed, 0.0) + REPORT_SLACK_SECONDS))
    watched = progress.watched_seconds + credible
    progress.watched_seconds = min(watched, duration) if duration else watched
    progress.position_seconds = min(max(0.0, float(position)), duration) if duration else max(0.0, float(position))
    progress.measured_seconds = progress.watched_seconds  # the learning time a video gives (decision 0020)
    if duration and progress.completed_at is None and progress.watched_seconds >= COMPLETE_AT * duration:
        progress.completed_at = now
    progress.save()
    # Only a report that claims time moves the clock: a position-only report (pausing, leaving) arriving just before
    # one that claims time would otherwise shrink what the clock allows it.
    moved = {"last_activity_at": now} if watched_delta > 0 else {}
    Enrollment.objects.filter(user=user, course_id=lesson.course_id).update(last_lesson=lesson, **moved)
    members_changed([user.pk])
    if progress.completed_at == now:
        _course_completion_update(user=user, course=lesson.course, now=now)
    return progress


@transaction.atomic
def lesson_complete(*, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """A reading or handout marked as done by the member; it is also their place in the course (without
    JavaScript the page cannot report the lesson as opened). A video lesson raises ``CompletionRefused``: it is
    completed by ``progress_record`` once enough of it was watched, so that no credit counts time not spent."""
    if lesson.kind == Lesson.Kind.VIDEO:
        raise CompletionRefused(lesson.pk)
    now = now or timezone.now()
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    # The time since the last sign of life counts as reading, up to the reading's cap; once the page reported
    # while visible, only the stretch since its last report (the member may have left the page hidden).
    limit = HEARTBEAT_CREDIT_SECONDS if progress.measured_seconds else lesson.reading_cap_seconds
    _reading_time_add(
        progress=progress, lesson=lesson, elapsed=_seconds_since_last_sign(user, lesson, now), limit=limit
    )
    lesson_open(user=user, lesson=lesson, now=now)
    if progress.completed_at is None:
        progress.completed_at = now
    progress.save(update_fields=["completed_at", "measured_seconds", "updated_at"])
    if progress.completed_at == now:
        _course_completion_update(user=user, course=lesson.course, now=now)
    return progress


def _seconds_since_last_sign(user: User, lesson: Lesson, now: datetime) -> float:
    """Seconds since the member's last sign of life anywhere in the course (opening a lesson, a progress or
    reading report): one clock for the whole course, so two open tabs cannot count the same minute twice."""
    last_seen = (
        Enrollment.objects.filter(user=user, course_id=lesson.course_id)
        .values_list("last_activity_at", flat=True)
        .first()
    )
    return max(0.0, (now - last_seen).total_seconds()) if last_seen else 0.0


def _reading_time_add(*, progress: LessonProgress, lesson: Lesson, elapsed: float, limit: float) -> None:
    credible = min(elapsed, limit)
    progress.measured_seconds = min(progress.measured_seconds + credible, lesson.reading_cap_seconds)


@transaction.atomic
def reading_time_record(*, user: User, lesson: Lesson, now: datetime | None = None) -> LessonProgress:
    """A reading's page says it is open and visible (every ``HEARTBEAT_SECONDS``, and when it is hidden). The
    server counts the time since the member's last sign of life in the course, at most
    ``HEARTBEAT_CREDIT_SECONDS`` a report and at most twice the reading time in all (decision 0020): the report
    carries no number to forge, and a member away from the page stops counting. Raises ``NotAReading`` for a
    video (its learning time is the time watched)."""
    if lesson.kind == Lesson.Kind.VIDEO:
        raise NotAReading(lesson.pk)
    now = now or timezone.now()
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    elapsed = _seconds_since_last_sign(user, lesson, now)
    _reading_time_add(progress=progress, lesson=lesson, elapsed=elapsed, limit=HEARTBEAT_CREDIT_SECONDS)
    progress.save(update_fields=["measured_seconds", "updated_at"])
    lesson_open(user=user, lesson=lesson, now=now)
    return progress


@transaction.atomic
def download_count(*, file: LessonFile, day: date | None = None) -> None:
    """Count one download of a handout for the day (no identity is stored)."""
    day = day or timezone.localdate()
    updated = FileDownloadDay.objects.filter(file=file, day=day).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                FileDownloadDay.objects.create(file=file, day=day, count=1)
        except IntegrityError:
            FileDownloadDay.objects.filter(file=file, day=day).update(count=F("count") + 1)
