"""Joining and leaving a class: the join window, the BigBlueButton meeting or plain URL, the minutes attended."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import time_machine

from preceptor.classes import services
from preceptor.classes.models import Attendance


def test_joining_through_bbb_creates_the_meeting_and_the_url_carries_the_name_not_the_email(
    client, fake_bbb, live_class, pro_member
):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with time_machine.travel(live_class.starts_at - timedelta(minutes=5)):
        response = client.post(f"/classes/{live_class.slug}/join/")
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(fake_bbb.url + "/api/join?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["fullName"] == "Dr. Paul Pro" and params["role"] == "VIEWER"
    assert params["userID"] == str(pro_member.pk) and params["meetingID"] == live_class.meeting_id
    assert "pro@example.org" not in url and "%40" not in url
    assert "You joined as Dr. Paul Pro (viewer)" in httpx.get(url).text  # the server accepted its checksum
    assert [c for c, _ in fake_bbb.calls][:1] == ["create"] and live_class.meeting_id in fake_bbb.meetings
    assert Attendance.objects.get().left_at is None


def test_ending_the_class_ends_the_meeting_and_closes_attendance(
    client, fake_bbb, live_class, pro_member, teacher, tutor
):
    registration = services.registration_create(user=pro_member, live_class=live_class)
    start = live_class.starts_at
    services.attendance_join(registration=registration, now=start)
    services.attendance_leave(registration=registration, now=start + timedelta(minutes=20))
    services.attendance_join(registration=registration, now=start + timedelta(minutes=25))
    client.force_login(teacher)
    with time_machine.travel(start + timedelta(minutes=55)):
        assert client.post(f"/teach/classes/{live_class.slug}/end/").status_code == 302
    assert ("end", {"meetingID": live_class.meeting_id}) in fake_bbb.calls
    registration.refresh_from_db()
    assert registration.minutes_attended == 20 + 30
    client.force_login(pro_member)
    assert "You attended 50 minutes." in client.get(live_class.get_absolute_url()).content.decode()


def test_without_bbb_the_plain_meeting_url_is_used_and_leaving_is_recorded(client, live_class, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with time_machine.travel(live_class.starts_at + timedelta(minutes=1)):
        response = client.post(f"/classes/{live_class.slug}/join/")
        assert response["Location"] == "https://meet.example.org/ecg-clinic"
    with time_machine.travel(live_class.starts_at + timedelta(minutes=31)):
        client.post(f"/classes/{live_class.slug}/left/")  # sent by the page the meeting leads to
    assert Attendance.objects.get().minutes == 30


def test_the_page_the_meeting_sends_members_to_records_leaving_only_when_it_posts_back(client, live_class, pro_member):
    registration = services.registration_create(user=pro_member, live_class=live_class)
    services.attendance_join(registration=registration, now=live_class.starts_at)
    client.force_login(pro_member)
    page = client.get(f"/classes/{live_class.slug}/left/").content.decode()
    assert "data-submit-on-load" in page and "js/class-left.js" in page
    assert Attendance.objects.get().left_at is None
    assert client.post(f"/classes/{live_class.slug}/left/").url == live_class.get_absolute_url()
    assert Attendance.objects.get().left_at is not None


def test_joining_is_refused_before_the_class_opens_and_for_non_registrants(client, live_class, pro_member, learner):
    client.force_login(pro_member)
    assert client.post(f"/classes/{live_class.slug}/join/").status_code == 404  # not signed up
    services.registration_create(user=pro_member, live_class=live_class)
    response = client.post(f"/classes/{live_class.slug}/join/", follow=True)
    assert "opens 15 minutes before" in response.content.decode()
    assert not Attendance.objects.exists()
