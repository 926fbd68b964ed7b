from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
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
    occurred_at = models.DateTimeField(_("when"))

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
    email_hash = models.CharField(max_length=64)
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
