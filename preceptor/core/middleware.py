from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    """The CSP header value: the settings' policy, plus ``extra`` sources a page adds for itself."""
    policy = {directive: list(sources) for directive, sources in settings.CONTENT_SECURITY_POLICY.items()}
    for directive, sources in (extra or {}).items():
        merged = policy.setdefault(directive, [])
        merged.extend(s for s in sources if s not in merged)
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class SecurityHeadersMiddleware:
    """Content-Security-Policy (self only unless a response adds sources) and Permissions-Policy.

    A view or template tag that renders a third-party tag sets ``csp_extra = {"script-src": ["https://…"]}``
    on the response or the request, so a host is admitted only on responses that actually carry its tag.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default_policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        extra = getattr(response, "csp_extra", None) or getattr(request, "csp_extra", None)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(extra) if extra else self.default_policy
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class TimezoneMiddleware:
    """Show times in the member's own time zone (stored in UTC, shown local)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
