from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from preceptor.core.network import client_ip
from preceptor.privacy import consent


class ConsentMiddleware:
    """Reads the visitor's choice into ``request.consent``. A Global Privacy Control (or DNT) signal with no
    choice yet refuses the marketing purposes, recorded once as ``gpc_auto``; the banner stays for the rest.
    "Once" is the consent cookie carrying the record, and for a visitor who keeps no cookies (or refuses this
    one) once a day (``first_signal_today``), not on every page they GET."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Django's HttpRequest declares no ``consent``: this middleware adds it (read with ``consent.of``).
        cast(consent.ConsentHttpRequest, request).consent = consent.read(request)
        response = self.get_response(request)
        state = consent.of(request)
        if (
            state.gpc
            and not state.decided
            and not state.record_id
            and request.method == "GET"
            and response.status_code == 200
            and "text/html" in response.get("Content-Type", "")
            and first_signal_today(request)
        ):
            from preceptor.privacy.services import consent_record_create

            record = consent_record_create(
                request=request,
                action="gpc_auto",
                surface="browser_signal",
                granted=frozenset(),
                denied=consent.MARKETING,
            )
            consent.write(
                response, record_id=str(record.pk), granted=frozenset(), denied=consent.MARKETING, decided=False
            )
        return response


def first_signal_today(request: HttpRequest) -> bool:
    """True for a visitor's first browser signal of the day, once per process cache (shared with Redis). The
    visitor is a keyed hash of the day, IP address and browser, kept only in the cache, for a day."""
    visitor = f"{timezone.localdate()}|{client_ip(request)}|{request.headers.get('User-Agent', '')}"
    digest = salted_hmac("preceptor.privacy.gpc", visitor).hexdigest()
    return cache.add(f"privacy:gpc:{digest}", True, timeout=24 * 60 * 60)
