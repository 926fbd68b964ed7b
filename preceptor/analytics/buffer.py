"""Request-log and pageview rows are buffered in memory and written in batches, so no request waits for a database
write. A worker that serves requests writes the batch itself once a request is over and its response handed to the
server (``request_finished``), when FLUSH_SECONDS have passed or FLUSH_ROWS are waiting; a background thread writes
only for a worker no request comes to (decision 0010). A graceful stop flushes the buffer; a crash loses at most the
rows of the last few seconds (or BUFFER_MAX rows, whichever is less). A bad row never costs the others: values are
bounded to their columns before the write, and a batch the database refuses is retried row by row (decision 0022)."""

from __future__ import annotations

import atexit
import ipaddress
import logging
import operator
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any, NamedTuple

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, models
from django.db.backends.base.operations import BaseDatabaseOperations

from preceptor.core.outage import Outage

logger = logging.getLogger(__name__)
FLUSH_SECONDS = 2.0
FLUSH_ROWS = 1000  # a batch is due at this many rows even before FLUSH_SECONDS: each write stays short
BUFFER_MAX = 5000

_rows: deque[Any] = deque(maxlen=BUFFER_MAX)
_lock = threading.Lock()  # held by the one flush at a time
_thread_lock = threading.Lock()
_thread: threading.Thread | None = None
_thread_pid = 0  # the process whose thread ``_thread`` is (a forked worker starts its own)
_stop = threading.Event()
_last_flush = time.monotonic()


def add(row: Any) -> None:
    _rows.append(row)
    if _thread_pid != os.getpid():  # the first row of this process (a forked worker's too): start its thread
        _ensure_thread()


def flush_if_due(**kwargs: Any) -> None:
    """``request_finished`` receiver: write the batch in the request's own thread once it is due, after the response
    has been handed to the server. The thread that wrote every FLUSH_SECONDS lost rows once a worker outran the
    buffer, and took the interpreter lock from the requests while it wrote (decision 0010)."""
    if not _rows or (len(_rows) < FLUSH_ROWS and time.monotonic() - _last_flush < FLUSH_SECONDS):
        return
    _ensure_thread()
    # While the database is away, a request tries again only every ``database.retry_seconds``: each try may wait
    # for the connection's timeout.
    if settings.REQUEST_LOG_BACKGROUND and database.available():
        flush(wait=False)


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
    """Many rows per statement (``INSERT … VALUES (…), (…), …``): the cheapest write there is. One statement per
    row (``executemany``) cost more than the rows themselves: on SQLite each row is a step of its own, and the
    thread hands the interpreter lock to the request threads and takes it back around each one (decision 0040)."""
    quote = connection.ops.quote_name
    row_marks = f"({', '.join(['%s'] * len(columns))})"
    per_statement = min(500, (connection.features.max_query_params or 10_000) // len(columns))
    # Table and column names are our own constants, quoted; the values go as parameters.
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608 -- table and column names come from the model, values are parameters
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([row_marks] * len(chunk)), [value for row in chunk for value in row])


Cleaner = Callable[[Any], Any]
# A column's values of a whole batch, returned as they are (or mapped) when every one already fits, else None.
BatchCheck = Callable[[tuple], tuple | list | None]


class Column(NamedTuple):
    clean: Cleaner  # one value bounded to the column; raises for a value that cannot be (a text where a number goes)
    batch: BatchCheck


def _text(max_length: int | None, *, null: bool) -> Column:
    def clean(value: Any) -> Any:
        if value is None:
            return None if null else ""
        text = value if type(value) is str else str(value)
        if "\x00" in text:
            text = text.replace("\x00", "")
        if not text.isascii():  # most values are ASCII, and cannot hold a surrogate
            # Lone surrogates (a header decoded byte by byte) cannot be stored as UTF-8.
            text = text.encode("utf-8", "replace").decode("utf-8")
        return text[:max_length] if max_length and len(text) > max_length else text

    allowed = {str, type(None)} if null else {str}

    def batch(values: tuple) -> tuple | None:
        # ASCII without a NUL and within the length: every value as it is (the common case, checked in C loops).
        if not set(map(type, values)) <= allowed:
            return None
        present = list(filter(None, values)) if null else values
        joined = "".join(present)
        if "\x00" in joined or not joined.isascii():
            return None
        return values if not max_length or max(map(len, present), default=0) <= max_length else None

    return Column(clean, batch)


def _integer(low: int | None, high: int | None) -> Column:
    def clean(value: Any) -> int:
        number = int(value or 0)
        if low is not None:
            number = max(low, number)
        return min(high, number) if high is not None else number

    def batch(values: tuple) -> tuple | None:
        if set(map(type, values)) != {int}:
            return None
        if (low is not None and min(values) < low) or (high is not None and max(values) > high):
            return None
        return values

    return Column(clean, batch)


def _ip(value: Any) -> str | None:
    return _parsed_ip(value if type(value) is str else str(value)) if value else None


def _ip_batch(values: tuple) -> list | None:
    try:
        parsed = {value: _ip(value) for value in set(values)}  # the same few addresses come again and again
    except TypeError:  # a value that cannot be a key: bounded row by row
        return None
    return list(map(parsed.__getitem__, values))


@lru_cache(maxsize=1024)  # the same few addresses come again and again (in memory, as the buffer itself holds them)
def _parsed_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _as_it_is(value: Any) -> Any:
    return value


def _cleaners(model: type[models.Model], columns: tuple[str, ...]) -> tuple[Column, ...]:
    """For each column, how a value is bounded to what the column holds: text without NUL bytes and cut to its
    length, numbers clamped to the column's range, an address that is one or nothing."""
    cleaners: list[Column] = []
    for name in columns:
        field = model._meta.get_field(name)
        if isinstance(field, models.GenericIPAddressField):
            cleaners.append(Column(_ip, _ip_batch))
        elif isinstance(field, models.CharField):
            cleaners.append(_text(field.max_length, null=field.null))
        elif isinstance(field, models.BooleanField):
            cleaners.append(Column(bool, lambda values: list(map(bool, values))))
        elif isinstance(field, models.IntegerField):
            # The portable ranges (PostgreSQL's), not SQLite's 64 bits: the same rows fit every database.
            cleaners.append(_integer(*BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]))
        else:
            cleaners.append(Column(_as_it_is, _as_it_is))
    return tuple(cleaners)


def sanitise(cleaners: tuple[Column, ...], row: tuple) -> tuple | None:
    """``row`` bounded to its columns, or None when it cannot be (the wrong number of values, a value that is
    not a number where one is needed)."""
    if len(row) != len(cleaners):
        return None
    try:
        return tuple(map(operator.call, [column.clean for column in cleaners], row))  # the lengths are equal
    except (TypeError, ValueError, OverflowError):
        return None


def bounded(cleaners: tuple[Column, ...], rows: list[tuple]) -> list[tuple]:
    """``rows`` bounded to their columns, without the rows that cannot be. A column at a time when every value of
    a column already fits (as the middleware's rows do): a function call per value cost more than writing the row
    (decision 0040); a row at a time otherwise."""
    if not rows:
        return []
    if set(map(len, rows)) == {len(cleaners)}:
        columns = [column.batch(values) for column, values in zip(cleaners, zip(*rows, strict=True), strict=True)]
        if all(values is not None for values in columns):
            return list(zip(*columns, strict=True))
    return [row for row in map(partial(sanitise, cleaners), rows) if row is not None]


# The database itself away (restarting, unreachable): rows go back to the buffer for the next flush.
CONNECTION_ERRORS = (OperationalError, InterfaceError)
database = Outage("request log database", retry_seconds=15.0, log_seconds=60.0)


def flush(*, wait: bool = True) -> int:
    """Write what is buffered now (also called by tests and at exit); the number of rows written. With ``wait`` off,
    nothing is written while another thread is writing (it takes what is buffered).

    Every value is first bounded to its column. A batch the database refuses is written again row by row, so a
    row that is still refused costs only itself; a batch that fails because the database is away goes back to the
    buffer for the next flush (the buffer keeps at most BUFFER_MAX rows)."""
    from collections import Counter

    from django.db import connection, transaction

    from preceptor.analytics.models import PageviewEvent, RequestLog
    from preceptor.analytics.services import stat_add

    global _last_flush
    if not _lock.acquire(blocking=wait):
        return 0
    try:
        _last_flush = time.monotonic()
        batch = []
        while _rows:
            batch.append(_rows.popleft())
        if not batch:
            return 0
        logs = bounded(_cleaners(RequestLog, LOG_COLUMNS), [r[1] for r in batch if r[0] == "log"])
        views = bounded(_cleaners(PageviewEvent, VIEW_COLUMNS), [r[1] for r in batch if r[0] == "view"])
        bots = Counter(r[1] for r in batch if r[0] == "bot")
        refused = len(batch) - len(logs) - len(views) - sum(bots.values())
        tables = ((RequestLog._meta.db_table, LOG_COLUMNS, logs), (PageviewEvent._meta.db_table, VIEW_COLUMNS, views))
        try:
            with transaction.atomic():
                for day, count in bots.items():
                    stat_add(day=day, metric="bots", count=count)
                for table, columns, rows in tables:
                    if rows:
                        _insert(connection, table, columns, rows)
        except CONNECTION_ERRORS as error:
            database.failed(error)
            _rows.extendleft(reversed(batch))  # kept for the next flush, in their order
            return 0
        except Exception:
            logger.warning("analytics: a batch of %d rows was refused; writing it row by row", len(batch))
            written = 0
            for table, columns, rows in tables:
                for row in rows:
                    try:
                        with transaction.atomic():
                            _insert(connection, table, columns, [row])
                        written += 1
                    except Exception:
                        refused += 1
                        logger.exception("analytics: dropped a row the database refuses: %r", row[:4])
            try:
                with transaction.atomic():
                    for day, count in bots.items():
                        stat_add(day=day, metric="bots", count=count)
            except Exception:
                logger.exception("analytics: could not count %d bot requests", sum(bots.values()))
        else:
            written = len(logs) + len(views)
        database.succeeded()
        if refused:
            logger.warning("analytics: %d of %d buffered rows could not be written", refused, len(batch))
        return written + sum(bots.values())
    finally:
        _lock.release()


def _run() -> None:
    """For a worker that requests have stopped coming to: rows wait at most about three times FLUSH_SECONDS. While
    requests come, they write the batches (``flush_if_due``) and this thread only wakes and sleeps again."""
    while not _stop.wait(FLUSH_SECONDS):
        flush_if_idle()


def flush_if_idle() -> int:
    """Write what waits when no request has written for twice FLUSH_SECONDS (the background thread's check)."""
    if not _rows or time.monotonic() - _last_flush < 2 * FLUSH_SECONDS:
        return 0
    close_old_connections()
    return flush()


def _ensure_thread() -> None:
    """The background thread, started once per process (``REQUEST_LOG_BACKGROUND``), and again if it has died.
    Checked at a process's first row and with each batch, not with every row: a thread's liveness check cost a
    tenth of what the log costs a request (decision 0040)."""
    global _thread, _thread_pid
    if not settings.REQUEST_LOG_BACKGROUND:
        return
    if _thread is None or not _thread.is_alive():
        with _thread_lock:
            if _thread is None or not _thread.is_alive():
                _thread = threading.Thread(target=_run, name="analytics-flush", daemon=True)
                _thread.start()
    _thread_pid = os.getpid()


@atexit.register
def _flush_at_exit() -> None:
    _stop.set()
    try:
        flush()
    except Exception:
        logger.exception("analytics: final flush failed")
