"""Who is asking: the client's address, the same for sign-in throttling (allauth), rate limits and the request log."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest


def _address(value: str) -> str:
    """``value`` as a normalised IP address (a port or IPv6 brackets removed), or "" when it is not one. Parsed
    once per address seen (every request asks, for the request log: decision 0040)."""
    return _parsed_address(value) if len(value) <= 64 else _parse_address(value)


def _parse_address(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


_parsed_address = lru_cache(maxsize=1024)(_parse_address)


_trusted: tuple[str, int] | None = None  # (the trusted header's META key or "", the trusted proxy count)


def _trust() -> tuple[str, int]:
    """Which header to believe, read from the settings once (not twice per request; decision 0040)."""
    global _trusted
    if _trusted is None:
        header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None) or ""
        key = "HTTP_" + header.upper().replace("-", "_") if header else ""
        _trusted = (key, getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0))
    return _trusted


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    global _trusted
    if setting in ("ALLAUTH_TRUSTED_CLIENT_IP_HEADER", "ALLAUTH_TRUSTED_PROXY_COUNT"):
        _trusted = None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, not of our own reverse proxy.

    Without a proxy, ``REMOTE_ADDR``. Behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies of our own (set from
    ``BEHIND_TLS_PROXY`` and ``TRUSTED_PROXY_COUNT``), the address the outermost of them saw: that many entries
    from the right of ``X-Forwarded-For``; the entries further left are the client's to forge. With
    ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` set, that header. Falls back to ``REMOTE_ADDR`` when the header is
    missing or not an address; "" only when nothing is. Reads ``META`` (what ``request.headers`` is built from)."""
    meta = request.META
    key, count = _trust()
    found = ""
    if key:
        found = _address(meta.get(key, ""))
    elif count > 0:
        forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            found = _address(forwarded[-count])
    return found or _address(meta.get("REMOTE_ADDR", ""))
