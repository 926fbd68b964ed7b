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


# GoAccess 1.7's crawler rule (src/browsers.c), for `logstats`: the first entry of its list found in the user
# agent (case-sensitive substring, in list order) gives the type, after a heuristic that calls any agent with
# "; +http", "; http", " (+http", " (http" or ";++http" a crawler when a token precedes it. Only the entries
# that come before the last "Crawlers" entry matter, so the list stops there; a longer entry shadowed by an
# earlier shorter one ("Googlebot" by "Google") is kept for fidelity. Unlike BOT above, python-requests, curl,
# Wget, Go-http-client, okhttp and HeadlessChrome are no crawlers to GoAccess.
GOACCESS_CRAWLER_HINTS = (b"; +http", b"; http", b" (+http", b" (http", b";++http")
GOACCESS_AGENTS: tuple[tuple[bytes, bool], ...] = tuple(
    (name.encode(), kind == "Crawlers")
    for name, kind in (
        *[(n, "Game Systems") for n in ("Xbox One", "Xbox", "PlayStation", "NintendoBrowser", "Valve Steam")],
        *[(n, "Others") for n in ("Origin", "Raptr", "Avant Browser")],
        *[(n, "MSIE") for n in ("IEMobile", "MSIE", "Trident/7.0")],
        *[(n, "Others") for n in ("Edg", "Edge", "Surf", "Opera Mini", "Opera Mobi", "Opera", "OPR", "OPiOS")],
        *[
            (n, "Others")
            for n in (
                "Coast", "Homebrew", "APT-", "Apt-Cacher", "Aptly", "Chef Client", "Huawei", "HUAWEI",
                "BlackBerry", "BrowserX", "Dalvik", "Dillo", "ELinks", "Epiphany", "Firebird", "Galeon",
                "google-cloud-sdk", "IBrowse", "K-Meleon", "Konqueror", "Links", "Lynx", "Midori", "Minefield",
                "Mosaic", "Netscape", "SeaMonkey", "UCBrowser", "Wget", "libfetch", "check_http",
                "Go-http-client", "curl", "midori", "w3m", "MicroMessenger", "Apache", "JOSM", "pacman", "Pamac",
                "libwww-perl", "python-requests", "PackageKit", "F-Droid", "okhttp", "node", "PrivacyBrowser",
                "Transmission", "libmpv", "aria2",
            )
        ],
        *[
            (n, "Feeds")
            for n in (
                "AppleNewsBot", "Bloglines", "Digg Feed Fetcher", "Feedbin", "FeedHQ", "Feedly", "Flipboard",
                "inoreader.com", "Netvibes", "NewsBlur", "PinRSS", "theoldreader.com", "WordPress.com Reader",
                "YandexBlogs", "Brainstorm", "Mastodon", "Pleroma",
            )
        ],
        *[
            (n, "Crawlers")
            for n in ("AdsBot-Google", "AppEngine-Google", "Mediapartners-Google", "Google", "WhatsApp")
        ],
        *[
            (n, "Others")
            for n in (
                "Camino", "Iceweasel", "Waterfox", "PaleMoon", "Focus", "Klar", "Firefox", "BeakerBrowser",
                "Brave", "Vivaldi", "YaBrowser", "HeadlessChrome", "Chrome", "CriOS",
            )
        ],
        *[(n, "Crawlers") for n in ("AppleBot", "facebookexternalhit", "Twitter")],
        ("Safari", "Safari"),
        *[
            (n, "Crawlers")
            for n in (
                "Slack", "Sogou", "Java", "Jakarta Commons-HttpClient", "netEstate", "PiplBot", "IstellaBot",
                "heritrix", "PagesInventory", "rogerbot", "fastbot", "yacybot", "PycURL", "PHP",
                "AndroidDownloadManager", "Embedly", "ruby", "Ruby", "python", "Python", "LinkedIn",
                "Microsoft-WebDAV", "DuckDuckGo-Favicons-Bot", "bingbot", "PetalBot", "Discordbot", "ZoominfoBot",
                "Googlebot", "DotBot", "AhrefsBot", "SemrushBot", "Adsbot", "BLEXBot", "NetcraftSurveyAgent",
                "Netcraft Web Server Survey", "masscan", "MJ12bot", "Pandalytics", "YandexBot", "Nimbostratus-Bot",
                "HTTP Banner Detection", "Hakai", "WinHttp.WinHttpRequest.5", "NetSystemsResearch",
                "Nextcloud Server Crawler", "CFNetwork", "GoScraper", "Googlebot-Image", "ZmEu",
                "DowntimeDetector", "MauiBot", "Cloud", "stagefright",
            )
        ],
    )
)  # fmt: skip


def _goaccess_heuristic(agent: bytes) -> bool:
    """browsers.c check_http_crawler + parse_crawler: the first hint found (in hint order), then the token
    that precedes it back to a space or '+', cut at ';' or ' ', must be non-empty."""
    at = next((found for found in map(agent.find, GOACCESS_CRAWLER_HINTS) if found != -1), -1)
    if at <= 0:
        return False
    start = at - 1
    while start > 0 and agent[start] not in b" +":
        start -= 1
    if start > 0:
        start += 1
    token = agent[start:]
    cut = min((i for i in (token.find(b";"), token.find(b" ")) if i != -1), default=len(token))
    return cut > 0


@lru_cache(maxsize=65536)
def goaccess_is_crawler(agent: bytes) -> bool:
    """GoAccess 1.7's is_crawler() on a user agent as GoAccess stores it (decoded, trimmed, up to a NUL byte):
    what `goaccess --ignore-crawlers` drops. An empty agent is no crawler."""
    if not agent:
        return False
    if _goaccess_heuristic(agent):
        return True
    for name, crawler in GOACCESS_AGENTS:
        if name in agent:
            return crawler
    return False
