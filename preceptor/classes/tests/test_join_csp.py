"""Joining under the CSP: the join form's POST answers with a redirect to the meeting host, and Chromium checks
a form submission's redirects against ``form-action``. So a page that shows a join form admits that one host
in its own ``form-action``, and only then; every other page keeps ``form-action 'self'``."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from preceptor.classes import services
from preceptor.classes.meetings import meeting_origin
from preceptor.classes.models import LiveClass
from preceptor.classes.tests.conftest import make_class

BBB_URL = "https://bbb.example.org/bigbluebutton"
SELF_ONLY = ["'self'"]


def form_action(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["form-action"].split()


def open_window(live_class: LiveClass):
    return time_machine.travel(live_class.starts_at - timedelta(minutes=5))


def test_the_class_page_admits_the_meeting_host_while_the_registered_member_may_join(client, live_class, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with open_window(live_class):
        response = client.get(live_class.get_absolute_url())
    assert "Join the class" in response.content.decode()
    assert form_action(response) == ["'self'", "https://meet.example.org"]


def test_before_the_class_opens_and_after_it_ends_the_class_page_admits_no_other_host(client, live_class, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    before = client.get(live_class.get_absolute_url())
    with time_machine.travel(live_class.ends_at + timedelta(minutes=1)):
        after = client.get(live_class.get_absolute_url())
    assert "Join the class" not in before.content.decode() + after.content.decode()
    assert form_action(before) == SELF_ONLY
    assert form_action(after) == SELF_ONLY


def test_while_the_class_runs_nobody_who_may_not_join_is_given_the_meeting_host(
    client, live_class, pro_member, staff, outsider
):
    live_class.capacity = 1
    live_class.save()
    services.registration_create(user=pro_member, live_class=live_class)
    waitlisted = services.registration_create(user=staff, live_class=live_class)
    assert waitlisted.status == "waitlisted"
    with open_window(live_class):
        anonymous = client.get(live_class.get_absolute_url())
        client.force_login(outsider)
        not_registered = client.get(live_class.get_absolute_url())
        client.force_login(staff)
        on_the_waitlist = client.get(live_class.get_absolute_url())
    for response in (anonymous, not_registered, on_the_waitlist):
        assert response.status_code == 200
        assert form_action(response) == SELF_ONLY
        assert "meet.example.org" not in response["Content-Security-Policy"]


def test_a_cancelled_place_no_longer_admits_the_meeting_host(client, live_class, pro_member):
    registration = services.registration_create(user=pro_member, live_class=live_class)
    services.registration_cancel(registration=registration)
    client.force_login(pro_member)
    with open_window(live_class):
        response = client.get(live_class.get_absolute_url())
    assert form_action(response) == SELF_ONLY


def test_with_bigbluebutton_the_class_page_admits_the_bbb_server_and_not_the_meeting_address(
    client, settings, live_class, pro_member
):
    settings.BBB_URL, settings.BBB_SECRET = BBB_URL, "secret"  # a GET calls no meeting server
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with open_window(live_class):
        response = client.get(live_class.get_absolute_url())
    assert form_action(response) == ["'self'", "https://bbb.example.org"]
    assert "meet.example.org" not in response["Content-Security-Policy"]


def test_the_admitted_host_leaves_every_other_directive_as_it_was(client, live_class, pro_member):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    plain = client.get("/classes/")["Content-Security-Policy"]
    with open_window(live_class):
        joinable = client.get(live_class.get_absolute_url())["Content-Security-Policy"]
    assert "form-action 'self' https://meet.example.org" in joinable
    assert joinable.replace(" https://meet.example.org", "") == plain


def test_the_teach_page_admits_the_meeting_hosts_of_the_teachers_classes_that_have_not_ended(
    client, teacher, tutor, live_class
):
    ended = make_class(tutor, slug="ended", meeting_url="https://old.example.net/room")
    ended.ended_at = ended.starts_at
    ended.save()
    client.force_login(teacher)
    response = client.get("/teach/")
    assert response.content.decode().count("Start / join") == 1
    assert form_action(response) == ["'self'", "https://meet.example.org"]


def test_a_teacher_without_classes_and_other_pages_keep_form_action_self(client, teacher, other_tutor):
    live_class = make_class(other_tutor)  # taught by another teacher
    client.force_login(teacher)
    with open_window(live_class):
        pages = [client.get(path) for path in ("/teach/", "/classes/", "/", "/settings/account/")]
    for response in pages:
        assert response.status_code == 200
        assert form_action(response) == SELF_ONLY


@pytest.mark.parametrize(
    ("address", "origin"),
    [
        ("https://meet.example.org/ecg-clinic?pwd=secret", "https://meet.example.org"),
        ("https://Meet.Example.org:8443/room", "https://meet.example.org:8443"),
        ("https://user:password@meet.example.org/room", "https://meet.example.org"),
        ("http://[2001:db8::1]:8080/room", "http://[2001:db8::1]:8080"),
        ("", None),
        ("javascript:alert(1)", None),
        ("https://meet.example.org:notaport/", None),
        ("https://meet.example.org;script-src/", None),
        ("https://meet example.org/", None),
    ],
)
def test_the_meeting_origin_is_the_scheme_host_and_port_and_nothing_unfit_for_a_csp_source(settings, address, origin):
    settings.BBB_URL = ""
    assert meeting_origin(LiveClass(meeting_url=address)) == origin


def test_the_meeting_origin_is_the_bbb_server_when_it_is_configured(settings):
    settings.BBB_URL, settings.BBB_SECRET = "https://bbb.example.org:444/bigbluebutton/", "secret"
    assert meeting_origin(LiveClass(meeting_url="https://meet.example.org/room")) == "https://bbb.example.org:444"
