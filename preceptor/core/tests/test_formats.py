"""Dates with the weekday in the reader's language and time zone (``weekday_datetime``)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone, translation

MOMENT = datetime(2030, 1, 15, 18, 0, tzinfo=UTC)


def render(text: str, language: str, zone: str = "UTC") -> str:
    with translation.override(language), timezone.override(zone):
        return Template("{% load preceptor %}" + text).render(Context({"when": MOMENT}))


def test_a_moment_reads_with_its_weekday_in_the_current_time_zone():
    assert render("{{ when|weekday_datetime }}", "en", "America/New_York") == "Tuesday 15 January 2030, 13:00"
    assert render('{{ when|weekday_datetime:"short" }}', "en") == "Tue 15 Jan 2030, 18:00"


def test_the_weekday_and_month_are_in_german_for_a_german_reader():
    german = render("{{ when|weekday_datetime }}", "de", "Europe/Berlin")
    assert "Dienstag" in german and "Januar" in german and "19:00" in german


def test_nothing_is_shown_for_no_moment():
    assert Template("{% load preceptor %}{{ none|weekday_datetime }}").render(Context({"none": None})) == ""
