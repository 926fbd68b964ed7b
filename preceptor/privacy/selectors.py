from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.privacy.models import ConsentRecord, PolicyAcknowledgement, PolicyVersion, RetentionRun

POLICY_CACHE_KEY = "privacy:policy:current"


def member_grants(user: User, purpose: str) -> bool:
    """Whether the member's latest recorded decision (made while signed in) grants ``purpose``."""
    latest = ConsentRecord.objects.filter(user=user).order_by("-created_at").values_list("granted", flat=True).first()
    return bool(latest and purpose in latest)


def current_policy() -> PolicyVersion | None:
    """The version in force today (cached a minute; publishing clears it)."""
    cached = cache.get(POLICY_CACHE_KEY)
    if cached is None:
        cached = (
            PolicyVersion.objects.filter(effective_on__lte=timezone.localdate())
            .order_by("-effective_on", "-id")
            .first()
            or False
        )
        cache.set(POLICY_CACHE_KEY, cached, 60)
    return cached or None


def needs_acknowledgement(user: User | AnonymousUser | None) -> PolicyVersion | None:
    """The current policy if it is a material change the signed-in member has not acknowledged yet."""
    policy = current_policy()
    if policy is None or not policy.material or user is None or not user.is_authenticated:
        return None
    if PolicyAcknowledgement.objects.filter(user=user, policy=policy).exists():
        return None
    return policy


def retention_status(*, now: datetime | None = None) -> dict[str, Any]:
    """When the daily retention jobs last ran; "overdue" after 48 hours without a run."""
    now = now or timezone.now()
    last = RetentionRun.objects.order_by("-finished_at").first()
    return {
        "last_run": last.finished_at.isoformat() if last else None,
        "overdue": last is None or now - last.finished_at > timedelta(hours=48),
    }
