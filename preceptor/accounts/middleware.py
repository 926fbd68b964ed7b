"""Staff pages need two-factor sign-in (``STAFF_REQUIRE_MFA``, on in production); a signed-in member sees the
site in the language they chose, and times in their zone (``LanguageMiddleware``).


A staff member who opens ``/staff/…`` or ``/admin/…`` without an authenticator app is sent to set one up;
one whose current session has not passed the second factor is asked for a code (allauth's MFA
reauthentication), then returned to the page. Members and visitors pass through untouched; with the setting
off (the demo, DEBUG on) nothing is checked and no query is made.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from preceptor.accounts.models import offered_language
from preceptor.accounts.services import account_language_set
from preceptor.core.conf import per_request

STAFF_PREFIXES = ("/staff/", "/admin/")
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def passed_second_factor(request: HttpRequest) -> bool:
    """Whether this session's sign-in (or a later confirmation) included an authenticator code."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


class StaffMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if per_request.STAFF_REQUIRE_MFA and request.path_info.startswith(STAFF_PREFIXES):
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


def signed_in_member(request: HttpRequest) -> Any:
    """The signed-in member, or None. A request without a session cookie whose user nobody has asked for yet is a
    visitor's: answered without reading the session (nor adding "Vary: Cookie" to a response that does not depend
    on one). Signing in during the request replaces the lazy ``request.user``, so that member is seen."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    if (
        isinstance(user, SimpleLazyObject)
        and user._wrapped is empty  # type: ignore[attr-defined]  # LazyObject's marker of a value not built yet
        and per_request.SESSION_COOKIE_NAME not in request.COOKIES
    ):
        return None
    return user if user.is_authenticated else None


def browser_language(request: HttpRequest) -> str:
    """Django's choice of language for a request (``get_language_from_request``: the language cookie, then
    ``Accept-Language``), remembered for each pair of those two values, the only parts of the request it reads
    (Preceptor's paths carry no language prefix). Working it out again for every request cost a tenth of this
    middleware (decision 0040)."""
    return _browser_language(
        request.COOKIES.get(per_request.LANGUAGE_COOKIE_NAME), request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    )


@lru_cache(maxsize=1024)
def _browser_language(cookie: str | None, accept: str) -> str:
    asked = HttpRequest()  # a request with only the two values Django reads
    asked.COOKIES = {} if cookie is None else {settings.LANGUAGE_COOKIE_NAME: cookie}
    asked.META = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    return translation.get_language_from_request(asked)


@receiver(setting_changed)
def _languages_changed(*, setting: str, **kwargs: object) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "LOCALE_PATHS", "USE_I18N"):
        _browser_language.cache_clear()


class LanguageMiddleware:
    """The language and time zone of each request, in one pass: Django's ``LocaleMiddleware`` (the language cookie,
    then the browser's ``Accept-Language``), except that a signed-in member's saved language (``User.language``)
    wins, and the member's time zone (stored in UTC, shown local). One middleware instead of three: each of
    Django's context-local reads and writes of the active language and zone cost more than the work (decision
    0040). Preceptor's URLs carry no language prefix (no ``i18n_patterns``), so the path is not consulted.

    After ``SessionMiddleware`` and ``AuthenticationMiddleware``, before ``CommonMiddleware``. On the way out, as
    ``LocaleMiddleware`` does, the response varies on ``Accept-Language`` and says its ``Content-Language``. For a
    member, a response that sets the language cookie (Django's ``set_language`` view behind the language switch,
    after its CSRF check) saves that language as the member's; otherwise the cookie is brought in line with the
    saved language, so the site stays in it after signing out. Members who have not chosen a language yet (blank)
    are left to the cookie and the browser.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = signed_in_member(request)
        signed_in = user is not None
        language = (signed_in and offered_language(user.language)) or browser_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # A visitor gets the default zone made active rather than none: the same times, and finding no active zone
        # (here, and in each template's ``localtime``) raised and caught an exception inside the context-local.
        timezone.activate(user.zone if signed_in else timezone.get_default_timezone())
        response = self.get_response(request)
        if "Vary" in response.headers:
            patch_vary_headers(response, ("Accept-Language",))
        else:
            response.headers["Vary"] = "Accept-Language"  # what patch_vary_headers gives, without parsing none
        # The language activated above: no view activates another (a ``translation.override`` restores it).
        response.headers.setdefault("Content-Language", language)
        user = signed_in_member(request)  # signing in or out in this request replaced request.user
        if user is not None:
            self.keep_cookie_in_line(request, response, user)
        return response

    @staticmethod
    def keep_cookie_in_line(request: HttpRequest, response: HttpResponse, user: Any) -> None:
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
