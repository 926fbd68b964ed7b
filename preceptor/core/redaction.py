"""No secret in any log: the secret parts of a URL become ``[redacted]`` before anything stores or prints it.

A password-reset link opened but not used, read back from a log, would let its reader take over the account.
So each app declares the URL patterns that carry a secret, next to its URLs: a module-level
``SECRET_URL_KWARGS`` in its ``urls.py`` maps a URL's full name (as ``reverse`` takes it) to the keyword
arguments that are secret, e.g. ``{"mail:unsubscribe": ("token",)}``. The accounts app declares allauth's links
(password reset, e-mail confirmation) the same way. Nothing else needs to know: ``redact_path`` matches a path
against the declared patterns and replaces each secret argument's text; ``redact_query`` blanks the value of
every query parameter whose name says it is a token, key, signature, code and the like; ``SecretsFilter`` does
both to every log record it sees (``LOGGING`` in the settings).

Public random codes are not secrets and are not declared: a certificate's verification UUID is printed on the
certificate to be checked by anyone; the UUIDs of receipts, attempts and data requests only name a page that
checks who asks. ``preceptor/core/tests/test_redaction.py`` fails for a URL pattern whose argument or converter
name says key, token, signature (``SECRET_NAME``) and that is not declared.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver, get_urlconf

REDACTED = "[redacted]"
# An argument, converter or query parameter named like this holds a secret (searched in the lower-cased name).
SECRET_NAME = re.compile(r"key|token|sig|secret|passw|hash|nonce|checksum|otp|(^|_)(code|state|auth)(_|$)")
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    """One endpoint of the URLconf: its full name, its whole-path regex (without the leading slash) and the
    names of its arguments and converters."""

    name: str
    regex: str
    arguments: tuple[str, ...]
    converters: tuple[str, ...]


def _walk(
    patterns: list[Any],
    declared: dict[str, tuple[str, ...]],
    prefix: tuple[str, str, tuple[str, ...], tuple[str, ...]] = ("", "", (), ()),
) -> Iterator[Route]:
    regex, namespace, arguments, converters = prefix
    for entry in patterns:
        here = (
            regex + entry.pattern.regex.pattern.removeprefix("^"),
            arguments + tuple(entry.pattern.regex.groupindex),
            converters + tuple(m["converter"] for m in _ROUTE_PARAMETER.finditer(str(entry.pattern)) if m["converter"]),
        )
        if isinstance(entry, URLResolver):
            declared.update(getattr(entry.urlconf_module, "SECRET_URL_KWARGS", {}))
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, declared, (here[0], inner, here[1], here[2]))
        elif isinstance(entry, URLPattern):
            yield Route(f"{namespace}{entry.name}" if entry.name else "", "^" + here[0], here[1], here[2])


def routes(urlconf: str | None = None) -> tuple[list[Route], dict[str, tuple[str, ...]]]:
    """Every endpoint of ``urlconf`` (default: the current one) and every app's ``SECRET_URL_KWARGS``."""
    resolver = get_resolver(urlconf)
    declared: dict[str, tuple[str, ...]] = dict(getattr(resolver.urlconf_module, "SECRET_URL_KWARGS", {}))
    found = list(_walk(resolver.url_patterns, declared))
    return found, declared


class _Routes(tuple):
    """The declared patterns of one URLconf, hashed and compared by identity: a key of ``_spans_cached`` that
    costs nothing to hash (a pattern's own hash reads its compiled code)."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other


@lru_cache(maxsize=8)
def _secret_routes(urlconf: str) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    found, declared = routes(urlconf)
    secret = []
    for route in found:
        arguments = tuple(declared.get(route.name, ()))
        missing = [a for a in arguments if a not in route.arguments]
        if missing:
            raise ImproperlyConfigured(f"SECRET_URL_KWARGS: {route.name} has no argument {', '.join(missing)}")
        if arguments:
            secret.append((re.compile(route.regex), arguments))
    return _Routes(secret)


def _current_routes(urlconf: str | None = None) -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    if not apps.ready:  # a record logged while Django starts: the URLconf cannot be loaded yet
        return ()
    return _secret_routes(str(urlconf or get_urlconf() or settings.ROOT_URLCONF))


def _spans(path: str, urlconf: str | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The path without its leading slash, and the spans of its secret arguments (none when it has none)."""
    routes = _current_routes(urlconf)
    if len(path) > CACHED_PATH_LENGTH:
        return _spans_in(routes, path)
    return _spans_cached(routes, path)


# Every request's path is redacted for the request log: matching it against each declared pattern cost more than
# the rest of the log row (decision 0040), so the answers for short paths are kept, per set of declared patterns.
CACHED_PATH_LENGTH = 256


def _spans_in(
    routes: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...], path: str
) -> tuple[str, tuple[tuple[int, int], ...]]:
    bare = path.removeprefix("/")
    for candidate in (bare, bare + "/"):  # also the link without its final slash (CommonMiddleware adds it)
        for regex, arguments in routes:
            match = regex.match(candidate)
            if match:
                spans = [match.span(a) for a in arguments if match.group(a)]
                return bare, tuple((start, min(end, len(bare))) for start, end in spans)
    return bare, ()


_spans_cached = lru_cache(maxsize=2048)(_spans_in)


def redact_path(path: str, *, urlconf: str | None = None) -> str:
    """``path`` with the text of each declared secret argument replaced by ``[redacted]``. ``urlconf``: the
    request's, when the caller has it at hand (``get_urlconf``, a context-local lookup, costs more than the rest)."""
    bare, spans = _spans(path, urlconf)
    if not spans:
        return path
    for start, end in sorted(spans, reverse=True):
        bare = bare[:start] + REDACTED + bare[end:]
    return ("/" if path.startswith("/") else "") + bare


def secret_values(path: str, query: str = "") -> list[str]:
    """The secret texts in ``path`` and ``query``, longest first: what must not appear in a log of the request."""
    bare, spans = _spans(path)
    values = [bare[start:end] for start, end in spans]
    for parameter in query.split("&"):
        name, _, value = parameter.partition("=")
        if value and SECRET_NAME.search(name.lower()):
            values.append(value)
    return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)


def redact_query(query: str) -> str:
    """``query`` (without the ``?``) with the value of each parameter named like a secret replaced."""
    if not query:
        return query
    parts = []
    for parameter in query.split("&"):
        name, equals, value = parameter.partition("=")
        parts.append(f"{name}={REDACTED}" if equals and value and SECRET_NAME.search(name.lower()) else parameter)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """A path with its query string (``/a/b/?token=…``), both redacted."""
    path, question, query = url.partition("?")
    return redact_path(path) + question + redact_query(query)


_URL_IN_TEXT = re.compile(r"""(?P<lead>^|[\s"'(=<,\[])(?P<origin>https?://[^/\s"'<>]+)?(?P<url>/[^\s"'<>)]*)""")


def redact_text(text: str, values: list[str] | tuple[str, ...] = ()) -> str:
    """Every path or URL in ``text`` redacted, and each of ``values`` (a request's secrets) wherever it is."""
    for value in values:
        text = text.replace(value, REDACTED)
    if "/" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: m["lead"] + (m["origin"] or "") + redact_url(m["url"]), text)


class SecretsFilter(logging.Filter):
    """Redacts the secret parts of URLs in a log record's message (and traceback) before any handler sees it.

    Attached to the loggers that print request paths (``django.request``, ``django.server``, the CSRF logger) so
    that every handler, also one added later, gets the redacted record; and to the stderr handler for records from
    anywhere else. A record's own request (``record.request``, which Django adds) gives the literal secret values,
    so they are replaced also where they appear without their path, e.g. in an exception's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        # A log call must never fail; a URLconf that cannot be read fails every request (and the tests) anyway.
        with contextlib.suppress(Exception):
            self._redact(record)
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        values: list[str] = []
        if request is not None and hasattr(request, "path_info"):
            values = secret_values(request.path_info, request.META.get("QUERY_STRING", ""))
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a record whose arguments do not fit its message: left to the handler
            return
        redacted = redact_text(message, values)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_text(logging.Formatter().formatException(record.exc_info), values)
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text, values)
