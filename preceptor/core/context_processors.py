from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_EMAIL": settings.SUPPORT_EMAIL,
        "TRIAL_DAYS": settings.TRIAL_DAYS,
        "SIGN_IN_PROVIDERS": sorted(getattr(settings, "SOCIALACCOUNT_PROVIDERS", None) or ()),  # those that are on
        # Lessons can be saved for offline only from our own address (a signed link leads to the bucket).
        "OFFLINE_SAVING": settings.MEDIA_DELIVERY != "signed-url",
    }
