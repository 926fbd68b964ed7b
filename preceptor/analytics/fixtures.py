"""Synthetic Combined Log Format logs for tests and benchmarks. lines(): the site's own traffic (browsers, a
crawler, static files, 404s, 5xx answers and a malformed line, over three days). scripted_lines(): a public
site's traffic, mostly scripted clients and crawlers, with the oddities of real logs (over four days)."""

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


# Real-world user agents, weighted so that scripted clients make most of the traffic. Not chosen by any rule
# of ours: browsers, search crawlers, SEO bots, link previewers, uptime monitors, HTTP libraries, headless
# browsers, and the odd ones (empty, "-", percent-encoded, escaped quotes, control bytes, non-UTF-8, 3 kB).
REAL_AGENTS: tuple[tuple[str, int], ...] = (
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", 8),
    (AGENTS[1], 10),
    (AGENTS[2], 6),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Safari/537.36 Edg/120.0.0.0",
        3,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile "
        "Safari/537.36",
        3,
    ),
    ("Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)", 1),
    ("python-requests/2.31.0", 14),
    ("curl/8.5.0", 10),
    ("curl/7.68.0", 3),
    ("Wget/1.21.4", 4),
    ("Go-http-client/1.1", 8),
    ("Go-http-client/2.0", 3),
    ("Python-urllib/3.11", 3),
    ("python-httpx/0.25.2", 2),
    ("aiohttp/3.9.1", 2),
    ("axios/1.6.2", 3),
    ("node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", 2),
    ("okhttp/4.12.0", 2),
    ("Java/17.0.2", 2),
    ("Apache-HttpClient/4.5.13 (Java/11.0.15)", 2),
    ("Scrapy/2.11.0 (+https://scrapy.org)", 2),
    ("PostmanRuntime/7.36.0", 1),
    (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 "
        "Safari/537.36",
        8,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Safari/537.36 Chrome-Lighthouse",
        1,
    ),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 5),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        2,
    ),
    ("Googlebot-Image/1.0", 1),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
        " Chrome/116.0.1938.76 Safari/537.36",
        4,
    ),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 3),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", 2),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", 2),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", 1),
    ("Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", 3),
    ("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)", 2),
    ("Datadog/Synthetics", 1),
    ("Mozilla/5.0 (compatible; StatusCake)", 1),
    ("-", 3),
    ("", 2),
    ("Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20Firefox/121.0", 1),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/121.0", 1),
    ("  curl/8.5.0  ", 1),
    ('Mozilla/5.0 \\"quoted\\" (X11; Linux x86_64) Firefox/115.0', 1),
    ("Mozilla/5.0 (X11; Linux x86_64) Firefox/115.0 \\x0A\\x09%0Aevil", 1),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko Caf\xe9Browser/1.0", 1),
    ("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0 " + "A" * 3000, 1),
    ("Mozilla/5.0 (compatible; MyMonitor/1.0; +https://monitor.example.com)", 1),
    ("Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", 1),
)
SCRIPTED_PATHS = (
    [
        "/",
        "/courses/",
        "/pricing/",
        "/wp-login.php",
        "/.env",
        "/static/css/preceptor.css?v=3",
        "/static/IMG/Logo.PNG",
        "/robots.txt",
        "/favicon.ico",
        "/courses/caf%C3%A9-basics/",
        "/search/?q=atrial%20fibrillation&page=2",
        "/a%20b/",
        "/api/v1/health",
        "/courses/?q=ecg",
        "/" + "x" * 1500,
    ]
    + [f"/courses/course-{n}/" for n in range(30)]
    + [f"/courses/course-{n}/lesson-{m}/" for n in range(8) for m in range(4)]
)
STATUSES = (
    (200,) * 40
    + (301, 302, 304, 304, 400, 401, 403, 404, 404, 404, 405, 418, 429, 444, 499, 500, 502, 503)
    + (103, 226, 299, 420, 425, 509, 530, 599)  # codes GoAccess has no name for
)
ODD_STATUSES = ("0", "099", "600", "999", "2000", "20x")
METHODS = ("GET",) * 20 + ("POST", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND")
ODD_LINES = (  # what real servers also write: other formats, escapes, odd dates, long lines
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /common-log-format HTTP/1.1" 200 512',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "get /lower-case-method HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/nov/2026:10:00:00 +0000] "GET /lower-case-month HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/November/2026:10:00:00 +0000] "GET /full-month HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [00/Nov/2026:10:00:00 +0000] "GET /day-zero HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:24:00:00 +0000] "GET /hour-24 HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:23:59:60 +0000] "GET /leap-second HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00] "GET /no-zone HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - frank [{day}/Nov/2026:10:00:00 +0000] "GET /user HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /a\\"quote HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /extra HTTP/1.1" 200 512 "-" "{agent}" "host" 0.012',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /crlf HTTP/1.1" 200 512 "-" "{agent}"\r',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /space%20%0Aed%00nul HTTP/1.1" 200 5 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /no-agent HTTP/1.1" 200 512 "-"',
    '203.0.113.9  -  -  [{day}/Nov/2026:10:00:00 +0000] "GET /double-spaces HTTP/1.1" 200 512 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /size-x HTTP/1.1" 200 12abc "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /" + "y" * 5000 + " HTTP/1.1" 200 5 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /long-agent HTTP/1.1" 200 5 "-" "' + "z" * 4100 + '"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /long-agent HTTP/1.1" 200 5 "-" "' + "z" * 4078 + '"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET   HTTP/1.1" 400 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GETS /prefix-method HTTP/1.1" 400 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /http-1.2 HTTP/1.2" 200 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /style.CSS HTTP/1.1" 200 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET .css HTTP/1.1" 200 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" +200 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 0 "-" "%20"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" +404 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 0404 0 "-" "{agent}"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 404 0 "-" "a; +http://x"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 0 "-" " (+http://x.example)"',
    '203.0.113.9 - - [{day}/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 0 "-" "+bot; http://x.example"',
)
ADDRESSES = ("2001:db8::1", "2001:db8:85a3::8a2e:370:7334", "::1", "fe80::1", "2a00:1450:4001:81c::200e")


def scripted_lines(count: int, *, seed: int = 13, start: datetime | None = None) -> Iterator[str]:
    """A Combined Log Format log as a public site sees it: most requests from scripted clients and crawlers,
    every kind of user agent, IPv6, odd and invalid status codes, huge and missing sizes, odd request lines,
    several time zones, blank and comment lines, and a few lines no parser can read. Fixed seed."""
    rng = random.Random(seed)
    start = start or datetime(2026, 11, 20, tzinfo=UTC)
    span = 4 * 86400
    agents = [agent for agent, _ in REAL_AGENTS]
    weights = [weight for _, weight in REAL_AGENTS]
    for n in range(count):
        when = start + timedelta(seconds=n * span // max(count, 1))
        roll = rng.random()
        if roll < 0.002:
            yield rng.choice(("garbage that is not a log line", "", "# a comment line", "\t"))
            continue
        if roll < 0.008:
            yield rng.choice(ODD_LINES).format(day=f"{when:%d}", agent=rng.choices(agents, weights)[0])
            continue
        if roll < 0.1:
            ip = rng.choice(ADDRESSES)
        elif roll < 0.103:
            ip = rng.choice(("unknown", "-", "999.1.2.3", "[2001:db8::2]", "example.org"))
        else:
            ip = f"{rng.choice((198, 203, 192))}.{rng.randint(0, 255)}.{rng.randint(0, 40)}.{rng.randint(1, 254)}"
        path = rng.choice(SCRIPTED_PATHS)
        method = rng.choice(METHODS)
        protocol = rng.choice(("HTTP/1.1",) * 6 + ("HTTP/2.0", "HTTP/1.0", "HTTP/2"))
        odd = rng.random()
        if odd < 0.01:
            request = rng.choice(("-", "\\x16\\x03\\x01\\x00\\xa5\\x01", "GET /", "FOO /x HTTP/1.1", "GET  HTTP/1.1"))
        else:
            request = f"{method} {path} {protocol}"
        status = rng.choice(ODD_STATUSES) if odd > 0.995 else str(rng.choice(STATUSES))
        size = rng.choice(("-", "0", "99999999999999999999", str(rng.randint(0, 10**12)), str(rng.randint(1, 9999))))
        zone = rng.choice(("+0000", "+0000", "+0100", "-0500", "+0530"))
        referrer = rng.choice(("-", "-", "https://www.google.com/", "https://example.org/courses/", ""))
        agent = rng.choices(agents, weights)[0]
        yield f'{ip} - - [{when:%d/%b/%Y:%H:%M:%S} {zone}] "{request}" {status} {size} "{referrer}" "{agent}"'
