"""The magazine: articles written by staff and teachers, and members' comments on them."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.media import reading_minutes
from preceptor.catalog.models import Course, RandomName, Specialty

cover_path = RandomName("magazine/covers")
image_path = RandomName("magazine/images")


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: datetime | None = None) -> ArticleQuerySet:
        """Visible to everyone: published, and its publication time has come (a future one is scheduled)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("address"), unique=True, help_text=_("The article's address: /magazine/<address>/."))
    lead = models.CharField(_("lead"), max_length=300, help_text=_("One or two sentences shown under the title."))
    body = models.TextField(
        _("text"),
        help_text=_(
            "Markdown: ## headings, **bold**, lists, quotes, links and tables. An image uploaded below is placed "
            "with ![description](address); every image needs its description."
        ),
    )
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    cover_alt = models.CharField(
        _("cover description"), max_length=200, blank=True, help_text=_("What the cover shows, for screen readers.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        limit_choices_to=models.Q(is_staff=True) | models.Q(is_teacher=True),
    )
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), related_name="articles", blank=True)
    related_courses = models.ManyToManyField(
        Course, verbose_name=_("related courses"), related_name="articles", blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A published article appears at this time; a time in the future schedules it."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("preview_article", _("Preview articles before they are published"))]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("magazine:article", args=[self.slug])

    def is_visible(self, now: datetime | None = None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_visible()

    @property
    def reading_minutes(self) -> int:
        return reading_minutes(f"{self.lead} {self.body}")

    @property
    def was_updated(self) -> bool:
        """Changed more than a day after it was published (worth telling the reader)."""
        return bool(self.published_at and (self.updated_at - self.published_at).total_seconds() > 86400)


class ArticleImage(models.Model):
    """An image placed in an article's text; uploaded by the editor, served as public media."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=image_path)
    alt_text = models.CharField(_("description"), max_length=200, help_text=_("What the image shows."))

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text

    @property
    def markdown(self) -> str:
        alt = self.alt_text.replace("[", "(").replace("]", ")")
        return f"![{alt}]({self.image.url})" if self.image else ""


class Comment(models.Model):
    """A member's comment on an article, or a reply to one (one level: a reply is never replied to)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Shown")
        REJECTED = "rejected", _("Removed by a moderator")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    # None once the member's account is erased and they chose to keep their comments without their name.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )
    body = models.TextField(_("comment"), max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    held_because = models.CharField(_("held because"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Moderate comments"))]
        indexes = [models.Index(fields=["article", "status", "created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.body[:60]}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentReport(models.Model):
    """A member reports a comment as abusive; moderators see the comment in their queue until they decide."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abusive or offensive")
        SPAM = "spam", _("Spam or advertising")
        MISINFORMATION = "misinformation", _("Dangerous medical misinformation")
        PRIVACY = "privacy", _("Reveals a patient's or someone else's private details")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="magazine_one_report_per_member")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"
