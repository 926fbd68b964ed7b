"""Organisations (a hospital, a residency programme, a group practice) that buy seats for their clinicians, the
members who hold those seats, and the invitations that bring them in (decision 0042).

A member holds a seat from the moment they accept an invitation until they leave or a manager removes them: the
``Membership`` row is the seat, and the sharing choices on it say what the organisation's managers may see."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# An app without an id of its own is known by its provider's: naming that would match every such app.
GENERIC_PROVIDER_IDS = frozenset({"saml", "openid_connect", "google", "facebook"})


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    seats = models.PositiveIntegerField(_("seats"), default=0, help_text=_("How many members may hold a seat."))
    licence_ends_at = models.DateTimeField(
        _("licence paid until"),
        null=True,
        blank=True,
        help_text=_("Seat holders are Pro members until then. Set when an invoice is paid."),
    )
    email_domain = models.CharField(
        _("e-mail domain"), max_length=120, blank=True, help_text=_("The organisation's own, e.g. hospital.example.")
    )
    join_by_domain = models.BooleanField(
        _("members at the domain may join"),
        default=False,
        help_text=_(
            "Anyone whose verified e-mail address is at the domain may take a free seat without an invitation."
        ),
    )
    sso_provider = models.CharField(
        _("single sign-on provider"),
        max_length=60,
        blank=True,
        help_text=_(
            "The id of the organisation's OpenID Connect or SAML app (Social applications, or the environment): "
            "members who sign in through it with an address at the domain take a seat at once."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        permissions = [("manage_organisations", _("Manage organisations: seats, licences and managers"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email_domain__contains="@"), name="teams_organisation_domain_without_at"
            ),
            models.UniqueConstraint(
                fields=["sso_provider"], condition=~models.Q(sso_provider=""), name="teams_organisation_sso_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email_domain = self.email_domain.strip().lower()  # compared with addresses' domains, lower-cased
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.sso_provider in GENERIC_PROVIDER_IDS:
            raise ValidationError(
                {"sso_provider": _("Name the organisation's own app by its provider id, not the kind of provider.")}
            )

    def licence_active(self, now: datetime) -> bool:
        return self.licence_ends_at is not None and now < self.licence_ends_at


class Membership(models.Model):
    """A member's seat in an organisation, and what they share with its managers (each off until they turn it on)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MANAGER = "manager", _("Manager")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("role"), max_length=7, choices=Role.choices, default=Role.MEMBER)
    share_progress = models.BooleanField(
        _("Progress and completions"), default=False, help_text=_("Which courses you started and finished, and when.")
    )
    share_scores = models.BooleanField(
        _("Quiz scores"), default=False, help_text=_("Your best score in each quiz, and whether you passed.")
    )
    share_credits = models.BooleanField(
        _("CME credits"), default=False, help_text=_("The credits you claimed: activity, type, amount and date.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    sharing_changed_at = models.DateTimeField(_("sharing last changed"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "joined_at"]
        verbose_name = _("membership")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="teams_membership_once")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation}"

    @property
    def shares_anything(self) -> bool:
        return self.share_progress or self.share_scores or self.share_credits


class Invitation(models.Model):
    """An invitation to take a seat, sent to one address. The link's token is kept only as its hash."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=models.Q(accepted_at__isnull=True),
                name="teams_invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and now < self.expires_at


class Group(models.Model):
    """Members a manager assigns to together (a year of residents, a ward's nurses)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("group")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="teams_group_name_once")]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="teams_group_member_once")]


class Assignment(models.Model):
    """A course or a live class a manager asks members to finish by a date: every seat holder (now and later), or
    the members named in ``AssignmentMember`` rows and those in its ``groups``. Done is read from the member's own
    record (the course completed, the class attended) — and shown to the managers only when the member shares
    progress."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey(
        "catalog.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    live_class = models.ForeignKey(
        "classes.LiveClass",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("live class"),
    )
    everyone = models.BooleanField(_("every member"), default=True)
    groups = models.ManyToManyField(Group, blank=True, related_name="assignments", verbose_name=_("groups"))
    due_on = models.DateField(_("due on"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("assignment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, live_class__isnull=True)
                | models.Q(course__isnull=True, live_class__isnull=False),
                name="teams_assignment_course_or_class",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_on}"

    @property
    def title(self) -> str:
        item = self.course or self.live_class
        return str(item.title) if item is not None else ""


class AssignmentMember(models.Model):
    """A member an assignment names (an assignment to everyone has none)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="teams_assignment_member_once")]


class AssignmentReminder(models.Model):
    """The reminder e-mail a member got before an assignment's due date: once each."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="teams_assignment_reminded_once")]


class Departure(models.Model):
    """A member who left an organisation, or whom its managers removed: not seated again by signing in through its
    provider or by its e-mail domain — only by a new invitation, which they accept themselves."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    removed = models.BooleanField(default=False)  # by a manager (else the member left)
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="teams_departure_once")]
