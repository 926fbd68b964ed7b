"""When the request log is written: by the requests themselves once a batch is due (after each response has been
handed to the server), by the background thread only for a worker no request comes to, and never by dropping rows
when a worker serves more than the buffer holds between two writes (analytics/buffer.py, decision 0010)."""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from datetime import date

import pytest
from django.test import override_settings

from preceptor.analytics import buffer
from preceptor.analytics.models import RequestLog
from preceptor.analytics.tests.test_request_log_faults import log_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def written_by_requests(monkeypatch):
    """The production setting, without starting the background thread in the test process."""
    monkeypatch.setattr(buffer, "_ensure_thread", lambda: None)
    with override_settings(REQUEST_LOG_ENABLED=True, REQUEST_LOG_BACKGROUND=True):
        yield


def test_requests_write_the_batch_once_it_is_due_and_not_before(client, written_by_requests, monkeypatch):
    monkeypatch.setattr(buffer, "_last_flush", time.monotonic())
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
        assert client.get("/courses/").status_code == 200
    assert not RequestLog.objects.exists()  # not due: neither FLUSH_SECONDS nor FLUSH_ROWS
    assert len(buffer._rows) >= 6

    monkeypatch.setattr(buffer, "_last_flush", time.monotonic() - buffer.FLUSH_SECONDS)
    client.get("/courses/")  # its response closed: the batch is due, this request's row with it
    assert RequestLog.objects.filter(path="/courses/").count() == 4
    assert not buffer._rows


def test_a_burst_larger_than_the_buffer_loses_no_row(written_by_requests, monkeypatch):
    # The old writer, a thread every two seconds, silently lost the oldest rows once a worker served more than
    # BUFFER_MAX rows between two writes: 13% of them at 2,800 requests/s (measured under gunicorn).
    monkeypatch.setattr(buffer, "_last_flush", time.monotonic())
    total = buffer.BUFFER_MAX + 1500
    for number in range(total):
        buffer.add(log_row(f"/burst/{number}/"))
        buffer.flush_if_due()  # the request_finished receiver (the signal itself would close the test's connection)
    buffer.flush()
    assert RequestLog.objects.filter(path__startswith="/burst/").count() == total


def test_without_background_writing_requests_leave_the_buffer_to_whoever_flushes(monkeypatch):
    with override_settings(REQUEST_LOG_BACKGROUND=False):  # as in the tests: they flush the buffer themselves
        monkeypatch.setattr(buffer, "_last_flush", time.monotonic() - 60)
        buffer.add(log_row("/left/"))
        buffer.flush_if_due()
    assert not RequestLog.objects.exists()
    assert buffer.flush() == 1


def test_the_thread_writes_only_for_a_worker_requests_have_stopped_coming_to(monkeypatch):
    # The thread first drops its connection if it is too old; here that would close the test's own.
    monkeypatch.setattr(buffer, "close_old_connections", lambda: None)
    buffer.add(log_row("/idle/"))
    monkeypatch.setattr(buffer, "_last_flush", time.monotonic() - buffer.FLUSH_SECONDS)
    assert buffer.flush_if_idle() == 0  # requests are still writing: the thread leaves the batch to them
    monkeypatch.setattr(buffer, "_last_flush", time.monotonic() - 2 * buffer.FLUSH_SECONDS)
    assert buffer.flush_if_idle() == 1
    assert RequestLog.objects.filter(path="/idle/").exists()


def test_a_request_does_not_wait_for_another_threads_write(monkeypatch):
    buffer.add(log_row("/waiting/"))
    with buffer._lock:  # another thread is writing
        assert buffer.flush(wait=False) == 0
    assert buffer.flush(wait=False) == 1


def test_while_the_database_is_away_requests_try_again_only_every_retry_interval(written_by_requests, monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(buffer, "_last_flush", time.monotonic() - 60)
    buffer.add(log_row("/during/"))
    buffer.database.failed(OperationalError("connection refused"))
    try:
        buffer.flush_if_due()  # due by time, but the last try failed less than retry_seconds ago
        assert len(buffer._rows) == 1 and not RequestLog.objects.exists()
        monkeypatch.setattr(buffer.database, "_retry_at", time.monotonic() - 1)
        buffer.flush_if_due()
        assert RequestLog.objects.filter(path="/during/").exists()
        assert not buffer.database.is_down
    finally:
        buffer.database.succeeded()


def test_a_forked_worker_starts_its_own_flush_thread_with_its_first_row(monkeypatch):
    """gunicorn forks its workers: a thread of the parent's does not run in the child, so the child's first row must
    start the child's own."""
    release = threading.Event()
    monkeypatch.setattr(buffer, "_run", release.wait)  # a thread that only waits: no writes from the test process
    monkeypatch.setattr(buffer, "_rows", deque(maxlen=buffer.BUFFER_MAX))
    monkeypatch.setattr(buffer, "_thread", None)
    monkeypatch.setattr(buffer, "_thread_pid", 0)
    with override_settings(REQUEST_LOG_BACKGROUND=True):
        buffer.add(("bot", date(2026, 12, 2)))
        parents = buffer._thread
        assert parents is not None and parents.is_alive()
        buffer.add(("bot", date(2026, 12, 2)))
        assert buffer._thread is parents  # checked once, not per row

        pid = os.fork()
        if pid == 0:  # the child: report through the exit status only
            fresh = buffer._thread is parents and not parents.is_alive()  # the parent's, not running here
            buffer.add(("bot", date(2026, 12, 2)))
            own = buffer._thread
            os._exit(0 if fresh and own is not None and own is not parents and own.is_alive() else 1)
        _, status = os.waitpid(pid, 0)
        release.set()
        parents.join(5)
    assert os.waitstatus_to_exitcode(status) == 0
