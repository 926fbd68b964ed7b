"""Class pages: times shown in the member's time zone, and unpublished classes hidden."""

from __future__ import annotations

from preceptor.classes.tests.conftest import make_class


def test_the_class_page_shows_times_in_the_members_time_zone(client, tutor, pro_member):
    from datetime import UTC, datetime

    live_class = make_class(tutor, starts_at=datetime(2030, 1, 15, 18, 0, tzinfo=UTC))
    pro_member.time_zone = "America/New_York"
    pro_member.save()
    client.force_login(pro_member)
    html = client.get(live_class.get_absolute_url()).content.decode()
    assert "Tuesday 15 January 2030, 13:00" in html and "America/New_York" in html
    client.logout()
    assert "Tuesday 15 January 2030, 18:00" in client.get(live_class.get_absolute_url()).content.decode()


def test_unpublished_classes_are_not_shown(client, tutor):
    hidden = make_class(tutor, slug="draft", is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "draft" not in client.get("/classes/").content.decode()
