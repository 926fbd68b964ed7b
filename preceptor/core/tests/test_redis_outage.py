"""Redis stopped, restarted or hanging, against a real redis-server that each test starts on a port of its own
(so it can stop it without touching the shared one): pages still serve, signed-in members stay signed in, the
outage is logged once per interval, ``/healthz`` says what is down within its deadline, and e-mail asked for
meanwhile is kept in the outbox and delivered by a real worker when Redis is back. Run by .ci/run's integration
pass (``-m integration``); needs ``redis-server`` on the PATH."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from preceptor.conftest import PASSWORD
from preceptor.core.models import OutboxTask
from preceptor.core.outbox import broker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process without persistence; ``stop`` and ``start`` again lose its data, as a restart of
    a Redis without persistence does; ``pause`` freezes it (SIGSTOP): connections open, no answer."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (Debian package redis-server)"
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [binary, "--port", str(self.port), "--save", "", "--appendonly", "no", "--daemonize", "no"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, self.log.read_text()
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        assert self.process
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The production cache settings (core.cache.TolerantRedisCache, cached_db sessions) on our own Redis."""
    cache = dict(settings.CACHES["default"])
    settings.CACHES = {
        "default": {
            "BACKEND": "preceptor.core.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "RETRY_SECONDS": 1,
        }
    }
    settings.SESSION_ENGINE = "preceptor.core.sessions.cached_db"
    yield redis_server
    settings.CACHES = {"default": cache}


@pytest.fixture
def redis_broker(redis_server):
    """The Celery app publishing to our own Redis instead of the CI's (restored afterwards)."""
    from preceptor.config.celery import app

    def point(url: str, eager: bool) -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        app.conf.update(broker_url=url, broker_write_url=url, broker_read_url=url, task_always_eager=eager)

    before = (app.conf.broker_url, app.conf.task_always_eager)
    point(redis_server.url, False)
    broker.succeeded()
    yield redis_server
    point(*before)
    broker.succeeded()


def signed_in_client(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get(reverse("accounts:account"))
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_with_redis_stopped_pages_serve_members_stay_signed_in_and_the_outage_is_logged_once(
    redis_cache, learner, caplog
):
    member = signed_in_client(learner)
    assert is_signed_in(member)
    assert redis.Redis(port=redis_cache.port).keys("*cached_db*"), "the session is cached in Redis"

    redis_cache.stop()
    with caplog.at_level(logging.INFO):
        started = time.monotonic()
        for _ in range(10):
            assert is_signed_in(member)
            assert Client().get(reverse("site:home")).status_code == 200
            assert Client().get(reverse("catalog:list")).status_code == 200
        assert time.monotonic() - started < 20
        health = Client().get("/healthz")
    assert (health.status_code, health.json()["status"], health.json()["cache"]) == (200, "degraded", "down")
    outage_lines = [r for r in caplog.records if r.name == "preceptor.outage" and r.levelno >= logging.ERROR]
    assert len(outage_lines) == 1, [r.getMessage() for r in outage_lines]
    assert not [r for r in caplog.records if r.name == "django.request"]  # no 500s, no tracebacks per request

    # A member who signs in during the outage is signed in too (the session is in the database).
    other = Client()
    assert other.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD}).status_code == 302
    assert is_signed_in(other)

    redis_cache.start()  # restarted, empty
    time.sleep(1.1)  # RETRY_SECONDS: the next request tries Redis again
    assert is_signed_in(member) and is_signed_in(other)
    assert Client().get("/healthz").json()["cache"] == "ok"


def test_a_session_ended_while_redis_hung_is_not_revived_when_redis_answers_again(redis_cache, learner):
    member = signed_in_client(learner)
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = member.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(stolen)

    redis_cache.pause()  # Redis keeps the cached session but does not answer
    try:
        assert member.post(reverse("account_logout")).status_code == 302  # deleted from the database only
    finally:
        redis_cache.resume()
    time.sleep(1.1)
    assert not is_signed_in(stolen), "the stale cached session must not sign anyone in"


def test_healthz_answers_within_its_deadline_while_redis_hangs_and_pages_do_not_wait_on_it(redis_cache):
    Client().get(reverse("site:home"))
    redis_cache.pause()
    try:
        started = time.monotonic()
        response = Client().get("/healthz")
        took = time.monotonic() - started
        assert took < 4.5, took
        assert (response.status_code, response.json()["cache"], response.json()["database"]) == (200, "down", "ok")
        started = time.monotonic()
        for _ in range(5):
            assert Client().get(reverse("site:home")).status_code == 200
        assert time.monotonic() - started < 5  # one socket timeout, then the cache is skipped for a while
    finally:
        redis_cache.resume()


@pytest.fixture
def worker_for(tmp_path):
    """Start a real Celery worker on a given broker; e-mail goes to files in the returned folder."""
    processes = []
    mail_dir = tmp_path / "mail"

    def start(broker_url: str) -> Path:
        env = {**os.environ, "CELERY_BROKER_URL": broker_url, "EMAIL_URL": f"file://{mail_dir}"}
        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "preceptor.config", "worker", "--pool=solo"),
                *("--loglevel=INFO", "--without-gossip", "--without-mingle", "--hostname", f"outbox-{os.getpid()}@%h"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append((process, log))
        return mail_dir

    yield start
    for process, log in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def delivered(mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    return [path.read_text() for path in mail_dir.iterdir() if "-" * 79 in path.read_text()]


def test_e_mail_asked_for_while_the_broker_is_down_is_kept_and_delivered_when_it_is_back(
    redis_broker, learner, worker_for, caplog
):
    redis_broker.stop()
    client = Client()
    with caplog.at_level(logging.INFO):
        started = time.monotonic()
        for _ in range(3):
            response = client.post(reverse("account_reset_password"), {"email": learner.email})
            assert response.status_code == 302
        assert time.monotonic() - started < 10
        health = Client().get("/healthz").json()
    assert (health["status"], health["broker"]) == ("degraded", "down")
    assert OutboxTask.objects.filter(task="preceptor.core.tasks.email_send").count() == 3
    assert len([r for r in caplog.records if r.name == "preceptor.outage" and r.levelno >= logging.ERROR]) == 1

    call_command("send_outbox")  # broker still away: nothing lost
    assert OutboxTask.objects.count() == 3

    redis_broker.start()  # restarted without the old queue
    call_command("send_outbox")
    call_command("send_outbox")  # a second run finds nothing to send again
    assert OutboxTask.objects.count() == 0
    assert redis.Redis(port=redis_broker.port).llen("celery") == 3

    mail_dir = worker_for(redis_broker.url)
    deadline = time.monotonic() + 60
    while len(delivered(mail_dir)) < 3:
        assert time.monotonic() < deadline, "the worker did not deliver the kept e-mails within 60 s"
        time.sleep(0.3)
    time.sleep(1)
    messages = delivered(mail_dir)
    assert len(messages) == 3 and all(learner.email in text for text in messages)
