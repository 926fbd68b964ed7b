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


def flush() -> int:
    """Write what is buffered now (also called by tests and at exit)."""
    from preceptor.analytics.models import PageviewEvent, RequestLog

    with _lock:
        batch = []
        while _rows:
            batch.append(_rows.popleft())
        if not batch:
            return 0
        try:
            from collections import Counter

            from preceptor.analytics.services import stat_add

            for day, count in Counter(r[1] for r in batch if isinstance(r, tuple) and r[0] == "bot").items():
                stat_add(day=day, metric="bots", count=count)
            logs = [r for r in batch if isinstance(r, RequestLog)]
            views = [r for r in batch if isinstance(r, PageviewEvent)]
            if logs:
                RequestLog.objects.bulk_create(logs)
            if views:
                PageviewEvent.objects.bulk_create(views)
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
