from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError(f"{self.model._meta.verbose_name_plural} are append-only.")


class AppendOnlyModel(models.Model):
    """Rows are only ever added: saving an existing row or deleting one raises, in bulk as well."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{self._meta.verbose_name_plural} are append-only.")


class DomainEvent(models.Model):
    """Something that happened that later features react to (e.g. ad conversions): "trial_started",
    "purchase_completed". Recorded now; whether anything is sent depends on the member's consent then."""

    kind = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField(max_length=120, help_text="Our own id for the event, used to deduplicate.")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "reference"], name="core_domain_event_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class AuditEvent(AppendOnlyModel):
    """Who did what to whom, and when. Rows are only ever added.

    ``actor`` is who acted (empty for the system or an anonymous visitor); ``subject`` is the member whose
    account or data the event concerns. ``target`` names the object as ``app.Model:pk``.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"


class OutboxTask(models.Model):
    """A background task that could not be queued because the broker was away (core/outbox.py). Kept until the
    broker takes it: the beat task and ``manage.py send_outbox`` queue the rows again and delete each one queued."""

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A sender is queueing it; another sender leaves it alone until then."
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("queued task")

    def __str__(self) -> str:
        return f"{self.task} ({self.created_at:%Y-%m-%d %H:%M})"


class PageVersion(models.Model):
    """The version of what a member's kept pages show (core/pagecache.py): scope 0 is the content every member
    shares, any other scope a member's id. The version is a random number, replaced by every write it stands for;
    a member's row is deleted with the member."""

    scope = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField()

    class Meta:
        verbose_name = _("page version")

    def __str__(self) -> str:
        return f"{self.scope}: {self.version}"
