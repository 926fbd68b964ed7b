"""Two web instances (issue 17, item 3): two gunicorns on one PostgreSQL, one Redis (cache and broker), uploads in
an S3 bucket (moto's server as its own process), one Celery worker and one beat, and nginx in front of both
gunicorns. A member signs in through one instance and carries on through the other; a photo uploaded through one is
shown by the other; nginx spreads requests over both and keeps serving when one stops; beat sends each periodic
task once per interval. Every part is a real process (run by .ci/run's integration pass)."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

import boto3
import pytest

from preceptor.conftest import DEMO_MEDIA, PASSWORD
from preceptor.core.tests.processes import PrivateServer
from preceptor.core.tests.test_deploy import DEPLOY, ROOT, free_port, nginx_binary, nginx_configuration

pytestmark = [pytest.mark.integration, pytest.mark.browser]

EMAIL = "two@example.org"


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - http on localhost
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, log.read_text()
            time.sleep(0.2)


class Stack:
    """Every process of a two-instance install (also started by bench/s1.py). ``extra_env`` joins each process's
    environment (a benchmark's Stripe fake, for instance)."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str] | None = None) -> None:
        self.tmp = tmp_path
        self.named: dict[str, subprocess.Popen] = {}
        self.env: dict[str, str] = dict(os.environ)
        broker = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
        host = broker.rsplit("/", 1)[0]
        self.database = PrivateServer()
        s3_port = free_port()
        self.s3 = f"http://127.0.0.1:{s3_port}"
        self.start("s3", [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)])
        self.web_ports = [free_port(), free_port()]
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}},
            "DATABASE_URL": self.database.url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,cme.example.org",
            "SECURE_SSL_REDIRECT": "0",
            "STAFF_REQUIRE_MFA": "0",
            "STATIC_ROOT": str(tmp_path / "static"),
            "REDIS_URL": f"{host}/14",
            "CELERY_BROKER_URL": f"{host}/15",
            "CELERY_OUTBOX_SECONDS": "5",
            "EMAIL_URL": f"file://{tmp_path / 'mail'}",
            "S3_BUCKET": "preceptor-media",
            "S3_ENDPOINT_URL": self.s3,
            "S3_ACCESS_KEY_ID": "test-key",
            "S3_SECRET_ACCESS_KEY": "test-secret",
            "REQUEST_LOG_ENABLED": "0",
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "INFO",
            **(extra_env or {}),
        }
        import redis

        for database in (14, 15):
            redis.Redis.from_url(f"{host}/{database}").flushdb()
        self.manage("collectstatic", "--noinput")
        self.manage("migrate", "--noinput")
        self.manage(
            "shell",
            "-c",
            f"from preceptor.conftest import make_member; make_member({EMAIL!r}, 'Dr. Two Instances')",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                boto3.client(
                    "s3",
                    endpoint_url=self.s3,
                    region_name="us-east-1",
                    aws_access_key_id="k",
                    aws_secret_access_key="s",
                ).create_bucket(Bucket="preceptor-media")
                break
            except Exception:
                assert time.monotonic() < deadline, (tmp_path / "s3.log").read_text()
                time.sleep(0.2)
        for name, port in zip(("web-a", "web-b"), self.web_ports, strict=True):
            gunicorn = [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")]
            self.start(name, gunicorn, GUNICORN_BIND=f"127.0.0.1:{port}")
        celery = [sys.executable, "-m", "celery", "-A", "preceptor.config"]
        self.start("worker", [*celery, "worker", "--concurrency=1", "--loglevel=INFO", "--without-gossip"])
        self.start("beat", [*celery, "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")])
        for name, port in zip(("web-a", "web-b"), self.web_ports, strict=True):
            wait_for(f"http://127.0.0.1:{port}/healthz", self.named[name], tmp_path / f"{name}.log")

    def manage(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self, name: str, command: list[str], **env: str) -> None:
        with open(self.tmp / f"{name}.log", "w") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.named[name] = process

    def nginx_start(self) -> int:
        """The nginx site of deploy/ in front of both instances (two upstream servers); its https port, once it
        answers."""
        folder = self.tmp / "nginx"
        folder.mkdir()
        https_port = free_port()
        main = nginx_configuration(
            folder, upstream_port=self.web_ports[0], http_port=free_port(), https_port=https_port
        )
        site = (folder / "site.conf").read_text()
        both = f"server 127.0.0.1:{self.web_ports[0]};\n    server 127.0.0.1:{self.web_ports[1]};"
        (folder / "site.conf").write_text(site.replace(f"server 127.0.0.1:{self.web_ports[0]};", both))
        self.start("nginx", [nginx_binary(), "-p", f"{folder}/", "-c", str(main), "-e", str(folder / "error.log")])
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                return https_port
            except OSError:
                assert time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.2)

    def stop(self, name: str) -> None:
        process = self.named[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def close(self) -> None:
        for name in list(self.named):
            self.stop(name)
        self.database.close()


@pytest.fixture
def stack(tmp_path):
    running = Stack(tmp_path)
    yield running
    running.close()


def test_two_instances_share_sessions_uploads_and_one_beat_behind_nginx(stack, browser, tmp_path):
    a, b = (f"http://127.0.0.1:{port}" for port in stack.web_ports)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)

    # Signed in through A, carries on through B (the session is in Redis and PostgreSQL, not in one process).
    page.goto(f"{a}/accounts/login/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{a}/")
    page.goto(f"{b}/settings/profile/")
    assert page.url == f"{b}/settings/profile/"  # not sent to sign in

    # A photo uploaded through B lands in the bucket; A shows it, loaded from the bucket through a signed link.
    page.get_by_label("Upload a new photo").set_input_files(str(DEMO_MEDIA / "ecg-essentials.jpg"))
    page.locator("form").filter(has=page.get_by_label("Upload a new photo")).get_by_role("button", name="Save").click()
    assert page.get_by_text("Your profile has been saved.").is_visible()
    handle = re.search(r"/u/([^/]+)/", page.content()).group(1)
    bucket_requests: list[str] = []
    page.on("request", lambda request: request.url.startswith(stack.s3) and bucket_requests.append(request.url))
    page.goto(f"{a}/u/{handle}/")
    photo = page.locator(f'img[src^="/u/{handle}/photo.jpg"]').first
    photo.wait_for()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert any("/preceptor-media/avatars/" in url for url in bucket_requests), bucket_requests
    context.close()

    # nginx in front of both (two upstream servers): it serves, and keeps serving when A stops.
    https_port = stack.nginx_start()
    tls = ssl.create_default_context()
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE

    def through_nginx(path: str) -> int:
        request = urllib.request.Request(f"https://127.0.0.1:{https_port}{path}", headers={"Host": "cme.example.org"})
        try:
            with urllib.request.urlopen(request, context=tls, timeout=20) as response:  # noqa: S310 - https
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert all(through_nginx("/courses/") == 200 for _ in range(20))
    stack.stop("web-a")
    assert all(through_nginx("/courses/") == 200 for _ in range(10))  # B alone

    # One beat: the outbox task every 5 s, never twice in the same interval, each run by the worker.
    time.sleep(12)
    stack.stop("beat")
    beat_log = (tmp_path / "beat.log").read_text()
    stamps = re.findall(
        r"\[(\d+-\d+-\d+ \d+:\d+:\d+,\d+): INFO/MainProcess\] Scheduler: Sending due task outbox", beat_log
    )
    sent = [datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f") for stamp in stamps]
    assert len(sent) >= 2, beat_log
    assert all((later - earlier).total_seconds() > 4 for earlier, later in itertools.pairwise(sent)), stamps
    deadline = time.monotonic() + 20
    while (tmp_path / "worker.log").read_text().count("outbox_send") < len(sent):
        assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
