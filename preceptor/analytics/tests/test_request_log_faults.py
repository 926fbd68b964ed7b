"""The request log never drops good rows because of a bad one: values are bounded to their columns, a batch the
database refuses is written row by row, and rows wait in the buffer while the database is away. On PostgreSQL
(the CI's second pass) a NUL byte or an overlong value would otherwise fail the whole batch."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from preceptor.analytics import buffer
from preceptor.analytics.models import PageviewEvent, RequestLog

pytestmark = pytest.mark.django_db


def log_row(path: str = "/courses/", **values) -> tuple:
    columns = {
        "created_at": timezone.now(),
        "request_id": "abc",
        "method": "GET",
        "path": path,
        "status": 200,
        "bytes": 1234,
        "duration_ms": 12,
        "referrer_host": "",
        "user_agent": "Mozilla/5.0",
        "browser": "Firefox",
        "browser_version": "128",
        "os": "Linux",
        "device": "desktop",
        "ip": "203.0.113.7",
        "ip_truncated": False,
    }
    columns.update(values)
    return ("log", tuple(columns[name] for name in buffer.LOG_COLUMNS))


def test_a_row_with_impossible_values_is_stored_bounded_to_its_columns_and_the_others_with_it():
    for number in range(5):
        buffer.add(log_row(f"/good/{number}/"))
    buffer.add(
        log_row(
            "/u/a\x00b/" + "x" * 900,
            browser_version="1" * 40,
            user_agent="UA\x00" + "u" * 1000,
            bytes=10**30,
            duration_ms=-5,
            status=99999,
            ip="not-an-address",
            request_id="r" * 80,
        )
    )
    buffer.flush()
    assert RequestLog.objects.filter(path__startswith="/good/").count() == 5
    bad = RequestLog.objects.get(path__startswith="/u/")
    assert "\x00" not in bad.path and len(bad.path) == 500
    assert (len(bad.browser_version), len(bad.user_agent), len(bad.request_id)) == (10, 300, 32)
    assert "\x00" not in bad.user_agent
    assert (bad.bytes, bad.duration_ms, bad.status) == (2147483647, 0, 32767)
    assert bad.ip is None


def test_a_pageview_with_a_nul_byte_and_an_overlong_country_is_bounded_too():
    day = timezone.now().date()
    buffer.add(("view", (day, "v" * 100, "/a\x00b/", "DEU", "Firefox", "Linux", "desktop", "")))
    buffer.add(("view", (day, "visitor", "/fine/", "DE", "Firefox", "Linux", "desktop", "")))
    buffer.flush()
    assert sorted(PageviewEvent.objects.values_list("path", "country", "visitor")) == [
        ("/ab/", "DE", "v" * 64),
        ("/fine/", "DE", "visitor"),
    ]


def test_a_batch_the_database_refuses_is_written_row_by_row_so_only_the_refused_row_is_lost(caplog):
    buffer.add(log_row("/before/"))
    buffer.add(log_row("/refused/", created_at=None))  # NOT NULL: refused by every database
    buffer.add(log_row("/after/"))
    with caplog.at_level(logging.WARNING, logger="preceptor.analytics.buffer"):
        assert buffer.flush() == 2
    assert sorted(RequestLog.objects.values_list("path", flat=True)) == ["/after/", "/before/"]
    assert "row by row" in caplog.text


def test_a_row_of_the_wrong_shape_is_dropped_alone():
    buffer.add(("log", ("too", "short")))
    buffer.add(log_row("/kept/"))
    buffer.flush()
    assert list(RequestLog.objects.values_list("path", flat=True)) == ["/kept/"]


def test_while_the_database_is_away_the_rows_wait_in_the_buffer_and_the_outage_is_logged_once(monkeypatch, caplog):
    real_insert = buffer._insert

    def database_away(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(buffer, "_insert", database_away)
    monkeypatch.setattr(buffer.database, "retry_seconds", 0)
    buffer.add(log_row("/first/"))
    buffer.add(log_row("/second/"))
    with caplog.at_level(logging.ERROR, logger="preceptor.outage"):
        for _ in range(5):
            assert buffer.flush() == 0
    assert len(buffer._rows) == 2
    assert len([r for r in caplog.records if r.name == "preceptor.outage"]) == 1

    monkeypatch.setattr(buffer, "_insert", real_insert)
    assert buffer.flush() == 2
    assert list(RequestLog.objects.order_by("id").values_list("path", flat=True)) == ["/first/", "/second/"]
    assert not buffer.database.is_down


def test_a_request_with_a_nul_byte_in_its_headers_is_logged_with_the_others(client):
    client.get("/", HTTP_USER_AGENT="Mozilla\x00/5.0 " + "x" * 2000, HTTP_REFERER="https://a\x00b.example/")
    client.get("/support/")
    buffer.flush()
    assert RequestLog.objects.count() == 2
    assert all("\x00" not in ua for ua in RequestLog.objects.values_list("user_agent", flat=True))


def test_old_rows_are_not_affected_by_bounding(client):
    """Bounding leaves a value that fits untouched."""
    created = timezone.now() - timedelta(minutes=1)
    buffer.add(log_row("/exact/", created_at=created, bytes=7, ip="2001:db8::1"))
    buffer.flush()
    row = RequestLog.objects.get()
    assert (row.path, row.bytes, row.ip, row.created_at) == ("/exact/", 7, "2001:db8::1", created)


@pytest.mark.parametrize(
    "user_agent, stored",
    [
        ("Mozilla/5.0", "Mozilla/5.0"),
        ("Müller-Browser/1.0 ☕", "Müller-Browser/1.0 ☕"),  # non-ASCII text is kept as it is
        ("bad \udcff byte", "bad ? byte"),  # a lone surrogate (a header decoded byte by byte) cannot be UTF-8
        ("é" * 400, "é" * 300),  # cut to the column by characters, not bytes
        (12345, "12345"),  # not a text: stored as one
    ],
)
def test_text_values_are_stored_as_sent_when_they_can_be_and_bounded_when_not(user_agent, stored):
    buffer.add(log_row(user_agent=user_agent))
    assert buffer.flush() == 1
    assert RequestLog.objects.get().user_agent == stored


@pytest.mark.parametrize(
    "ip, stored", [("203.0.113.7", "203.0.113.7"), ("2001:DB8:0:0::1", "2001:db8::1"), ("not-an-address", None)]
)
def test_an_address_is_stored_normalised_or_not_at_all(ip, stored):
    buffer.add(log_row(ip=ip))
    buffer.add(log_row(ip=ip))  # the second time from the parsed addresses kept in memory
    assert buffer.flush() == 2
    assert list(RequestLog.objects.values_list("ip", flat=True)) == [stored, stored]


def test_a_flush_of_more_rows_than_one_statement_takes_writes_every_row_with_its_own_values():
    """Rows go many to a statement (decision 0040); a batch longer than a statement is cut, nothing is lost or
    shifted between columns."""
    paths = [f"/page/{number}/" for number in range(1234)]
    for number, path in enumerate(paths):
        buffer.add(log_row(path, status=200 + number % 300, bytes=number))
    day = timezone.localdate()
    for number in range(1100):
        buffer.add(("view", (day, f"visitor-{number}", f"/seen/{number}/", "DE", "Firefox", "Linux", "desktop", "")))
    assert buffer.flush() == 2334
    rows = dict(RequestLog.objects.values_list("path", "bytes"))
    assert rows == {path: number for number, path in enumerate(paths)}
    assert set(RequestLog.objects.values_list("status", flat=True)) == {200 + n for n in range(300)}
    assert PageviewEvent.objects.filter(visitor="visitor-1099", path="/seen/1099/").exists()
    assert PageviewEvent.objects.count() == 1100


def test_a_batch_is_bounded_a_column_at_a_time_exactly_as_row_by_row():
    """Rows whose every value fits are taken a column at a time (decision 0040); the result must be what bounding
    each row gives, for batches that fit and for batches with one value that does not."""
    cleaners = buffer._cleaners(RequestLog, buffer.LOG_COLUMNS)
    fitting = [log_row(f"/p/{n}/", ip=ip)[1] for n, ip in enumerate(["203.0.113.7", "2001:DB8::1", None, "x", ""])]
    variants = [
        {"request_id": "a\x00b"},
        {"user_agent": "é" * 400},
        {"user_agent": "bad \udcff byte"},
        {"user_agent": None},
        {"bytes": 10**30},
        {"status": True},
        {"duration_ms": "12"},
        {"referrer_host": 5},
        {"ip": ["unhashable"]},
    ]
    batches = [fitting] + [[*fitting, log_row("/odd/", **variant)[1]] for variant in variants]
    for batch in batches:
        one_by_one = [row for row in (buffer.sanitise(cleaners, row) for row in batch) if row is not None]
        assert buffer.bounded(cleaners, batch) == one_by_one
    assert buffer.bounded(cleaners, fitting)[1][13] == "2001:db8::1"  # an address is normalised in both ways
    assert buffer.bounded(cleaners, [*fitting, ("too", "short")]) == buffer.bounded(cleaners, fitting)
