"""The class as an iCalendar file (RFC 5545), with the start in UTC."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from icalendar import Calendar, Event

from preceptor.classes.models import LiveClass
from preceptor.core.http import absolute_url


def class_ics(live_class: LiveClass) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Preceptor//Classes//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    url = absolute_url(live_class.get_absolute_url())
    event.add("uid", f"class-{live_class.meeting_id}@preceptor")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", live_class.starts_at.astimezone(UTC))
    event.add("dtend", live_class.ends_at.astimezone(UTC))
    event.add("summary", live_class.title)
    event.add("description", f"{live_class.description}\n\nJoin from the class page: {url}")
    event.add("url", url)
    event.add("location", url)
    calendar.add_component(event)
    return calendar.to_ical()
