from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.core.models import AppendOnlyModel


class ConsentRecord(AppendOnlyModel):
    """One row per decision, never changed: who, when, what was shown, what was granted and denied, and how."""

    class Action(models.TextChoices):
        ACCEPT_ALL = "accept_all", _("Accepted all")
        REJECT_ALL = "reject_all", _("Rejected all")
        CUSTOM = "custom", _("Chose purposes")
        WITHDRAW = "withdraw", _("Withdrew consent")
        GPC_AUTO = "gpc_auto", _("Refused marketing by browser signal (GPC/DNT)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_ref = models.CharField(max_length=64, help_text=_("Member id, or the consent cookie's id for visitors."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="consent_records"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=12, choices=Action.choices)
    surface = models.CharField(max_length=20)
    granted = models.JSONField(default=list)
    denied = models.JSONField(default=list)
    policy_version = models.CharField(max_length=20)
    banner_version = models.CharField(max_length=20)
    language = models.CharField(max_length=10)
    signals = models.JSONField(default=dict, blank=True)
    user_agent = models.CharField(max_length=60, blank=True, help_text=_("Browser family only."))
    expires_at = models.DateTimeField()
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consent record")
        indexes = [models.Index(fields=["subject_ref", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject_ref}"


class DisclosureQuerySet(models.QuerySet["Disclosure"]):
    def visible_to_member(self, today: date | None = None) -> DisclosureQuerySet:
        """The rows a member sees in their own ledger: all but those the law keeps secret, and those only until
        their review date (``restricted_until``) has come. Staff see every row."""
        today = today or timezone.localdate()
        return self.filter(models.Q(restricted=False) | models.Q(restricted_until__lte=today))


class Disclosure(models.Model):
    """Personal data of a member reaching someone outside their own account: a teacher, an accreditor, a
    processor, an authority, an acquirer. The member sees their ledger unless the law forbids telling them."""

    class Role(models.TextChoices):
        PROCESSOR = "processor", _("Processor (works on our behalf)")
        CONTROLLER = "controller", _("Independent controller")
        AUTHORITY = "authority", _("Public authority")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosures")
    recipient = models.CharField(_("recipient"), max_length=200)
    recipient_role = models.CharField(_("recipient's role"), max_length=12, choices=Role.choices)
    data_categories = models.CharField(_("data shared"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    transfer_country = models.CharField(_("country"), max_length=60, blank=True)
    safeguard = models.CharField(_("transfer safeguard"), max_length=120, blank=True)
    channel = models.CharField(_("how"), max_length=60, blank=True)
    request_ref = models.CharField(
        _("request reference"),
        max_length=120,
        blank=True,
        help_text=_("E.g. a court order number for a legal request."),
    )
    restricted = models.BooleanField(
        _("hidden from the member"), default=False, help_text=_("Only when the law forbids telling the member.")
    )
    restricted_until = models.DateField(
        _("hidden until"),
        null=True,
        blank=True,
        help_text=_("The review date of a secrecy obligation: from this day the member sees the row."),
    )
    occurred_at = models.DateTimeField(_("when"))

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["user", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.recipient}"


class DataRequest(models.Model):
    """A data-subject request: received, due one month later (extendable by up to two with a reason)."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Copy of my data")
        ERASURE = "erasure", _("Delete my account")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting (can be cancelled)")
        COMPLETE = "complete", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    extension_reason = models.TextField(blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text=_("Erasure runs after the cool-off."))
    completed_at = models.DateTimeField(null=True, blank=True)
    answer = models.JSONField(default=dict, blank=True)
    # What the member chose on the deletion form for the apps that offer a choice (``hooks.erasure_choices``).
    options = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at"]
        permissions = [
            ("manage_data_requests", _("Manage data requests and the erasure queue")),
            ("view_processing_record", _("View the record of processing activities")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d} ({self.status})"


class ErasureLog(models.Model):
    """What was erased, kept apart so erasures can be applied again after a backup is restored."""

    user_id_erased = models.BigIntegerField()
    # A keyed hash of the erased address (``core.hashing.address_hash``), or, where ``keyed`` is false, a plain
    # SHA-256 written before decision 0029's addition: those rows cannot be re-keyed, the address being gone.
    email_hash = models.CharField(max_length=64)
    keyed = models.BooleanField(default=True)
    performed_at = models.DateTimeField(auto_now_add=True)
    kept = models.JSONField(default=dict)

    class Meta:
        ordering = ["performed_at"]


class PolicyVersion(models.Model):
    """A version of the privacy policy. A material change asks members to acknowledge it at their next visit."""

    version = models.SlugField(_("version"), unique=True, help_text=_("E.g. 2026-12-01."))
    effective_on = models.DateField(_("effective from"))
    body = models.TextField(_("text"), help_text=_("Plain text; blank lines separate paragraphs."))
    material = models.BooleanField(
        _("material change"), default=False, help_text=_("Members must acknowledge it; they are told by e-mail.")
    )
    summary = models.TextField(_("what changed"), blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    # A generated version (privacy/policy.py): the staff's prose per section and language, the policy as published
    # in each language, and the fingerprint of the declarations it was generated from. Empty for a typed text.
    prose = models.JSONField(_("prose per section"), default=dict, blank=True)
    rendered = models.JSONField(_("published text"), default=dict, blank=True, editable=False)
    declarations_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("privacy policy version")

    def __str__(self) -> str:
        return self.version


class PolicyAcknowledgement(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements")
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "policy"], name="privacy_ack_once")]


class RetentionRun(models.Model):
    """One run of the daily retention jobs and what each app's ``purge`` removed (``/healthz`` reads the last)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    class Meta:
        db_table = "analytics_retentionrun"  # created by the analytics app before the runner moved here
        ordering = ["-finished_at"]


class LegalRequest(models.Model):
    """A request from an authority (a court, the police, a tax office) for members' data. One privacy officer
    records it and the decision; a second, different one approves before anything is released
    (``services.legal_request_approve``). On release every member concerned gets a ledger row."""

    class Decision(models.TextChoices):
        DISCLOSE = "disclose", _("Disclose what was requested")
        PARTIAL = "partial", _("Disclose part of it")
        REFUSE = "refuse", _("Refuse")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second officer")
        RELEASED = "released", _("Approved and released")
        REFUSED = "refused", _("Approved: refused, nothing released")
        DECLINED = "declined", _("Declined by the second officer")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    authority = models.CharField(_("authority"), max_length=200)
    reference = models.CharField(_("reference"), max_length=120, help_text=_("E.g. the court order's number."))
    legal_basis = models.CharField(_("legal basis"), max_length=200)
    scope = models.TextField(_("what was requested"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("members concerned"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasoning = models.TextField(_("reasons for the decision"))
    disclosed = models.CharField(_("data disclosed"), max_length=300, blank=True)
    secret_until = models.DateField(
        _("secrecy review date"),
        null=True,
        blank=True,
        help_text=_("Only when the law forbids telling the members: their ledger shows it from this day."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved or declined by"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("second officer's note"), blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("legal request")

    def __str__(self) -> str:
        return f"{self.authority} {self.reference}"


class PlannedTransfer(models.Model):
    """A merger or acquisition: members were told on ``notified_at``; the archive may be produced from
    ``export_after`` (``manage.py transfer_archive``)."""

    acquirer = models.CharField(max_length=200)
    notice_days = models.PositiveIntegerField()
    notified_at = models.DateTimeField()
    export_after = models.DateTimeField()
    members_notified = models.PositiveIntegerField(default=0)
    exported_at = models.DateTimeField(null=True, blank=True)
    members_transferred = models.PositiveIntegerField(default=0)
    key_fingerprint = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the acquirer's public key."))

    class Meta:
        ordering = ["-notified_at"]

    def __str__(self) -> str:
        return f"{self.acquirer} ({self.notified_at:%Y-%m-%d})"
