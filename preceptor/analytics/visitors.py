"""What first-party statistics keep of a visitor, computed without storing anything: a daily visitor key, the
truncated IP address, the country. Pure functions (the country database ships in the geoip2fast wheel)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import cache as memo
from functools import lru_cache
from typing import Any

from django.conf import settings


def visitor_key(*, salt: bytes, ip: str, user_agent: str) -> str:
    """HMAC of the site, address and browser under the day's random salt: one key per visitor per day."""
    message = f"{settings.SITE_URL}|{ip}|{user_agent}".encode()
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def truncate_ip(ip: str) -> str:
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@memo
def _geo() -> Any:
    from geoip2fast import GeoIP2Fast

    return GeoIP2Fast()


@lru_cache(maxsize=1024)
def country_of(ip: str) -> str:
    """Two-letter country from the database shipped in the geoip2fast wheel (no network); "" if unknown. Looked up
    once per address among the last 1,024 (in memory only, as the request log's own buffer holds them)."""
    try:
        code = _geo().lookup(ip).country_code
    except (ValueError, OSError):  # geoip2fast answers "" for most bad input; anything else is "unknown" too
        return ""
    return code if len(code) == 2 and code.isalpha() else ""
