"""Rate limits for our own views and outgoing fetches (allauth throttles sign-in, sign-up and resets itself).

A limit is a number of hits per fixed window, counted in the cache (Redis in production, so shared by every
process) per member, per client address or per any other key::

    refused = rate_limited(request, action="certificate_pdf", rate=Rate(30, 3600))
    if refused:
        return refused

A refused request gets 429 with ``Retry-After``: the seconds until the window ends. Nothing is stored but a
counter under a hashed key that expires with its window.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Literal

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from preceptor.core.network import client_ip


@dataclass(frozen=True)
class Rate:
    """At most ``amount`` hits per ``seconds``."""

    amount: int
    seconds: int


def hit(*, action: str, key: str, rate: Rate) -> int:
    """Count one hit of ``action`` by ``key``; 0 when allowed, else the seconds until it is allowed again."""
    now = time.time()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"core:rl:{action}:{rate.amount}/{rate.seconds}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit opens a new window
        cache.set(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count <= rate.amount:
        return 0
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    context = {"retry_after": retry_after, "minutes": math.ceil(retry_after / 60)}
    response = render(request, "core/429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def rate_limited(
    request: HttpRequest, *, action: str, rate: Rate, per: Literal["user", "ip"] = "user"
) -> HttpResponse | None:
    """Count this request against ``rate``; None when allowed, else the 429 response to send. ``per="user"``
    counts a signed-in member's requests wherever they come from (visitors by address); ``per="ip"`` counts
    by client address (``core.network.client_ip``)."""
    user = getattr(request, "user", None)
    if per == "user" and user is not None and user.is_authenticated:
        key = f"user:{user.pk}"
    else:
        key = f"ip:{client_ip(request)}"
    retry_after = hit(action=action, key=key, rate=rate)
    return too_many_requests(request, retry_after) if retry_after else None
