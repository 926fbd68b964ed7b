"""The class's .ics calendar file parses and carries the start in UTC."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from preceptor.classes.tests.conftest import make_class


def test_the_ics_file_parses_and_carries_the_utc_start(client, tutor):
    from datetime import UTC, datetime

    live_class = make_class(tutor, starts_at=datetime(2030, 3, 30, 23, 30, tzinfo=UTC))
    response = client.get(f"/classes/{live_class.slug}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == datetime(2030, 3, 30, 23, 30, tzinfo=UTC) and start.utcoffset() == timedelta(0)
    assert event.decoded("dtend") == datetime(2030, 3, 31, 0, 30, tzinfo=UTC)
    assert str(event["summary"]) == "ECG clinic"
    assert b"DTSTART:20300330T233000Z" in response.content
