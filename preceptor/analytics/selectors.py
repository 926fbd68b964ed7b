from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum

from preceptor.analytics.models import DailyStat, PageviewEvent
from preceptor.analytics.services import aggregate_day


def statistics(*, start: date, end: date, top: int = 10) -> dict[str, Any]:
    """Daily figures for [start, end]: today's come from raw events (aggregated on the fly), earlier days
    from the daily aggregates. Visitors over a range are the sum of daily unique visitors."""
    for day in PageviewEvent.objects.filter(day__range=(start, end)).values_list("day", flat=True).distinct():
        if not DailyStat.objects.filter(day=day, metric="pageviews").exists() or day == date.today():
            aggregate_day(day)
    stats = DailyStat.objects.filter(day__range=(start, end))
    per_day: dict[str, dict[date, int]] = defaultdict(dict)
    for day, metric, count in stats.filter(metric__in=("visitors", "pageviews", "bots")).values_list(
        "day", "metric", "count"
    ):
        per_day[metric][day] = count
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]

    def ranking(metric: str, **lookups: Any) -> list[tuple[str, int]]:
        rows = stats.filter(metric=metric)
        if "files" in lookups:
            rows = rows.filter(key__contains="/files/") if lookups["files"] else rows.exclude(key__contains="/files/")
        totals = rows.values("key").annotate(total=Sum("count")).order_by("-total", "key")
        return [(row["key"] or "—", row["total"]) for row in totals[:top]]

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
        "multi_day": end > start,
    }
