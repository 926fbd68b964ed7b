"""A bound on every wait for PostgreSQL (decision 0022).

PostgreSQL's own ``statement_timeout`` ends a slow statement on a server that is alive. A server that is frozen
(stopped, swapped out, a stalled disk or network) answers nothing, and the kernel still acknowledges what is sent
to it, so neither that timeout nor TCP keepalives end the wait: a kept connection (``DATABASE_CONN_MAX_AGE``)
would hold the request until gunicorn kills the worker. Every wait of psycopg on an open connection — a
statement, a fetch, a commit, Django's health check — goes through ``Connection.wait``; on our connections it gives
up after ``DATABASE_ANSWER_TIMEOUT`` seconds (the statement timeout plus a margin, so the server answers first when
it can), closes the connection and raises ``OperationalError``: the request gets the 503 of ``core.errors``, and the
next one connects again (bounded by the connect timeout)."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


@cache
def _bounded_connection_class() -> type:
    """Made on the first PostgreSQL connection: an install on SQLite never imports psycopg (startup time of every
    command, ``logstats`` included)."""
    import psycopg
    from psycopg import errors

    class BoundedConnection(psycopg.Connection):
        """A psycopg connection whose waits without a timeout of their own end after ``answer_timeout`` seconds."""

        answer_timeout: float = 0.0

        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            try:
                return super().wait(gen, interval=interval, timeout=timeout or self.answer_timeout or None)
            except errors._WaitTimeout as error:  # psycopg's own signal that the bound expired
                if timeout:
                    raise  # a caller's own timeout: its caller handles it
                self.pgconn.finish()  # the server may still answer; this connection must never be read again
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.answer_timeout:g} s; the connection was closed"
                ) from error

    return BoundedConnection


def __getattr__(name: str) -> Any:
    if name == "BoundedConnection":
        return _bounded_connection_class()
    raise AttributeError(name)


def connection_bound(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: makes a new PostgreSQL connection a ``BoundedConnection``."""
    limit = getattr(settings, "DATABASE_ANSWER_TIMEOUT", None)
    if not limit or connection.vendor != "postgresql":
        return
    import psycopg

    bounded = _bounded_connection_class()
    raw = connection.connection
    if isinstance(raw, psycopg.Connection) and not isinstance(raw, bounded):
        raw.__class__ = bounded  # same layout, one method more: psycopg has no connection-class option
        cast(Any, raw).answer_timeout = float(limit)
