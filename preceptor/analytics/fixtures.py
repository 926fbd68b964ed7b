"""A synthetic Combined Log Format log for tests and benchmarks: browsers, a crawler, static files, 404s,
5xx answers and a malformed line, spread over three days."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 "
    "Safari/605.1.15",
)
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PATHS = (
    [
        "/",
        "/courses/",
        "/pricing/",
        "/privacy/",
        "/static/css/preceptor.css",
        "/static/js/player.js",
        "/missing/",
        "/courses/ecg-essentials/checklist/files/1/",
        "/courses/?q=ecg",
    ]
    + [f"/courses/course-{n}/" for n in range(40)]
    + [f"/courses/course-{n}/lesson-{m}/" for n in range(10) for m in range(5)]
)


def lines(count: int, *, seed: int = 7, start: datetime | None = None) -> Iterator[str]:
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 20, tzinfo=UTC)
    span = 3 * 86400
    for n in range(count):
        when = start + timedelta(seconds=n * span // max(count, 1))
        if n % 997 == 500:
            yield "garbage that is not a log line"
            continue
        path = rng.choice(PATHS)
        status = 404 if path == "/missing/" else rng.choice((200,) * 30 + (304, 304, 500))
        agent = CRAWLER if n % 211 == 3 else rng.choice(AGENTS)
        ip = f"198.51.{rng.randint(0, 60)}.{rng.randint(1, 250)}"
        yield (
            f'{ip} - - [{when:%d/%b/%Y:%H:%M:%S +0000}] "GET {path} HTTP/1.1" {status} {rng.randint(150, 90000)} '
            f'"https://example.org/" "{agent}"'
        )
