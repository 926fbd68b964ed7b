from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Consent records are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("Consent records are append-only.")


class ConsentRecord(models.Model):
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

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_ref", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject_ref}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Consent records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Consent records are append-only.")
