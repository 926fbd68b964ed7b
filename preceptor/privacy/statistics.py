""" "Don't count me": who is left out of Preceptor's own statistics (pageviews, daily visitors). A member
switches counting off on their account; a visitor with a cookie whose only content is ``off`` (no
identifier, the same for everyone who chose it), or a browser that sends ``Sec-GPC: 1`` or ``DNT: 1``.
The request log kept for security still records these requests (decision 0030)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "preceptor_stats"
OFF = "off"  # the cookie's only possible value: it says "not counted", never who
MAX_AGE = 60 * 60 * 24 * 365  # a year, like the consent choice it sits next to


def signal_refuses(request: HttpRequest) -> bool:
    """A Global Privacy Control or Do Not Track signal: also honoured for first-party statistics."""
    meta = request.META  # not request.headers, which builds a mapping of every header (decision 0040)
    return meta.get("HTTP_SEC_GPC", "").strip() == "1" or meta.get("HTTP_DNT", "").strip() == "1"


def browser_opted_out(request: HttpRequest) -> bool:
    return request.COOKIES.get(COOKIE) == OFF


def member_opted_out(request: HttpRequest) -> bool:
    """Only a request with a session cookie can belong to a member, so a visitor's page costs no session read."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and not getattr(user, "counted_in_statistics", True))


def excluded(request: HttpRequest) -> bool:
    """True when this request must not be counted in pageviews or daily visitors."""
    return browser_opted_out(request) or signal_refuses(request) or member_opted_out(request)


def write(response: HttpResponse, *, counted: bool) -> None:
    """Set the browser's choice (``off``) or remove it (counted again). HttpOnly: no script needs it."""
    if counted:
        response.delete_cookie(COOKIE, samesite="Lax")
    else:
        response.set_cookie(
            COOKIE, OFF, max_age=MAX_AGE, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax"
        )
