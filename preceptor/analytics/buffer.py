"""Request-log and pageview rows are buffered in memory and written in batches by a background thread, so no
request waits for a database write. A graceful stop flushes the buffer; a crash loses at most the last
FLUSH_SECONDS of rows (or BUFFER_MAX rows, whichever is less)."""

from __future__ import annotations

import atexit
import logging
import threading
from collections import deque
from typing import Any

from django.db import close_old_connections

logger = logging.getLogger(__name__)
FLUSH_SECONDS = 2.0
BUFFER_MAX = 5000

_rows: deque[Any] = deque(maxlen=BUFFER_MAX)
_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def add(row: Any) -> None:
    from django.conf import settings

    _rows.append(row)
    if settings.REQUEST_LOG_BACKGROUND:
        _ensure_thread()


LOG_COLUMNS = (
    "created_at",
    "request_id",
    "method",
    "path",
    "status",
    "bytes",
    "duration_ms",
    "referrer_host",
    "user_agent",
    "browser",
    "browser_version",
    "os",
    "device",
    "ip",
    "ip_truncated",
)
VIEW_COLUMNS = ("day", "visitor", "path", "country", "browser", "os", "device", "referrer_host")


def _insert(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Plain executemany: the cheapest write there is, so the log costs the service next to nothing."""
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(columns))
    # Table and column names are our own constants, quoted; the values go as parameters.
    sql = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def flush() -> int:
    """Write what is buffered now (also called by tests and at exit)."""
    from collections import Counter

    from django.db import connection, transaction

    from preceptor.analytics.models import PageviewEvent, RequestLog
    from preceptor.analytics.services import stat_add

    with _lock:
        batch = []
        while _rows:
            batch.append(_rows.popleft())
        if not batch:
            return 0
        try:
            for day, count in Counter(r[1] for r in batch if r[0] == "bot").items():
                stat_add(day=day, metric="bots", count=count)
            logs = [r[1] for r in batch if r[0] == "log"]
            views = [r[1] for r in batch if r[0] == "view"]
            with transaction.atomic():
                if logs:
                    _insert(connection, RequestLog._meta.db_table, LOG_COLUMNS, logs)
                if views:
                    _insert(connection, PageviewEvent._meta.db_table, VIEW_COLUMNS, views)
        except Exception:
            logger.exception("analytics: could not write %d buffered rows", len(batch))
            return 0
        return len(batch)


def _run() -> None:
    while not _stop.wait(FLUSH_SECONDS):
        close_old_connections()
        flush()


def _ensure_thread() -> None:
    global _thread
    if _thread is None or not _thread.is_alive():
        with _lock:
            if _thread is None or not _thread.is_alive():
                _thread = threading.Thread(target=_run, name="analytics-flush", daemon=True)
                _thread.start()


@atexit.register
def _flush_at_exit() -> None:
    _stop.set()
    try:
        flush()
    except Exception:
        logger.exception("analytics: final flush failed")
