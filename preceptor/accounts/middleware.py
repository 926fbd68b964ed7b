"""Staff pages need two-factor sign-in (``STAFF_REQUIRE_MFA``, on in production).

A staff member who opens ``/staff/…`` or ``/admin/…`` without an authenticator app is sent to set one up;
one whose current session has not passed the second factor is asked for a code (allauth's MFA
reauthentication), then returned to the page. Members and visitors pass through untouched; with the setting
off (the demo, DEBUG on) nothing is checked and no query is made.
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

STAFF_PREFIXES = ("/staff/", "/admin/")
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def passed_second_factor(request: HttpRequest) -> bool:
    """Whether this session's sign-in (or a later confirmation) included an authenticator code."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_REQUIRE_MFA and request.path_info.startswith(STAFF_PREFIXES):
            user = request.user
            if user.is_authenticated and user.is_staff:
                if not is_mfa_enabled(user, SECOND_FACTORS):
                    messages.warning(
                        request,
                        _("Staff pages need two-factor sign-in. Set up an authenticator app to continue."),
                    )
                    return HttpResponseRedirect(reverse("mfa_activate_totp"))
                if not passed_second_factor(request):
                    messages.info(request, _("Staff pages need a code from your authenticator app for this sign-in."))
                    query = urlencode({"next": request.get_full_path()})
                    return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
