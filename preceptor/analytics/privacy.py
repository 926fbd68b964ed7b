from __future__ import annotations

from datetime import datetime
from typing import Any

from preceptor.analytics.models import RequestLog
from preceptor.core.personal_data import PersonalData

PERSONAL_DATA = [
    PersonalData(
        model=RequestLog,
        fields=("created_at", "ip", "user_agent", "path", "status", "referrer_host"),
        purpose="Web-server log data to diagnose problems and keep the service secure.",
        legal_basis="Legitimate interest (GDPR art. 6(1)(f))",
        retention="365 days; the full IP address only 7 days, then shortened (IPv4 /24, IPv6 /48).",
        erasure="keep",
        recipients=("Hosting provider (processor)",),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {
        "statement": "Log data is not linked to your account (it holds no member id), so it cannot be looked up "
        "by person. Visitor statistics hold no IP address, no cookie and no identifier that outlives a day.",
    }


def erase_user(user: Any) -> list[str]:
    return ["Log data: not linked to your account; deleted after 365 days (full IP after 7)."]


def purge(now: datetime) -> dict[str, int]:
    from preceptor.analytics.services import statistics_purge

    return statistics_purge(now=now)
