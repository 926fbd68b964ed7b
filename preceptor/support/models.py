"""Support tickets: a member's or visitor's question, the messages both ways, internal notes, attachments; help
articles shown beside the contact form; canned replies for staff."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HANDLE_PERMISSION = "support.handle_ticket"
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the telephone


def reference_new() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class Ticket(models.Model):
    class Topic(models.TextChoices):
        ACCOUNT = "account", _("My account")
        BILLING = "billing", _("Billing and payments")
        CME = "cme", _("CME credit")
        TECHNICAL = "technical", _("Technical problem")
        PRIVACY = "privacy", _("Privacy request")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on member")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=reference_new, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="support_tickets"
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(max_length=10, blank=True)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_support_tickets",
        verbose_name=_("assigned to"),
    )
    # A privacy request that arrived as a ticket, in the privacy queue with its deadline.
    data_request = models.OneToOneField(
        "privacy.DataRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="support_ticket"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_due_at = models.DateTimeField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        permissions = [("handle_ticket", _("Answer support tickets"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="support_ticket_priority_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SOLVED, self.Status.CLOSED)

    def overdue(self, now: Any = None) -> bool:
        """No staff answer yet, and the first-response time has passed."""
        now = now or timezone.now()
        return self.first_responded_at is None and not self.is_finished and self.first_response_due_at < now


class Message(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", _("From the member")
        STAFF = "staff", _("Reply from support")
        NOTE = "note", _("Internal note")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        EMAIL = "email", _("E-mail")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.WEB)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket.reference} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # A random name in a private folder: never served from /media/, only through the access check.
    return f"support/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


def attachment_file_delete(sender: Any, instance: Attachment, **kwargs: Any) -> None:
    if instance.file:
        instance.file.delete(save=False)


class CannedReply(models.Model):
    title = models.CharField(_("title"), max_length=120, unique=True)
    body = models.TextField(_("text"), help_text=_("Plain text. Inserted into the reply, to be edited before sending."))

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title


class HelpArticle(models.Model):
    """An answer to a common question, in one language: members see those in theirs (English where their
    language has none)."""

    slug = models.SlugField(_("address"), unique=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, help_text=_("Words members may search."))
    published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        return self.title
