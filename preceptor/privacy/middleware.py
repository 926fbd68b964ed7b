from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from preceptor.privacy import consent


class ConsentMiddleware:
    """Reads the visitor's choice into ``request.consent``. A Global Privacy Control (or DNT) signal with no
    choice yet refuses the marketing purposes, recorded once as ``gpc_auto``; the banner stays for the rest."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.consent = consent.read(request)
        response = self.get_response(request)
        state = request.consent
        if (
            state.gpc
            and not state.decided
            and not state.record_id
            and request.method == "GET"
            and response.status_code == 200
            and "text/html" in response.get("Content-Type", "")
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
