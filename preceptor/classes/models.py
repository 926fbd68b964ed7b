"""Live classes taught by teachers, sign-ups with a waitlist, attendance, and the teacher terms that must be
accepted before a teacher sees any member's data."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.models import Course
from preceptor.core.models import AppendOnlyModel


class TeacherTerms(models.Model):
    """A version of the teacher terms of use. The newest published version is the one teachers must accept."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text = models.TextField(_("text"), help_text=_("Markdown."))
    published_at = models.DateTimeField(_("published"))

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("teacher terms")
        verbose_name_plural = _("teacher terms")

    def __str__(self) -> str:
        return f"Teacher terms {self.version}"


class TermsAcceptance(AppendOnlyModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher_terms")
    terms = models.ForeignKey(TeacherTerms, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "terms"], name="classes_terms_accepted_once")]


class Teacher(models.Model):
    """A teacher's page: not an employee of the service, named on the classes they teach. Public only when the
    teacher makes it so (``is_public``); otherwise it answers 404 like a teacher who does not exist."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher")
    slug = models.SlugField(unique=True)
    display_name = models.CharField(_("name shown"), max_length=150)
    bio = models.TextField(_("biography"), blank=True, help_text=_("Markdown; shown on the public teacher page."))
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    is_public = models.BooleanField(
        _("public teacher page"),
        default=False,
        help_text=_("Only then does the page at /teachers/<slug>/ exist; the teacher decides on their dashboard."),
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        """The teacher's one public page: their member page, which shows the teacher section (decision 0021)."""
        return reverse("profiles:detail", args=[self.user.profile.handle])


JOIN_OPENS = timedelta(minutes=15)
ITEM_PREFIX = "class:"  # a single class's billing item is ``class:<slug>``


def _meeting_id() -> str:
    return secrets.token_hex(12)


class LiveClass(models.Model):
    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("description"), help_text=_("Markdown."))
    teachers = models.ManyToManyField(Teacher, related_name="classes")
    starts_at = models.DateTimeField(_("starts"), help_text=_("Stored in UTC; shown in each member's time zone."))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), validators=[MinValueValidator(5)])
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    price_amount = models.PositiveIntegerField(
        _("single-class price (cents)"), null=True, blank=True, help_text=_("Empty: for Pro members only.")
    )
    price_currency = models.CharField(_("currency"), max_length=3, default="EUR")
    meeting_url = models.URLField(
        _("meeting address"), blank=True, help_text=_("Used when BigBlueButton is not configured.")
    )
    meeting_id = models.CharField(max_length=40, default=_meeting_id, unique=True, editable=False)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    recording = models.OneToOneField(
        Course,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_class",
        help_text=_("The recording, published as its own course (and its own CME activity)."),
    )
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("live class")
        verbose_name_plural = _("live classes")
        permissions = [("publish_recording", _("Publish a class's recording"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("classes:detail", args=[self.slug])

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    def joinable(self, now: datetime) -> bool:
        """Open from 15 minutes before the start until the end (or until the teacher ends it)."""
        return self.starts_at - JOIN_OPENS <= now < self.ends_at and not self.ended_at

    @property
    def item(self) -> str:
        """The billing item a single purchase of this class records."""
        return f"{ITEM_PREFIX}{self.slug}"


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")

    live_class = models.ForeignKey(LiveClass, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_registrations")
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_1h_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["live_class", "user"], name="classes_registration_once")]
        indexes = [models.Index(fields=["live_class", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.live_class} ({self.status})"

    @property
    def minutes_attended(self) -> int:
        return sum(a.minutes for a in self.attendances.all())


class Attendance(models.Model):
    """One stay in the meeting: when the member joined and when they left (or the class ended)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at"]

    @property
    def minutes(self) -> int:
        if self.left_at is None:
            return 0
        return max(0, int((self.left_at - self.joined_at).total_seconds() / 60 + 0.5))  # nearest minute, half up
