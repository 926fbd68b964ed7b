from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils import timezone

from preceptor.privacy.models import ConsentRecord, PolicyAcknowledgement, PolicyVersion

POLICY_CACHE_KEY = "privacy:policy:current"


def member_grants(user: Any, purpose: str) -> bool:
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


def needs_acknowledgement(user: Any) -> PolicyVersion | None:
    """The current policy if it is a material change the signed-in member has not acknowledged yet."""
    policy = current_policy()
    if policy is None or not policy.material or not getattr(user, "is_authenticated", False):
        return None
    if PolicyAcknowledgement.objects.filter(user=user, policy=policy).exists():
        return None
    return policy
