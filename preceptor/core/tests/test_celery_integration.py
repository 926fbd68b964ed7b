"""A real Celery worker on the Redis broker named by CELERY_BROKER_URL (run by .ci/run and
`make test-integration`; deselected from the default run because it needs Redis)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from preceptor.config.celery import app
from preceptor.core.mail import message_to_dict
from preceptor.core.tasks import email_send

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def worker(tmp_path):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.fail("CELERY_BROKER_URL must point at a Redis broker, e.g. redis://127.0.0.1:6379/15")
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    app.connection_for_write().default_channel.client.flushdb()  # no leftovers from an earlier run
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "EMAIL_URL": f"file://{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "preceptor.config.settings",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "preceptor.config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"ci-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1.0):
            assert process.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "worker did not answer a ping within 60 s"
        yield mail_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_a_real_worker_sends_the_queued_email(worker):
    message = EmailMultiAlternatives(
        "Verify your address", "Click the link", "no-reply@example.org", ["doc@example.org"]
    )
    email_send.delay(message_to_dict(message))

    def delivered() -> str:
        files = list(worker.iterdir()) if worker.exists() else []
        return files[0].read_text() if files else ""

    deadline = time.monotonic() + 30
    while "-" * 79 not in delivered():  # the file backend closes each message with a rule of dashes
        assert time.monotonic() < deadline, "the worker did not deliver the e-mail within 30 s"
        time.sleep(0.2)
    sent = delivered()
    assert "Subject: Verify your address" in sent
    assert "To: doc@example.org" in sent
