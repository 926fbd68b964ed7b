"""The checks behind ``/healthz``: the database, the cache and the task broker, each answered within a deadline
even when the dependency hangs (decision 0022).

Each check runs in a thread of its own, with its own database connection, and all run at once; a check that has
not answered within ``DEADLINE_SECONDS`` counts as "down". The checks bypass the tolerant cache and the outbox (which
hide an outage from pages): they ask the dependency itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, cast

from celery import current_app
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections

logger = logging.getLogger(__name__)
DEADLINE_SECONDS = 3.0
OK, DOWN = "ok", "down"


def database_check() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's own connection


def cache_check() -> None:
    """Redis answers a PING (socket timeouts from CACHES' OPTIONS); an in-process cache has nothing to fail."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        cast(Any, cache)._cache.get_client(write=True).ping()  # the client behind Django's RedisCache


def broker_check() -> None:
    """The broker accepts a connection (kombu's Redis transport pings it); none without a broker (eager tasks)."""
    if current_app.conf.task_always_eager:
        return
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)


CHECKS: dict[str, Callable[[], None]] = {"database": database_check, "cache": cache_check, "broker": broker_check}


def dependencies_status(
    checks: dict[str, Callable[[], None]] | None = None, *, deadline: float = DEADLINE_SECONDS
) -> dict[str, str]:
    """``{"database": "ok", "cache": "down", ...}``: each check's outcome within ``deadline`` seconds."""
    checks = CHECKS if checks is None else checks
    results: dict[str, str] = {}

    def run(name: str, check: Callable[[], None]) -> None:
        try:
            check()
        except Exception as error:
            logger.warning("healthz: %s check failed: %s", name, error)
            results[name] = DOWN
        else:
            results[name] = OK

    threads = [
        threading.Thread(target=run, args=(name, check), name=f"healthz-{name}", daemon=True)
        for name, check in checks.items()
    ]
    ends = time.monotonic() + deadline
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, ends - time.monotonic()))  # all of them within one deadline
    answered = dict(results)
    for name in checks:
        if name not in answered:
            logger.warning("healthz: %s check did not answer within %.1f s", name, deadline)
    return {name: answered.get(name, DOWN) for name in checks}
