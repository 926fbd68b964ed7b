"""Log data and first-party statistics: visitor keys from a daily random salt, retention jobs."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from functools import cache as memo
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from preceptor.analytics.models import DailySalt, DailyStat, PageviewEvent, RequestLog
from preceptor.core.models import DomainEvent

SALT_LIFETIME = timedelta(hours=48)


def salt_for(day: date) -> bytes:
    """The day's random salt (created on first use). Never derived from the date: it cannot be recomputed."""
    existing = DailySalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if existing is not None:
        return bytes(existing)
    with contextlib.suppress(IntegrityError), transaction.atomic():  # another worker may make it first
        DailySalt.objects.create(day=day, salt=secrets.token_bytes(32))
    return bytes(DailySalt.objects.get(day=day).salt)


def visitor_key(*, salt: bytes, ip: str, user_agent: str) -> str:
    message = f"{settings.SITE_URL}|{ip}|{user_agent}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def truncate_ip(ip: str) -> str:
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@memo
def _geo() -> Any:
    from geoip2fast import GeoIP2Fast

    return GeoIP2Fast()


def country_of(ip: str) -> str:
    """Two-letter country from the database shipped in the geoip2fast wheel (no network); "" if unknown."""
    try:
        code = _geo().lookup(ip).country_code
    except (ValueError, OSError):  # geoip2fast answers "" for most bad input; anything else is "unknown" too
        return ""
    return code if len(code) == 2 and code.isalpha() else ""


def stat_add(*, day: date, metric: str, key: str = "", count: int = 1) -> None:
    updated = DailyStat.objects.filter(day=day, metric=metric, key=key).update(count=F("count") + count)
    if not updated:
        try:
            with transaction.atomic():
                DailyStat.objects.create(day=day, metric=metric, key=key, count=count)
        except IntegrityError:
            DailyStat.objects.filter(day=day, metric=metric, key=key).update(count=F("count") + count)


COUNTED_DIRECTLY = ("bots",)  # daily metrics counted as they happen, not rolled up from raw pageviews


def aggregate_day(day: date) -> int:
    """Roll a day's raw pageviews into daily aggregates (idempotent: the day's rows are rebuilt)."""
    rows = day_aggregates(day)
    if not rows:
        return 0
    DailyStat.objects.filter(day=day).exclude(metric__in=COUNTED_DIRECTLY).delete()
    DailyStat.objects.bulk_create(rows)
    return next(row.count for row in rows if row.metric == "pageviews")


def day_aggregates(day: date) -> list[DailyStat]:
    """A day's raw pageviews rolled into daily aggregate rows, unsaved (none for a day without pageviews), for
    ``aggregate_day`` to store, or for the statistics page to show today's figures without writing them."""
    events = list(
        PageviewEvent.objects.filter(day=day).values_list(
            "visitor", "path", "country", "browser", "os", "device", "referrer_host"
        )
    )
    if not events:
        return []
    counters: dict[str, Counter] = {
        name: Counter() for name in ("page", "country", "browser", "os", "device", "referrer")
    }
    for _visitor, path, country, browser, system, device, referrer in events:
        counters["page"][path] += 1
        counters["country"][country or "unknown"] += 1
        counters["browser"][browser] += 1
        counters["os"][system] += 1
        counters["device"][device] += 1
        if referrer:
            counters["referrer"][referrer] += 1
    goals = Counter(
        DomainEvent.objects.filter(created_at__date=day, kind__in=("trial_started", "purchase_completed")).values_list(
            "kind", flat=True
        )
    )
    rows = [DailyStat(day=day, metric="goal", key=kind, count=count) for kind, count in goals.items()]
    rows += [
        DailyStat(day=day, metric="visitors", count=len({e[0] for e in events})),
        DailyStat(day=day, metric="pageviews", count=len(events)),
    ]
    rows += [
        DailyStat(day=day, metric=metric, key=key[:300], count=count)
        for metric, counter in counters.items()
        for key, count in counter.items()
    ]
    return rows


def statistics_purge(*, now: datetime) -> dict[str, int]:
    """This app's daily retention: truncate IPs after 7 days, delete log rows after 365, aggregate and delete
    raw statistics after 30 days, delete aggregates after 25 months, destroy salts older than 48 hours.
    Run by the privacy app's retention runner through ``analytics/privacy.py``."""
    today = now.date()
    counts: dict[str, int] = {}
    old_ips = RequestLog.objects.filter(ip_truncated=False, created_at__lt=now - timedelta(days=7))
    truncated = 0
    for row_id, ip in old_ips.values_list("id", "ip").iterator():
        RequestLog.objects.filter(pk=row_id).update(ip=truncate_ip(ip) if ip else None, ip_truncated=True)
        truncated += 1
    counts["ips_truncated"] = truncated
    counts["log_rows_deleted"] = RequestLog.objects.filter(created_at__lt=now - timedelta(days=365)).delete()[0]
    for day in PageviewEvent.objects.filter(day__lt=today).values_list("day", flat=True).distinct():
        if not DailyStat.objects.filter(day=day, metric="pageviews").exists():
            aggregate_day(day)
    counts["raw_events_deleted"] = PageviewEvent.objects.filter(day__lt=today - timedelta(days=30)).delete()[0]
    counts["aggregates_deleted"] = DailyStat.objects.filter(day__lt=today - relativedelta(months=25)).delete()[0]
    counts["salts_destroyed"] = DailySalt.objects.filter(created_at__lt=now - SALT_LIFETIME).delete()[0]
    return counts
