"""Statistics from a web-server access log in Combined Log Format (nginx/Apache, plain or .gz), counted the
way GoAccess counts them so the two agree: unique visitors are distinct (IP, date, user agent) per day;
"requests" are the non-static, non-404 files; crawlers are counted apart; malformed lines are counted,
never fatal. Field names follow GoAccess's JSON report (see FIELD_MAP)."""

from __future__ import annotations

import contextlib
import gzip
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from preceptor.analytics.useragents import classify
from preceptor.analytics.visitors import truncate_ip
from preceptor.core.redaction import redact_url

LINE = re.compile(
    rb'^(\S+) \S+ \S+ \[(\d{2})/(\w{3})/(\d{4}):[^\]]+\] "(?:(\S+) (\S+)(?: [^"]*)?|[^"]*)" (\d{3}) (\S+)'
    rb'(?: "([^"]*)" "([^"]*)")?'
)
MONTHS = {
    m.encode(): f"{i:02d}"
    for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)
}
STATIC = (
    b".css",
    b".js",
    b".jpg",
    b".png",
    b".gif",
    b".ico",
    b".jpeg",
    b".pdf",
    b".csv",
    b".mpeg",
    b".mpg",
    b".swf",
    b".woff",
    b".woff2",
    b".xls",
    b".xlsx",
    b".doc",
    b".docx",
    b".ppt",
    b".pptx",
    b".txt",
    b".zip",
    b".ogg",
    b".mp3",
    b".mp4",
    b".exe",
    b".iso",
    b".gz",
    b".rar",
    b".svg",
    b".bmp",
    b".tar",
    b".tgz",
    b".tiff",
    b".tif",
    b".ttf",
    b".flv",
    b".dmg",
    b".xz",
    b".zst",
)  # GoAccess 1.7's default static-file list
STATUS_CLASS = {
    "1": "1xx Informational",
    "2": "2xx Success",
    "3": "3xx Redirection",
    "4": "4xx Client Errors",
    "5": "5xx Server Errors",
}
# Our JSON → GoAccess JSON: general.{total_requests, valid_requests, failed_requests, unique_visitors};
# visitors.data[].{data (YYYYMMDD), hits.count, visitors.count}; requests.data[].{data, hits.count};
# static_requests, not_found (same shape); status_codes.data[].{data (class), hits.count, items[].hits.count};
# browsers / os .data[].{data, hits.count}; crawlers (ours only: GoAccess drops them with --ignore-crawlers).
FIELD_MAP = {
    "total_requests": "general.total_requests",
    "valid_requests": "general.valid_requests",
    "failed_requests": "general.failed_requests",
    "unique_visitors": "general.unique_visitors",
    "visitors": "visitors.data",
    "requests": "requests.data",
    "static_requests": "static_requests.data",
    "not_found": "not_found.data",
    "status_codes": "status_codes.data",
    "browsers": "browsers.data",
    "os": "os.data",
}


@dataclass
class Totals:
    total: int = 0
    failed: int = 0
    crawlers: int = 0
    valid: int = 0
    visitors: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    day_hits: Counter = field(default_factory=Counter)
    requests: Counter = field(default_factory=Counter)
    static: Counter = field(default_factory=Counter)
    not_found: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    browsers: Counter = field(default_factory=Counter)
    systems: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)


def open_log(path: str) -> Iterator[bytes]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:  # type: ignore[operator]
        yield from handle


def count(
    lines: Iterable[bytes], *, anonymize_ip: bool = False, countries: bool = False, progress: TextIO | None = None
) -> Totals:
    totals = Totals()
    match = LINE.match
    static = STATIC
    for number, raw in enumerate(lines, 1):
        totals.total += 1
        if progress is not None and number % 100_000 == 0:
            progress.write(f"\r{number:,} lines")
            progress.flush()
        found = match(raw)
        if found is None:
            totals.failed += 1
            continue
        ip, dd, mon, yyyy, _method, path, status, _size, _referrer, agent = found.groups()
        if path is None or mon not in MONTHS:
            totals.failed += 1
            continue
        user_agent = (agent or b"").decode("utf-8", "replace")
        browser, _version, system, _device, is_bot = classify(user_agent)
        if is_bot and user_agent:
            totals.crawlers += 1
            continue
        totals.valid += 1
        day = f"{yyyy.decode()}{MONTHS[mon]}{dd.decode()}"
        address = ip.decode()
        if anonymize_ip:
            with contextlib.suppress(ValueError):
                address = truncate_ip(address)
        code = status.decode()
        totals.day_hits[day] += 1
        if code[0] != "4":  # as GoAccess without --4xx-to-unique-count: client errors are no visit
            totals.visitors[day].add(hash((address, user_agent)))
        totals.statuses[code] += 1
        file = path.decode("utf-8", "replace")
        if code == "404":
            totals.not_found[file] += 1
        elif b"?" not in path and path.lower().endswith(static):
            totals.static[file] += 1
        else:
            totals.requests[file] += 1
        totals.browsers[browser or "Unknown"] += 1
        totals.systems[system or "Unknown"] += 1
        if countries:
            from preceptor.analytics.visitors import country_of

            totals.countries[country_of(address) or "unknown"] += 1
    if progress is not None:
        progress.write(f"\r{totals.total:,} lines\n")
    return totals


def report(totals: Totals, *, top: int = 20) -> dict[str, Any]:
    def panel(counter: Counter) -> list[dict[str, Any]]:
        return [{"data": key, "hits": {"count": n}} for key, n in counter.most_common(top)]

    def paths(counter: Counter) -> list[dict[str, Any]]:
        """Paths with their secrets redacted (core/redaction.py), those that differed only there counted as one."""
        merged: Counter = Counter()
        for key, n in counter.items():
            merged[redact_url(key)] += n
        return panel(merged)

    classes: dict[str, dict[str, Any]] = {}
    for code, n in sorted(totals.statuses.items()):
        entry = classes.setdefault(
            STATUS_CLASS.get(code[0], code[0] + "xx"),
            {"data": STATUS_CLASS.get(code[0], code[0] + "xx"), "hits": {"count": 0}, "items": []},
        )
        entry["hits"]["count"] += n
        entry["items"].append({"data": code, "hits": {"count": n}})
    return {
        "general": {
            "total_requests": totals.total,
            "valid_requests": totals.valid,
            "failed_requests": totals.failed,
            "crawler_requests": totals.crawlers,
            "unique_visitors": sum(len(v) for v in totals.visitors.values()),
        },
        "visitors": {
            "data": [
                {"data": day, "hits": {"count": totals.day_hits[day]}, "visitors": {"count": len(totals.visitors[day])}}
                for day in sorted(totals.visitors, reverse=True)
            ]
        },
        "requests": {"data": paths(totals.requests)},
        "static_requests": {"data": paths(totals.static)},
        "not_found": {"data": paths(totals.not_found)},
        "status_codes": {"data": sorted(classes.values(), key=lambda e: -e["hits"]["count"])},
        "browsers": {"data": panel(totals.browsers)},
        "os": {"data": panel(totals.systems)},
        "geolocation": {"data": panel(totals.countries)},
    }


def text_report(data: dict[str, Any]) -> str:
    general = data["general"]
    lines = [
        f"Requests: {general['total_requests']:,} (valid {general['valid_requests']:,}, malformed "
        f"{general['failed_requests']:,}, crawlers {general['crawler_requests']:,})",
        f"Unique visitors (sum of daily, IP + date + user agent): {general['unique_visitors']:,}",
        "",
        "Visitors per day:",
        *[
            f"  {v['data']}  {v['visitors']['count']:>8,} visitors  {v['hits']['count']:>9,} hits"
            for v in data["visitors"]["data"]
        ],
        "",
        "Status codes:",
        *[f"  {s['data']:<20} {s['hits']['count']:>9,}" for s in data["status_codes"]["data"]],
    ]
    for title, key in (
        ("Top requested files", "requests"),
        ("Static files", "static_requests"),
        ("Not found", "not_found"),
        ("Browsers", "browsers"),
        ("Operating systems", "os"),
        ("Countries", "geolocation"),
    ):
        if data[key]["data"]:
            lines += ["", f"{title}:", *[f"  {r['hits']['count']:>9,}  {r['data']}" for r in data[key]["data"]]]
    return "\n".join(lines) + "\n"


def main_progress() -> TextIO | None:
    return sys.stderr if sys.stderr.isatty() else None
