"""The database away (issue 17, item 4; decision 0022): requests get a quick 503 with Retry-After and a page that
needs no database, the outage is logged once per interval instead of a traceback per request, and service resumes
by itself. The first tests make a view's query fail in this process; the integration test runs gunicorn against a
PostgreSQL server of its own, then stops, restarts and freezes that server."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import OperationalError
from django.test import Client

from preceptor.core import errors
from preceptor.core.tests.processes import PrivateServer
from preceptor.core.tests.test_deploy import DEPLOY, ROOT, free_port


@pytest.fixture
def outage_reset():
    errors.database.succeeded()
    yield
    errors.database.succeeded()


def test_a_query_that_cannot_reach_the_database_answers_503_and_logs_the_outage_once(
    db, monkeypatch, caplog, outage_reset
):
    from preceptor.catalog import views

    def unreachable(**_kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(views, "course_list", unreachable)
    client = Client(raise_request_exception=False)
    caplog.set_level(logging.INFO)
    for _ in range(3):
        response = client.get("/courses/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
        assert "Preceptor is back in a moment" in response.content.decode()
    outage_lines = [r for r in caplog.records if r.name == "preceptor.outage"]
    assert len(outage_lines) == 1 and "database unavailable" in outage_lines[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]  # no traceback per request

    monkeypatch.undo()
    assert client.get("/courses/?q=%00").status_code == 400  # refused before any query: not a sign of recovery
    assert errors.database.is_down
    assert client.get("/courses/").status_code == 200
    assert any("database available again" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_after_a_database_error_the_next_request_opens_a_fresh_connection(monkeypatch, outage_reset):
    """Connections are kept between requests (``DATABASE_CONN_MAX_AGE``), and on SQLite a kept connection always
    looks usable to Django: the 503 closes it, so that a broken one (or one to a replaced file) is not reused."""
    from django.db import connection

    from preceptor.catalog import views

    def failing(**_kwargs):
        connection.ensure_connection()
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(views, "course_list", failing)
    client = Client(raise_request_exception=False)
    assert client.get("/courses/").status_code == 503
    assert connection.connection is None, "closed after the error"
    monkeypatch.undo()
    assert client.get("/courses/").status_code == 200
    assert connection.connection is not None, "kept after a good request"


def test_any_other_error_is_still_the_sites_500_page(db, monkeypatch, caplog, outage_reset):
    from preceptor.catalog import views

    def broken(**_kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "course_list", broken)
    response = Client(raise_request_exception=False).get("/courses/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert [r for r in caplog.records if r.name == "django.request" and r.exc_info]  # logged with its traceback
    assert not errors.database.is_down


def get(url: str, timeout: float = 30) -> tuple[int, float, dict[str, str]]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - http on localhost
            return response.status, time.monotonic() - started, dict(response.headers.items())
    except urllib.error.HTTPError as error:
        return error.code, time.monotonic() - started, dict(error.headers.items())


@pytest.mark.integration
@pytest.mark.parametrize("conn_max_age", ["0", "60"], ids=["connection-per-request", "kept-connections"])
def test_gunicorn_answers_503_while_postgresql_is_stopped_or_frozen_and_recovers_without_a_restart(
    tmp_path, conn_max_age
):
    server = PrivateServer()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "CELERY_BROKER_URL"}},
        "DATABASE_URL": server.url,
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DATABASE_CONN_MAX_AGE": conn_max_age,
        "DATABASE_STATEMENT_TIMEOUT_MS": "2000",  # a kept connection to a frozen server gives up after 2 + 5 s
        "DEBUG": "0",  # as in production: with DEBUG on, Django shows its debug page instead of handler500
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "REQUEST_LOG_ENABLED": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_TIMEOUT": "60",
        "LOG_LEVEL": "INFO",
    }
    for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, timeout=600
        )
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    page = f"http://127.0.0.1:{port}/courses/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if get(page, timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and web.poll() is None, log_path.read_text()
            time.sleep(0.2)

        # Stopped: a quick 503, page and health check alike.
        server.stop()
        for _ in range(5):
            status, took, headers = get(page)
            assert status == 503 and took < 3, (status, took)
            assert headers["Retry-After"] == "30"
        status, took, _ = get(f"http://127.0.0.1:{port}/healthz")
        assert status == 503 and took < 5

        # Started again: served, by the same gunicorn workers.
        server.start()
        deadline = time.monotonic() + 10
        while get(page)[0] != 200:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        assert web.poll() is None

        # Frozen (every server process stopped with SIGSTOP): the connect timeout or, on a kept connection, the
        # answer timeout (core/database.py) answers, not gunicorn's 60 s.
        for _ in range(4):
            assert get(page)[0] == 200  # both workers hold a connection now, when they keep them
        frozen = server.processes()
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            bound = 2 * 2 + 3 if conn_max_age == "0" else 7 + 3  # connect timeout 2 s (+ one retry); 2 + 5 s
            for _ in range(3):
                status, took, _ = get(page)
                assert status == 503 and took < bound, (status, took)
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        deadline = time.monotonic() + 15
        while get(page)[0] != 200:
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        assert web.poll() is None
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=60)
        with_errors = log_path.read_text()
        server.close()
    # 9 requests failed in two outages; each outage is logged once per worker process, not once per request.
    assert with_errors.count("database unavailable") <= 2 * 2, with_errors
    assert "Internal Server Error" not in with_errors
    assert "database available again" in with_errors
