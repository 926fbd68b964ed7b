"""Small, dependency-free user-agent classification: browser family and major version, OS, device, bot."""

from __future__ import annotations

import re
from functools import lru_cache

BOT = re.compile(
    r"bot|crawl|spider|slurp|curl/|wget/|python-requests|python-urllib|httpx|go-http-client|java/|okhttp|"
    r"headlesschrome|phantomjs|lighthouse|pingdom|uptimerobot|facebookexternalhit|preview|scrapy|axios|"
    r"node-fetch|libwww|monitor|feedfetcher|datadog|statuscake",
    re.IGNORECASE,
)
BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"OPR/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+).*Safari/")),
)
SYSTEMS = (
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)


@lru_cache(maxsize=4096)
def classify(user_agent: str) -> tuple[str, str, str, str, bool]:
    """(browser, major version, os, device, is_bot)"""
    if not user_agent or BOT.search(user_agent):
        return "", "", "", "", True
    browser, version = "Other", ""
    for name, pattern in BROWSERS:
        match = pattern.search(user_agent)
        if match:
            browser, version = name, match.group(1)
            break
    system = next((name for name, pattern in SYSTEMS if pattern.search(user_agent)), "Other")
    if "iPad" in user_agent or "Tablet" in user_agent:
        device = "tablet"
    elif "Mobi" in user_agent or "iPhone" in user_agent:
        device = "mobile"
    else:
        device = "desktop"
    return browser, version, system, device, False
