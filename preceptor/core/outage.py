"""A dependency that may be away for a while (Redis as cache or broker): remember that it failed, skip it for a
few seconds instead of waiting on it in every request, and log the outage once per interval instead of once per
request (decision 0022)."""

from __future__ import annotations

import logging
import threading
import time

logger = logging.getLogger("preceptor.outage")


class Outage:
    """The state of one dependency in this process.

    After a failure, :meth:`available` says False for ``retry_seconds``; the next call after that tries again
    (one caller at a time pays the timeout, not every request). The first failure is logged with its error; while
    the dependency stays away, one line per ``log_seconds`` says how many failures were not logged; the first
    success after an outage is logged too and :meth:`succeeded` answers True, so the caller can repair what the
    outage may have left stale.
    """

    def __init__(self, name: str, *, retry_seconds: float = 5.0, log_seconds: float = 60.0) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self.log_seconds = log_seconds
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._next_log = 0.0
        self._unlogged = 0

    @property
    def is_down(self) -> bool:
        return self._down_since is not None

    def available(self) -> bool:
        """False while the dependency failed less than ``retry_seconds`` ago."""
        return self._down_since is None or time.monotonic() >= self._retry_at

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            if self._down_since is None:
                self._down_since = now
            self._retry_at = now + self.retry_seconds
            if now < self._next_log:
                self._unlogged += 1
                return
            self._next_log = now + self.log_seconds
            unlogged, self._unlogged = self._unlogged, 0
            down_for = now - self._down_since
        if unlogged or down_for:
            logger.error(
                "%s still unavailable after %.0f s (%d failures not logged since the last line): %s",
                self.name,
                down_for,
                unlogged,
                error,
            )
        else:
            logger.error("%s unavailable: %s", self.name, error, exc_info=error)

    def succeeded(self) -> bool:
        """Record a success; True when it ends an outage."""
        if self._down_since is None:
            return False
        with self._lock:
            if self._down_since is None:
                return False
            down_for = time.monotonic() - self._down_since
            unlogged = self._unlogged
            self._down_since = None
            self._retry_at = self._next_log = 0.0
            self._unlogged = 0
        logger.warning("%s available again after %.0f s (%d failures not logged)", self.name, down_for, unlogged)
        return True
