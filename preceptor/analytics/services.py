"""Log data and first-party statistics: the daily random salt, counters, daily aggregates, retention. What a
visitor's key, truncated address and country are is in ``visitors`` (pure); reading statistics in ``selectors``."""

from __future__ import annotations

import contextlib
import secrets
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F

from preceptor.analytics.models import DailySalt, DailyStat, PageviewEvent, RequestLog
from preceptor.analytics.selectors import COUNTED_DIRECTLY, day_aggregates
from preceptor.analytics.visitors import truncate_ip

SALT_LIFETIME = timedelta(hours=48)


@transaction.atomic
def daily_salt_ensure(*, day: date) -> bytes:
    """The day's random salt (created on first use). Never derived from the date: it cannot be recomputed."""
    existing = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if existing is not None:
        return bytes(existing)
    with contextlib.suppress(IntegrityError), transaction.atomic():  # another worker may make it first
        DailySalt.objects.create(day=day, salt=secrets.token_bytes(32))
    return bytes(DailySalt.objects.get(day=day).salt)


@transaction.atomic
def stat_add(*, day: date, metric: str, key: str = "", count: int = 1) -> None:
    """Add ``count`` to a daily counter counted as it happens (bots), creating it on first use."""
    updated = DailyStat.objects.filter(day=day, metric=metric, key=key).update(count=F("count") + count)
    if not updated:
        try:
            with transaction.atomic():
                DailyStat.objects.create(day=day, metric=metric, key=key, count=count)
        except IntegrityError:
            DailyStat.objects.filter(day=day, metric=metric, key=key).update(count=F("count") + count)


@transaction.atomic
def daily_stats_aggregate(*, day: date) -> int:
    """Roll a day's raw pageviews into daily aggregates (idempotent: the day's rows are rebuilt)."""
    rows = day_aggregates(day)
    if not rows:
        return 0
    DailyStat.objects.filter(day=day).exclude(metric__in=COUNTED_DIRECTLY).delete()
    DailyStat.objects.bulk_create(rows)
    return next(row.count for row in rows if row.metric == "pageviews")


@transaction.atomic
def statistics_purge(*, now: datetime) -> dict[str, int]:
    """This app's daily retention: truncate IPs after 7 days, aggregate and delete raw statistics after 30 days,
    delete aggregates after 25 months, destroy salts older than 48 hours. Log rows themselves are deleted by the
    retention engine's generic rule (``RETENTION_REQUEST_LOG_DAYS``).
    Run by the privacy app's retention runner through ``analytics/privacy.py``."""
    today = now.date()
    counts: dict[str, int] = {}
    old_ips = RequestLog.objects.filter(ip_truncated=False, created_at__lt=now - timedelta(days=7))
    truncated = 0
    for row_id, ip in old_ips.values_list("id", "ip").iterator():
        RequestLog.objects.filter(pk=row_id).update(ip=truncate_ip(ip) if ip else None, ip_truncated=True)
        truncated += 1
    counts["ips_truncated"] = truncated
    for day in PageviewEvent.objects.filter(day__lt=today).values_list("day", flat=True).distinct():
        if not DailyStat.objects.filter(day=day, metric="pageviews").exists():
            daily_stats_aggregate(day=day)
    counts["raw_events_deleted"] = PageviewEvent.objects.filter(day__lt=today - timedelta(days=30)).delete()[0]
    counts["aggregates_deleted"] = DailyStat.objects.filter(day__lt=today - relativedelta(months=25)).delete()[0]
    counts["salts_destroyed"] = DailySalt.objects.filter(created_at__lt=now - SALT_LIFETIME).delete()[0]
    return counts
