"""Staff pages need two-factor sign-in (``STAFF_REQUIRE_MFA``, on in production); a signed-in member sees the
site in the language they chose (``MemberLanguageMiddleware``).


A staff member who opens ``/staff/…`` or ``/admin/…`` without an authenticator app is sent to set one up;
one whose current session has not passed the second factor is asked for a code (allauth's MFA
reauthentication), then returned to the page. Members and visitors pass through untouched; with the setting
off (the demo, DEBUG on) nothing is checked and no query is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from preceptor.accounts.models import offered_language
from preceptor.accounts.services import account_language_set

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


class MemberLanguageMiddleware:
    """The member's saved language (``User.language``) wins over the cookie and the browser once signed in.

    After ``LocaleMiddleware`` and ``AuthenticationMiddleware``. On the way in, a signed-in member with a saved
    language gets it activated. On the way out, a response that sets the language cookie (Django's
    ``set_language`` view behind the language switch, after its CSRF check) saves that language as the member's;
    otherwise the cookie is brought in line with the saved language, so the site stays in it after signing out.
    Members who have not chosen a language yet (blank) are left to the cookie and the browser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = offered_language(user.language) if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        user = getattr(request, "user", None)  # signing in or out in this request replaced it
        if user is None or not user.is_authenticated:
            return response
        cookie, saved = settings.LANGUAGE_COOKIE_NAME, offered_language(user.language)
        if cookie in response.cookies:
            chosen = offered_language(response.cookies[cookie].value)
            if chosen and chosen != saved:
                account_language_set(user=user, language=chosen)
        elif saved and request.COOKIES.get(cookie) != saved:
            options: dict[str, Any] = {  # as Django's set_language view sets it
                "max_age": settings.LANGUAGE_COOKIE_AGE,
                "path": settings.LANGUAGE_COOKIE_PATH,
                "domain": settings.LANGUAGE_COOKIE_DOMAIN,
                "secure": settings.LANGUAGE_COOKIE_SECURE,
                "httponly": settings.LANGUAGE_COOKIE_HTTPONLY,
                "samesite": settings.LANGUAGE_COOKIE_SAMESITE,
            }
            response.set_cookie(cookie, saved, **options)
        return response
