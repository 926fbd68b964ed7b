"""A Celery pool process killed with SIGKILL in the middle of a task (as the out-of-memory killer would): the task
is queued again and its effect happens once. A real worker (prefork pool) on a redis-server of the test's own; the
task is the e-mail send, and the mail server is a small SMTP responder in the test that holds the first
connection without answering, so the task is mid-flight when its process is killed. Run by .ci/run's integration
pass."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives

from preceptor.core.mail import message_to_dict
from preceptor.core.tasks import email_send
from preceptor.core.tests.test_redis_outage import ROOT, redis_broker, redis_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


class StallingSmtpServer:
    """Holds its first connection silent; answers the next ones as a mail server would and keeps each message."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.first_connected = threading.Event()
        self.messages: list[str] = []
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.connections == 1:
                self._held.append(connection)  # never greeted: the sending task waits here
                self.first_connected.set()
                continue
            threading.Thread(target=self._converse, args=(connection,), daemon=True).start()

    def _converse(self, connection: socket.socket) -> None:
        stream = connection.makefile("rwb")

        def say(line: str) -> None:
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        say("220 test ESMTP")
        data: list[str] | None = None
        for raw in stream:
            line = raw.decode(errors="replace").rstrip("\r\n")
            if data is not None:
                if line == ".":
                    self.messages.append("\n".join(data))
                    data = None
                    say("250 OK")
                else:
                    data.append(line)
            elif line.upper().startswith(("EHLO", "HELO")):
                say("250 test")
            elif line.upper().startswith("DATA"):
                data = []
                say("354 go ahead")
            elif line.upper().startswith("QUIT"):
                say("221 bye")
                break
            else:
                say("250 OK")
        connection.close()

    def close(self) -> None:
        self.listener.close()
        for connection in self._held:
            connection.close()


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True, check=False)
    return [int(value) for value in found.stdout.split()]


def test_a_pool_process_killed_mid_task_gets_its_task_run_again_once(redis_broker, tmp_path):  # noqa: F811 -- the fixture imported above
    smtp = StallingSmtpServer()
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_broker.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=120",
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "preceptor.config", "worker", "--pool=prefork"),
                *("--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"),
                *("--hostname", f"kill-{os.getpid()}@%h"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        message = EmailMultiAlternatives("[Preceptor] Receipt", "Preceptor", "a@example.org", ["doc@example.org"])
        email_send.delay(message_to_dict(message))
        assert smtp.first_connected.wait(90), Path(log_path).read_text()
        children = pool_children(worker.pid)
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)  # the pool process, mid-task

        deadline = time.monotonic() + 60
        while not smtp.messages:
            assert time.monotonic() < deadline, "not sent again within a minute:\n" + Path(log_path).read_text()
            time.sleep(0.2)
        time.sleep(3)  # a second copy would arrive now
        assert len(smtp.messages) == 1
        assert "Subject: [Preceptor] Receipt" in smtp.messages[0]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        smtp.close()


RABBITMQ = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def start_worker(env: dict[str, str], log_path: Path, name: str) -> subprocess.Popen:
    with open(log_path, "a") as log:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "preceptor.config", "worker", "--pool=prefork"),
                *("--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle"),
                *("--hostname", f"{name}-{os.getpid()}@%h"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


class StalledReceipt:
    """Workers on ``broker_url`` whose e-mail goes to a ``StallingSmtpServer``: the first receipt sent stalls in
    the worker that took it. A context manager: every worker started with ``start`` is stopped at the end."""

    def __init__(self, broker_url: str, tmp_path: Path) -> None:
        self.smtp = StallingSmtpServer()
        self.env = {
            **os.environ,
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}?timeout=120",
        }
        self.log_path = tmp_path / "worker.log"
        self.workers: list[subprocess.Popen] = []

    def __enter__(self) -> StalledReceipt:
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        self.smtp.close()

    def start(self, name: str) -> subprocess.Popen:
        self.workers.append(start_worker(self.env, self.log_path, name))
        return self.workers[-1]

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_until_stalled(self) -> None:
        assert self.smtp.first_connected.wait(90), self.log()

    def kill(self, worker: subprocess.Popen) -> float:
        """The whole worker, main process and pool, as a lost machine; returns when."""
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        return time.monotonic()

    def assert_sent_once_within_a_minute_of(self, killed_at: float) -> None:
        while not self.smtp.messages:
            assert time.monotonic() - killed_at < 60, "not sent again within a minute:\n" + self.log()
            time.sleep(0.2)
        time.sleep(3)  # a second copy would arrive now
        assert len(self.smtp.messages) == 1


def receipt() -> dict:
    return message_to_dict(
        EmailMultiAlternatives("[Preceptor] Receipt", "Preceptor", "a@example.org", ["doc@example.org"])
    )


def test_a_whole_worker_killed_mid_task_on_rabbitmq_gets_its_task_back_at_once(tmp_path):
    """RabbitMQ hands a dead consumer's unacknowledged messages to the next worker as soon as its connection
    drops: the task runs again within a minute, once."""
    import kombu

    try:
        with kombu.Connection(RABBITMQ, connect_timeout=3) as connection:
            connection.connect()
            connection.default_channel.queue_purge("celery")
    except Exception as error:
        if "NOT_FOUND" not in str(error):
            if os.environ.get("CI"):
                pytest.fail(f"RabbitMQ is not reachable at {RABBITMQ}: {error}")
            pytest.skip(f"RabbitMQ is not reachable at {RABBITMQ}: {error}")
    with StalledReceipt(RABBITMQ, tmp_path) as run:
        first = run.start("doomed")
        from preceptor.config.celery import app

        with app.connection_for_write(RABBITMQ) as connection:
            # send_task goes to the broker even where this test process would run tasks eagerly
            app.send_task(email_send.name, args=[receipt()], connection=connection)
        run.wait_until_stalled()
        killed_at = run.kill(first)
        run.start("heir")
        run.assert_sent_once_within_a_minute_of(killed_at)


def test_a_whole_worker_killed_mid_task_on_redis_gets_its_task_back_when_the_next_worker_starts(
    redis_broker,  # noqa: F811 -- the fixture imported above
    tmp_path,
):
    """Redis keeps a dead worker's unacknowledged task until the visibility timeout (about 11 minutes); a worker
    that starts with no other worker alive queues such tasks again at once (core/worker.py)."""
    with StalledReceipt(redis_broker.url, tmp_path) as run:
        first = run.start("doomed")
        email_send.delay(receipt())
        run.wait_until_stalled()
        killed_at = run.kill(first)
        run.start("heir")
        run.assert_sent_once_within_a_minute_of(killed_at)
        assert "Queued again 1 task(s) left unacknowledged" in run.log()


def test_a_worker_that_starts_beside_a_running_one_leaves_its_tasks_alone(
    redis_broker,  # noqa: F811 -- the fixture imported above
    tmp_path,
):
    with StalledReceipt(redis_broker.url, tmp_path) as run:
        run.start("busy")
        email_send.delay(receipt())
        run.wait_until_stalled()
        second = run.start("beside")
        deadline = time.monotonic() + 60
        while "Other workers are running" not in run.log():
            assert time.monotonic() < deadline and second.poll() is None, run.log()
            time.sleep(0.2)
        time.sleep(3)  # a copy taken from the busy worker would connect now
        assert run.smtp.connections == 1 and run.smtp.messages == []
