"""Django's Redis cache, tolerant of Redis being away (decision 0022).

A cache is an optimisation: when Redis is stopped, restarting or hanging, a read is a miss, a write is skipped and
pages are served from the database. ``cached_db`` sessions then read and write the database, so signed-in members
stay signed in. The connection has short socket timeouts (settings), the failure is remembered for a few seconds
so that requests do not each wait on a hanging server, and the outage is logged once per interval
(``core.outage``). When Redis answers again the cache is cleared once: entries written before the outage may be
stale (a session ended, a version key bumped, while writes could not reach the cache).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from preceptor.core.outage import Outage

_MISSING = object()
_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


class TolerantRedisCache(RedisCache):
    """``RedisCache`` whose operations answer "not cached" instead of raising when Redis fails.

    Extra entries of the cache's settings (beside ``OPTIONS``, which go to the Redis connection pool):
    ``RETRY_SECONDS`` (how long a failure is remembered, default 5) and ``LOG_SECONDS`` (one log line per
    interval during an outage, default 60).
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        # One state per Redis for the whole process: each thread has its own cache object (django.core.cache).
        with _outages_lock:
            self.outage = _outages.setdefault(
                str(server),
                Outage(
                    "cache (Redis)",
                    retry_seconds=float(params.get("RETRY_SECONDS", 5)),
                    log_seconds=float(params.get("LOG_SECONDS", 60)),
                ),
            )

    def _call(self, method: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.outage.available():
            return fallback
        try:
            if self.outage.is_down:
                # The first call after an outage: what was cached before it may be stale. Clear it before
                # anything is read, so that a session ended meanwhile (deleted from the database only) stays ended.
                super().clear()
                self.outage.succeeded()
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as error:
            self.outage.failed(error)
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # True: allauth's rate-limit lock (``cache.add``) is granted, so members can still sign in; rate limits
        # are open while Redis is away (decision 0022), instead of closed for everyone.
        return self._call("add", True, key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", default, key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._call("set", None, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", False, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", False, key, version)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return self._call("get_many", {}, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", False, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result = self._call("incr", _MISSING, key, delta, version)
        if result is _MISSING:
            # What a missing key answers: callers (rate limits, version keys) already set a fresh value then.
            raise ValueError("Key not available: the cache is unavailable")
        return result

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", None, keys, version)

    def clear(self) -> None:
        self._call("clear", None)
