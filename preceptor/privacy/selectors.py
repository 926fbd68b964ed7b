from __future__ import annotations

from typing import Any

from preceptor.privacy.models import ConsentRecord


def member_grants(user: Any, purpose: str) -> bool:
    """Whether the member's latest recorded decision (made while signed in) grants ``purpose``."""
    latest = ConsentRecord.objects.filter(user=user).order_by("-created_at").values_list("granted", flat=True).first()
    return bool(latest and purpose in latest)
