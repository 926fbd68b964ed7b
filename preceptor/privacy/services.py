from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from preceptor.core.services import audit_event_record
from preceptor.privacy import consent
from preceptor.privacy.models import ConsentRecord


def browser_family(user_agent: str) -> str:
    ua = user_agent.lower()
    for needle, family in (("edg/", "Edge"), ("firefox/", "Firefox"), ("chrome/", "Chrome"), ("safari/", "Safari")):
        if needle in ua:
            return family
    return "Other" if ua else ""


def consent_record_create(
    *,
    request: HttpRequest,
    action: str,
    surface: str,
    granted: frozenset[str],
    previous: str = "",
    denied: frozenset[str] | None = None,
) -> ConsentRecord:
    """Append one decision. ``subject_ref`` is the member's id, or the previous record's subject for visitors."""
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    prior = ConsentRecord.objects.filter(pk=previous).first() if previous else None
    record = ConsentRecord(
        user=user,
        action=action,
        surface=surface,
        granted=sorted(granted),
        denied=sorted(denied if denied is not None else set(consent.PURPOSES) - set(granted)),
        policy_version=consent.policy_version(),
        banner_version=consent.banner_version(),
        language=get_language() or "",
        signals=consent.signals_of(request),
        user_agent=browser_family(request.headers.get("User-Agent", ""))[:60],
        expires_at=timezone.now() + timedelta(seconds=consent.MAX_AGE),
        supersedes=prior,
    )
    record.subject_ref = f"user:{user.pk}" if user else (prior.subject_ref if prior else f"visitor:{record.id}")
    record.save()
    if user:
        audit_event_record(
            action=f"consent.{action}", actor=user, subject=user, target=record, data={"granted": record.granted}
        )
    return record


def consent_decide(*, request: HttpRequest, action: str, surface: str, chosen: set[str]) -> ConsentRecord:
    """Turn a form's action into granted purposes and record it; taking back a grant is recorded as withdraw."""
    current = consent.read(request)
    if action == "accept_all":
        granted = frozenset(consent.PURPOSES)
    elif action == "reject_all":
        granted = frozenset()
    else:
        granted = frozenset(chosen) & frozenset(consent.PURPOSES)
    if current.granted - granted:
        action = ConsentRecord.Action.WITHDRAW
    return consent_record_create(
        request=request, action=action, surface=surface, granted=granted, previous=current.record_id
    )
