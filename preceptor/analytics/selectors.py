from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum

from preceptor.analytics.models import DailyStat, PageviewEvent
from preceptor.core.models import DomainEvent

COUNTED_DIRECTLY = ("bots",)  # daily metrics counted as they happen, not rolled up from raw pageviews
GOALS = ("trial_started", "purchase_completed", "contact_enquiry")  # domain events counted as goals, by kind


def day_aggregates(day: date) -> list[DailyStat]:
    """A day's raw pageviews rolled into daily aggregate rows, unsaved (none for a day without pageviews), for
    ``services.daily_stats_aggregate`` to store, or for the statistics page to show today's figures without
    writing them."""
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
    goals = Counter(DomainEvent.objects.filter(created_at__date=day, kind__in=GOALS).values_list("kind", flat=True))
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


def statistics(*, start: date, end: date, top: int = 10) -> dict[str, Any]:
    """Daily figures for [start, end]: earlier days from the daily aggregates; today (and any day the daily job
    has not aggregated yet) from the raw events, aggregated in memory: looking at the page writes nothing.
    Visitors over a range are the sum of daily unique visitors."""
    fresh: list[DailyStat] = []
    for day in PageviewEvent.objects.filter(day__range=(start, end)).values_list("day", flat=True).distinct():
        if not DailyStat.objects.filter(day=day, metric="pageviews").exists() or day == date.today():
            fresh += day_aggregates(day)
    fresh_days = {row.day for row in fresh}
    # Stored rows, but for the days aggregated in memory only those counted directly (their bot counts).
    stats = DailyStat.objects.filter(day__range=(start, end)).exclude(
        Q(day__in=fresh_days) & ~Q(metric__in=COUNTED_DIRECTLY)
    )
    per_day: dict[str, dict[date, int]] = defaultdict(dict)
    for day, metric, count in stats.filter(metric__in=("visitors", "pageviews", "bots")).values_list(
        "day", "metric", "count"
    ):
        per_day[metric][day] = count
    for row in fresh:
        if row.metric in ("visitors", "pageviews"):
            per_day[row.metric][row.day] = row.count
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]

    def ranking(metric: str, files: bool | None = None) -> list[tuple[str, int]]:
        rows = stats.filter(metric=metric)
        if files is not None:
            rows = rows.filter(key__contains="/files/") if files else rows.exclude(key__contains="/files/")
        live: Counter[str] = Counter()
        for row in fresh:
            if row.metric == metric and (files is None or ("/files/" in row.key) == files):
                live[row.key] += row.count
        totals = rows.values("key").annotate(total=Sum("count")).order_by("-total", "key")
        found = {row["key"]: row["total"] for row in totals[:top]}
        if live:  # still exact: only a key with counts from memory can overtake the stored top
            found.update({row["key"]: row["total"] for row in totals.filter(key__in=list(live))})
            for key, count in live.items():
                found[key] = found.get(key, 0) + count
        ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:top]
        return [(key or "—", total) for key, total in ordered]

    visitors = [per_day["visitors"].get(d, 0) for d in days]
    pageviews = [per_day["pageviews"].get(d, 0) for d in days]
    bots = [per_day["bots"].get(d, 0) for d in days]
    return {
        "days": days,
        "rows": list(zip(days, visitors, pageviews, bots, strict=True)),
        "visitors": visitors,
        "pageviews": pageviews,
        "bots": bots,
        "total_visitors": sum(per_day["visitors"].values()),
        "total_pageviews": sum(per_day["pageviews"].values()),
        "pages": ranking("page", files=False),
        "files": ranking("page", files=True),
        "countries": ranking("country"),
        "browsers": ranking("browser"),
        "systems": ranking("os"),
        "devices": ranking("device"),
        "referrers": ranking("referrer"),
        "trials": sum(c for k, c in ranking("goal") if k == "trial_started"),
        "purchases": sum(c for k, c in ranking("goal") if k == "purchase_completed"),
        "enquiries": sum(c for k, c in ranking("goal") if k == "contact_enquiry"),
        "multi_day": end > start,
    }
