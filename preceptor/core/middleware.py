from __future__ import annotations

from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from typing import cast

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from preceptor.core.conf import per_request
from preceptor.core.errors import database


def content_security_policy(*extras: dict[str, list[str]] | None) -> str:
    """The CSP header value: the settings' policy, plus the ``extras`` sources a page adds for itself."""
    policy = {directive: list(sources) for directive, sources in settings.CONTENT_SECURITY_POLICY.items()}
    for extra in extras:
        for directive, sources in (extra or {}).items():
            merged = policy.setdefault(directive, [])
            if sources and merged == ["'none'"]:
                merged.clear()  # 'none' beside a source is ignored, and browsers warn about it in the console
            merged.extend(s for s in sources if s not in merged)
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


def csp_admit(target: HttpRequest | HttpResponse, directive: str, sources: Iterable[str]) -> None:
    """Admit ``sources`` for ``directive`` on this one response (or every response to this request):
    the one way to widen the policy, read by ``RequestGuardMiddleware``."""
    extra: dict[str, list[str]] = getattr(target, "csp_extra", None) or {}
    merged = extra.setdefault(directive, [])
    merged.extend(source for source in sources if source not in merged)
    setattr(target, "csp_extra", extra)  # noqa: B010 - an attribute Django's request/response types do not declare


def body_limit(path_info: str) -> int:
    """The largest request body the route of ``path_info`` takes: its entry in ``REQUEST_BODY_LIMITS`` (URL names
    as shell-style patterns, e.g. ``admin:*_change``), else ``REQUEST_MAX_BYTES``."""
    try:
        name = resolve(path_info).view_name
    except Resolver404:
        return settings.REQUEST_MAX_BYTES
    limits = [limit for pattern, limit in settings.REQUEST_BODY_LIMITS.items() if fnmatchcase(name, pattern)]
    return max(limits, default=settings.REQUEST_MAX_BYTES)


def _may_carry_nul(request: HttpRequest) -> bool:
    """Whether a NUL could come out of the path, the query string or the cookies, judged on the raw texts: a query
    string decodes one only from "%00" (or a raw NUL), a cookie only from a raw NUL or a quoted "\\000". Most
    requests have none of these, and are let through without parsing the query string and the cookies here
    (decision 0040)."""
    query = request.META.get("QUERY_STRING", "")
    cookies = request.META.get("HTTP_COOKIE", "")
    return "\x00" in request.path or "%00" in query or "\x00" in query or "\x00" in cookies or "\\000" in cookies


class RequestGuardMiddleware:
    """Core's checks of a request and headers of its response, in one layer (each was a middleware of its own, and
    every layer costs each request a call and Django's exception wrapper: decision 0040). First in the stack after
    the request log:

    - **413** to a request whose Content-Length is above what its route takes, before anything (CSRF, the form,
      the upload handlers) reads the body. Most routes take ``REQUEST_MAX_BYTES``; upload routes declare more in
      ``REQUEST_BODY_LIMITS``. Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` caps the fields it reads as well, and the
      reverse proxy's ``client_max_body_size`` stops larger bodies before they reach the application.
    - **400** to a request with a NUL character in its path, query string or cookies (``/u/a%00b/``, ``?q=%00``, a
      session cookie ``"abcdefgh\\000…"``, which Python's cookie parser decodes to a NUL). No page has a use for one,
      and PostgreSQL refuses NUL in a text parameter, so a view (or the session store) that looks the value up would
      answer 500. Posted form fields are refused by Django's own ``ProhibitNullCharactersValidator``; the request log
      strips NUL from the headers it keeps.
    - **Content-Security-Policy** (self only unless a response adds sources) and **Permissions-Policy** on every
      response. A view or template tag that renders a third-party tag sets ``csp_extra = {"script-src":
      ["https://…"]}`` on the response or the request (``csp_admit``), so a host is admitted only on responses that
      actually carry its tag; both are merged (a page can carry tags and, say, admit a meeting host in
      ``form-action``).
    - **The end of a database outage** is logged: the first answer that is not a server error after one
      (``core.errors``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._settings_policy: object = None
        self._default_policy = ""

    def default_policy(self) -> str:
        """The settings' policy as a header value, made again only when the setting is replaced (tests do)."""
        if per_request.CONTENT_SECURITY_POLICY is not self._settings_policy:
            self._settings_policy = per_request.CONTENT_SECURITY_POLICY
            self._default_policy = content_security_policy()
        return self._default_policy

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.refusal(request)
        response = refused or self.get_response(request)
        # Read from the instances' own attributes: a missing one found with getattr raised and caught an exception.
        extras = [request.__dict__.get("csp_extra"), response.__dict__.get("csp_extra")]
        headers = response.headers  # set directly: HttpResponse's own methods are one more call each
        if "Content-Security-Policy" not in headers:
            policy = content_security_policy(*extras) if any(extras) else self.default_policy()
            headers["Content-Security-Policy"] = policy
        headers.setdefault("Permissions-Policy", per_request.PERMISSIONS_POLICY)
        if refused is None and database.is_down and response.status_code < 500:
            database.succeeded()  # a request refused here never reached the database: it proves nothing
        return response

    @staticmethod
    def refusal(request: HttpRequest) -> HttpResponse | None:
        """The 413 or the 400 this request gets, or None."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length
        if length > per_request.REQUEST_MAX_BYTES and length > body_limit(request.path_info):
            return HttpResponse(
                _("The request is too large for this page."), status=413, content_type="text/plain; charset=utf-8"
            )
        if not _may_carry_nul(request):
            return None
        texts = [request.path, *(text for key, values in request.GET.lists() for text in (key, *values))]
        texts += [text for item in request.COOKIES.items() for text in item]
        if any("\x00" in text for text in texts):
            return HttpResponse(
                _("The address contains a NUL character."), status=400, content_type="text/plain; charset=utf-8"
            )
        return None


class LazyMessageMiddleware(MessageMiddleware):
    """Django's message middleware, with the message storage built only when a message is added or read (decision
    0040): most requests (assets, reports, downloads, the JSON endpoints) never touch it, and building it — a
    cookie storage with its signer and a session storage — was 7% of the middleware stack's time. Once built, it
    is saved on the response exactly as Django's middleware saves it."""

    async_capable = False  # a plain call below, as every Preceptor middleware: the site is served over WSGI

    def __call__(self, request: HttpRequest) -> HttpResponse:  # type: ignore[override]  # a sync middleware only
        # Django's MiddlewareMixin.__call__ asks on every request whether it is a coroutine (decision 0040).
        self.process_request(request)
        return self.process_response(request, cast(HttpResponse, self.get_response(request)))  # sync, as said above

    def process_request(self, request: HttpRequest) -> None:
        # The attribute Django's middleware sets, which django.contrib.messages reads.
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        messages = getattr(request, "_messages", None)
        # ``_wrapped is empty``: LazyObject's own marker of a value not built yet.
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:  # type: ignore[attr-defined]
            return response  # never built: nothing was added or read, nothing to store
        return super().process_response(request, response)
