from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from random import getrandbits
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from preceptor.analytics import buffer
from preceptor.analytics.services import daily_salt_ensure
from preceptor.analytics.useragents import classify
from preceptor.analytics.visitors import country_of, visitor_key
from preceptor.core.conf import per_request
from preceptor.core.network import client_ip
from preceptor.core.redaction import redact_path
from preceptor.privacy import statistics

NOT_COUNTED = ("/static/", "/media/", "/admin/", "/healthz", "/webhooks/", "/mail/", "/staff/", "/i18n/")
_salts: dict[date, bytes] = {}


def _salt(day: date) -> bytes:
    if day not in _salts:
        _salts.clear()  # only today's salt is ever kept in memory
        _salts[day] = daily_salt_ensure(day=day)
    return _salts[day]


class RequestLogMiddleware:
    """Log data for diagnosis, and a cookieless count of human pageviews. Nothing is written here: rows go to
    an in-memory buffer, written in batches once responses have been handed to the server (analytics/buffer.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Headers are read from META, not request.headers, which would build a mapping of them all (decision 0040).
        meta = request.META
        started = time.perf_counter()
        # Unique, not secret: 64 random bits from the process's generator (seeded anew in each worker) cost no system
        # call per request as os.urandom did.
        request_id = meta.get("HTTP_X_REQUEST_ID", "")[:32] or f"{getrandbits(64):016x}"
        response = self.get_response(request)
        if not per_request.REQUEST_LOG_ENABLED:
            return response
        response.headers["X-Request-Id"] = request_id
        now = datetime.now(UTC)  # timezone.now(): USE_TZ is always on here
        user_agent = meta.get("HTTP_USER_AGENT", "")[:300]
        browser, version, system, device, is_bot = classify(user_agent)
        ip = client_ip(request)
        referer = meta.get("HTTP_REFERER", "")
        referrer = (urlsplit(referer).hostname or "") if referer else ""
        size = 0 if response.streaming else len(response.content)
        duration = int((time.perf_counter() - started) * 1000)
        # A password-reset key or a mail token is never stored, not even in the buffer (core/redaction.py).
        urlconf = getattr(request, "urlconf", None) or per_request.ROOT_URLCONF  # what Django resolved it with
        path = request.path.removesuffix(request.path_info) + redact_path(request.path_info, urlconf=urlconf)
        # Rows are tuples in the table's column order (buffer.LOG_COLUMNS / VIEW_COLUMNS).
        buffer.add(
            (
                "log",
                (
                    now,
                    request_id,
                    (request.method or "")[:8],
                    path[:500],
                    response.status_code,
                    size,
                    duration,
                    referrer[:200],
                    user_agent,
                    browser,
                    version,
                    system,
                    device,
                    ip or None,
                    False,
                ),
            )
        )
        if request.method != "GET" or response.status_code != 200 or request.path.startswith(NOT_COUNTED):
            return response
        is_page = "text/html" in response.headers.get("Content-Type", "")
        if not (is_page or "/files/" in request.path):
            return response
        prefetch = "prefetch" in (meta.get("HTTP_SEC_PURPOSE", "") + meta.get("HTTP_PURPOSE", ""))
        day = now.date() if per_request.TIME_ZONE == "UTC" else timezone.localdate(now, timezone.get_default_timezone())
        if is_bot or prefetch:
            buffer.add(("bot", day))
            return response
        if statistics.excluded(request):  # "Don't count me": the log row above stays, for security only
            return response
        visitor = visitor_key(salt=_salt(day), ip=ip, user_agent=user_agent)
        buffer.add(
            (
                "view",
                (
                    day,
                    visitor,
                    path[:300],
                    country_of(ip) if ip else "",
                    browser,
                    system,
                    device,
                    "" if not referrer or referrer == request.get_host().split(":")[0] else referrer[:200],
                ),
            )
        )
        return response
