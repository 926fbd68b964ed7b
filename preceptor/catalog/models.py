from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.media import reading_minutes, video_minutes

READING_CAP_FACTOR = 2  # time on a reading counts up to twice its estimated reading time (decision 0020)


@deconstructible
class RandomName:
    """``upload_to`` that stores a file under ``folder`` with a random name (keeps its extension)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: models.Model, filename: str) -> str:
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.folder}/{secrets.token_urlsafe(12)}.{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


cover_path = RandomName("covers")
video_path = RandomName("lessons/video")
captions_path = RandomName("lessons/captions")
handout_path = RandomName("lessons/files")


class Specialty(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language when it is one of ``catalog.specialties.NAMES``, else as typed."""
        return gettext(self.name) if self.name else ""


class CourseQuerySet(models.QuerySet):
    def published(self) -> CourseQuerySet:
        return self.filter(is_published=True)

    def with_minutes(self) -> CourseQuerySet:
        """Each course's learning time, the sum of its lessons' minutes, in the same query (a subquery, so
        joins made by filters cannot multiply it)."""
        lessons = (
            Lesson.objects.filter(course=models.OuterRef("pk"))
            .order_by()
            .values("course")
            .annotate(total=models.Sum("minutes"))
            .values("total")
        )
        return self.annotate(lesson_minutes=Coalesce(models.Subquery(lessons), 0))


class Course(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        RECORDING = "recording", _("Recorded class")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    specialties = models.ManyToManyField(Specialty, related_name="courses", blank=True)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="courses_taught", blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=Kind.choices,
        default=Kind.COURSE,
        help_text=_("A recorded class is listed under classes, open to its registrants and to Pro members."),
    )
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:course", args=[self.slug])

    @cached_property
    def url(self) -> str:
        return self.get_absolute_url()

    @property
    def minutes(self) -> int:
        """The course's learning time: the sum of its lessons' minutes (which come from the media). Lists
        annotate it (``Course.objects.with_minutes()``); a lone course asks the database once."""
        if "lesson_minutes" not in self.__dict__:
            self.lesson_minutes = self.lessons.aggregate(total=models.Sum("minutes"))["total"] or 0
        return self.lesson_minutes


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(_("title"), max_length=160)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("module")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        TEXT = "text", _("Reading")
        FILE = "file", _("Handout")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", editable=False)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField()
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.VIDEO)
    position = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(
        _("learning time (minutes)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Set from the media when the lesson is saved: the video's length, or the reading time of the text. "
            "Typed only for a video hosted elsewhere."
        ),
    )
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown. Shown for readings, and under handouts."))
    video = models.FileField(
        _("video (MP4 or WebM)"),
        upload_to=video_path,
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
    )
    video_duration = models.FloatField(
        _("video length (seconds)"), null=True, blank=True, help_text=_("Read from the video file when it is saved.")
    )
    captions = models.FileField(
        _("captions (WebVTT)"), upload_to=captions_path, blank=True, validators=[FileExtensionValidator(["vtt"])]
    )
    captions_language = models.CharField(_("captions language"), max_length=8, default="en")
    transcript = models.TextField(_("transcript"), blank=True)
    external_video_url = models.URLField(
        _("external video page"),
        blank=True,
        help_text=_("Optional. Shown as a link that the member chooses to open; nothing loads from it before."),
    )

    class Meta:
        ordering = ["module__position", "position", "id"]
        verbose_name = _("lesson")
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="catalog_lesson_slug_per_course")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:lesson", args=[self.course.slug, self.slug])

    @cached_property
    def url(self) -> str:
        return self.get_absolute_url()

    def clean(self) -> None:
        if self.kind == self.Kind.VIDEO and not (self.video or self.external_video_url):
            raise ValidationError({"video": _("A video lesson needs a video file or an external video page.")})
        if self.video and not self.captions:
            raise ValidationError({"captions": _("Every video needs captions (WebVTT).")})
        if self.video and not self.video_duration:
            raise ValidationError(
                {
                    "video": _(
                        "This file does not state the video's length; save it again as MP4 or WebM (the lesson is "
                        "complete once 90% of it is watched)."
                    )
                }
            )

    def media_minutes(self) -> int | None:
        """The learning time the media give: the video's length, or the reading time of the text (readings and
        handouts); None for a video hosted elsewhere, whose length no file states."""
        if self.kind == self.Kind.VIDEO:
            return video_minutes(self.video_duration) if self.video_duration else None
        return reading_minutes(self.body)

    @property
    def reading_cap_seconds(self) -> float:
        """The most time on a reading that counts as learning time: twice its estimated reading time."""
        return READING_CAP_FACTOR * self.minutes * 60

    @property
    def video_type(self) -> str:
        return "video/webm" if self.video.name.endswith(".webm") else "video/mp4"


class LessonFile(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(_("title"), max_length=160)
    file = models.FileField(_("file"), upload_to=handout_path)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("handout")

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return f"{self.lesson.slug}-{self.pk}.{self.file.name.rsplit('.', 1)[-1]}"


class FileDownloadDay(models.Model):
    """Downloads of a handout per day: the policy's "daily requests for particular files", with no identity."""

    file = models.ForeignKey(LessonFile, on_delete=models.CASCADE, related_name="download_days")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "day"], name="catalog_download_day_unique")]


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="catalog_enrollment_unique")]
        indexes = [models.Index(fields=["user", "-last_activity_at"])]


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    position_seconds = models.FloatField(default=0)
    watched_seconds = models.FloatField(default=0)
    # Learning time measured on the server (decision 0020): for a video the time watched, believed only as fast
    # as the clock; for a reading the time the page was open and visible, up to twice its reading time.
    measured_seconds = models.FloatField(_("measured learning time (seconds)"), default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="catalog_progress_unique"),
            models.CheckConstraint(
                condition=models.Q(position_seconds__gte=0) & models.Q(watched_seconds__gte=0),
                name="catalog_progress_non_negative",
            ),
            models.CheckConstraint(condition=models.Q(measured_seconds__gte=0), name="catalog_progress_measured_gte_0"),
        ]
