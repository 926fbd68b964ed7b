"""What a request gets when the database cannot be reached (decision 0022): a quick 503 with ``Retry-After`` and a
page that needs no database, instead of a 500 with a traceback per request. The outage is logged once per
interval (``core.outage``), and the first answer after it says so; no process needs a restart — the connection
that failed is closed (``server_error``; Django's own health check cannot tell on SQLite, where a kept connection
always looks usable), and the next request connects again."""

from __future__ import annotations

import errno
import logging
import sys
from typing import TypeGuard

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

from preceptor.core.outage import Outage

# Connection refused or lost, a connect or statement timeout, a database that is locked: all say "try again".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
database = Outage("database", retry_seconds=0.0)
# The disk that keeps uploads (MEDIA_ROOT) refused a write: full, over quota, read-only, or past a size limit.
STORAGE_REFUSALS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
media_storage = Outage("media storage", retry_seconds=0.0)
RETRY_AFTER_SECONDS = 30


def _storage_refused(error: BaseException | None) -> TypeGuard[OSError]:
    return isinstance(error, OSError) and error.errno in STORAGE_REFUSALS


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it inside the ``except`` block of the failed request, so the error is at hand.
    The database away → 503 "back in a moment"; the upload disk refusing a file → 503 "your file was not saved"
    (the request's transaction was rolled back and ``LocalStorage`` removed the part written)."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        database.failed(error)
        _close_connections()
        template = "503.html"
    elif _storage_refused(error):
        media_storage.failed(error)
        template = "503_storage.html"
    else:
        return django_server_error(request)
    response = HttpResponse(render_to_string(template), status=503)  # no request: no context processor, no query
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _close_connections() -> None:
    """Close this thread's database connections after a database error, so that the next request opens a fresh
    one rather than reusing a kept connection (``DATABASE_CONN_MAX_AGE``) that may be broken or may point at a
    database file since replaced. One still inside a transaction is left to the code that opened it."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class DatabaseOutageFilter(logging.Filter):
    """On ``django.request``: drops the per-request traceback of a database outage or of an upload the disk
    refused (``server_error`` logs each once per interval instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not (isinstance(error, DATABASE_UNAVAILABLE) or _storage_refused(error))
