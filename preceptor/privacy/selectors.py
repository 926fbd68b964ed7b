from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.privacy import registry
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


EXPORT_SCHEMA_VERSION = 1


def data_export_build(*, user: User, now: datetime | None = None) -> bytes:
    """A ZIP: one JSON file per app (from the privacy registry), index.html, manifest.json with SHA-256s."""
    now = now or timezone.now()
    files: dict[str, bytes] = {}
    for app in registry.registry():
        data = app.export_user(user)
        files[f"{app.app_label}.json"] = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
    files["index.html"] = render_to_string(
        "privacy/export_index.html",
        {"user": user, "generated_at": now, "files": sorted(files), "registry": registry.registry()},
    ).encode()
    manifest = {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "generated_at": now.isoformat(),
        "subject": user.email,
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())},
    }
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
