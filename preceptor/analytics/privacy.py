from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from preceptor.analytics.models import RequestLog
from preceptor.core.personal_data import (
    DataCategory,
    Duration,
    Export,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
)

PERSONAL_DATA = [
    PersonalData(
        model=RequestLog,
        name=gettext_noop("Web-server logs"),
        fields=("created_at", "ip", "user_agent", "path", "status", "referrer_host"),
        purpose=gettext_noop("Web-server log data to diagnose problems and keep the service secure."),
        purposes=(Purpose.SECURITY,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        categories=(DataCategory.TECHNICAL,),
        sources=(Source.OBSERVED,),
        rules=(
            Duration(
                period=Period(amount=7, unit="days"),
                anchor="created_at",
                when=(("ip_truncated", False),),
                effect="shorten",
                purge="analytics.services.statistics_purge",
                note=gettext_noop("the full IP address; then shortened to IPv4 /24, IPv6 /48"),
            ),
            Duration(
                period=Period(amount=365, unit="days", setting="RETENTION_REQUEST_LOG_DAYS"),
                anchor="created_at",
            ),
        ),
        erasure="keep",
        export=Export.NOT_LINKED,
        processors=("hosting",),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    return {
        "statement": "Log data is not linked to your account (it holds no member id), so it cannot be looked up "
        "by person. Visitor statistics hold no IP address, no cookie and no identifier that outlives a day.",
    }


def erase_user(user: Any) -> list[str]:
    return [
        gettext("Log data: not linked to your account; deleted after %(days)d days (full IP after 7).")
        % {"days": settings.RETENTION_REQUEST_LOG_DAYS}
    ]


def purge(now: datetime) -> dict[str, int]:
    from preceptor.analytics.services import statistics_purge

    return statistics_purge(now=now)
