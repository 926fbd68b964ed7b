"""A database or Redis that hangs costs a request seconds, not forever: the settings give PostgreSQL a connect
and a statement timeout and Redis socket timeouts, read from the environment with defaults (decision 0022)."""

from __future__ import annotations

import contextlib
import runpy
import socket
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"


def settings_with(monkeypatch, **env: str) -> dict:
    for name in ("DATABASE_CONNECT_TIMEOUT", "DATABASE_STATEMENT_TIMEOUT_MS", "REDIS_SOCKET_TIMEOUT_MS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_postgresql_gets_a_connect_and_a_statement_timeout_by_default(monkeypatch):
    options = settings_with(monkeypatch, DATABASE_URL="postgres://app@db.internal:5432/app")["DATABASES"]["default"]
    assert options["OPTIONS"] == {"connect_timeout": 5, "options": "-c statement_timeout=30000"}


def test_the_timeouts_come_from_the_environment(monkeypatch):
    read = settings_with(
        monkeypatch,
        DATABASE_URL="postgres://app@db.internal:5432/app",
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_STATEMENT_TIMEOUT_MS="1500",
        REDIS_URL="redis://cache.internal:6379/0",
        REDIS_SOCKET_TIMEOUT_MS="250",
    )
    assert read["DATABASES"]["default"]["OPTIONS"] == {"connect_timeout": 2, "options": "-c statement_timeout=1500"}
    cache = read["CACHES"]["default"]
    assert cache["BACKEND"] == "preceptor.core.cache.TolerantRedisCache"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.25}
    assert read["SESSION_ENGINE"] == "preceptor.core.sessions.cached_db"


def test_celery_redelivers_a_killed_workers_task_and_bounds_every_task(monkeypatch):
    read = settings_with(monkeypatch, CELERY_BROKER_URL="redis://queue.internal:6379/1")
    assert read["CELERY_TASK_ACKS_LATE"] and read["CELERY_TASK_REJECT_ON_WORKER_LOST"]
    assert read["CELERY_TASK_SOFT_TIME_LIMIT"] < read["CELERY_TASK_TIME_LIMIT"]
    # No running task is handed to a second worker: the broker waits longer than any task may run.
    assert read["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] > read["CELERY_TASK_TIME_LIMIT"]
    assert "outbox" in read["CELERY_BEAT_SCHEDULE"]


def test_the_cache_and_the_broker_may_not_share_a_redis_database(monkeypatch):
    """The cache is cleared after an outage: in the broker's database that would drop the queued tasks."""
    with pytest.raises(ImproperlyConfigured, match="different Redis databases"):
        settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    read = settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0", CELERY_BROKER_URL="redis://127.0.0.1/1")
    assert read["CELERY_BROKER_URL"].endswith("/1")


def test_connecting_to_a_database_server_that_never_answers_gives_up_within_the_connect_timeout(monkeypatch):
    """A listener that accepts the connection and then says nothing, as a frozen PostgreSQL does."""
    with socket.socket() as frozen:
        frozen.bind(("127.0.0.1", 0))
        frozen.listen(8)
        port = frozen.getsockname()[1]
        read = settings_with(
            monkeypatch, DATABASE_URL=f"postgres://app@127.0.0.1:{port}/app", DATABASE_CONNECT_TIMEOUT="1"
        )
        database = read["DATABASES"]["default"]
        started = time.monotonic()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(
                host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"],
                **database["OPTIONS"],
            )  # fmt: skip
        assert time.monotonic() - started < 3


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: runs in the CI's PostgreSQL pass")
def test_the_postgresql_connection_runs_with_the_statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_a_kept_connection_gives_up_shortly_after_the_statement_timeout(monkeypatch):
    read = settings_with(monkeypatch, DATABASE_URL="postgres://app@db.internal:5432/app")
    assert read["DATABASE_ANSWER_TIMEOUT"] == 35  # 30 s statement timeout + 5: the server answers first when it can
    read = settings_with(monkeypatch, DATABASE_URL="postgres://app@db.internal/app", DATABASE_STATEMENT_TIMEOUT_MS="0")
    assert read["DATABASE_ANSWER_TIMEOUT"] is None  # no statement timeout: no bound either


class FreezingProxy:
    """Forwards TCP to PostgreSQL until ``freeze()``; then keeps every socket open and passes nothing on, as a
    server that is stopped (SIGSTOP) or cut off behaves: the kernel acknowledges, nobody answers."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):  # closed by close()
            while data := source.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.05)  # holds what arrived: nothing goes through any more
                target.sendall(data)

    def freeze(self, seconds: float) -> None:
        """Thaws after ``seconds``, so that a client without a bound fails the test instead of hanging it."""
        self.frozen.set()
        threading.Timer(seconds, self.frozen.clear).start()

    def close(self) -> None:
        self.frozen.clear()
        for sock in self.sockets:
            with contextlib.suppress(OSError):  # the listener is not connected
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv (close alone would not)
            sock.close()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: runs in the CI's PostgreSQL pass")
def test_a_statement_on_a_kept_connection_to_a_frozen_server_fails_within_the_answer_timeout(settings):
    from django.db import OperationalError
    from django.db.backends.postgresql.base import DatabaseWrapper

    from preceptor.core.database import BoundedConnection

    settings.DATABASE_ANSWER_TIMEOUT = 1
    real = connection.settings_dict
    proxy = FreezingProxy((real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432)))
    kept, other = (DatabaseWrapper({**real, "HOST": "127.0.0.1", "PORT": proxy.port}, alias=n) for n in "ab")
    try:
        for wrapper in (kept, other):
            with wrapper.cursor() as cursor:
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
            assert isinstance(wrapper.connection, BoundedConnection)

        proxy.freeze(seconds=8)
        started = time.monotonic()
        assert not kept.is_usable()  # Django's health check at the start of a request: bounded too
        assert time.monotonic() - started < 3
        started = time.monotonic()
        with pytest.raises(OperationalError, match="did not answer within 1 s"), other.cursor() as cursor:
            cursor.execute("SELECT 1")
        assert time.monotonic() - started < 3
        assert kept.connection.closed and other.connection.closed  # never read again: the next request reconnects
    finally:
        kept.close()
        other.close()
        proxy.close()
        with connection.cursor() as cursor:  # the server ends the two sessions once it sees them closed
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s"
                cursor.execute(others, [cursor.connection.info.backend_pid])
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)
