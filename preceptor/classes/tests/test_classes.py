"""Classes and teachers: access, waitlist, BigBlueButton, calendar file, reminders, attendance, rosters."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from preceptor.classes import bbb, services
from preceptor.classes.models import Attendance, Registration
from preceptor.classes.tests.conftest import BBB_SECRET, make_class
from preceptor.privacy.models import Disclosure

JOIN_VECTOR = "3ab5cbcd578fbd48cf4bc63edb4c5d2606ec5604"
END_VECTOR = "7a03331b86c67449d0cf3fa87eaec26671ed326e"

# --- BigBlueButton ---------------------------------------------------------------------------------------


def test_bbb_checksum_matches_the_documented_vector():
    # From the BigBlueButton API documentation ("API Security Model").
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    assert bbb.checksum("create", query, BBB_SECRET) == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"


def test_bbb_checksum_vectors_for_join_and_end():
    # sha1(call + query + secret), computed independently with coreutils:
    # printf 'joinfullName=Jo&meetingID=m1s3cret' | sha1sum
    assert bbb.checksum("join", "fullName=Jo&meetingID=m1", "s3cret") == JOIN_VECTOR
    assert bbb.checksum("end", "meetingID=m1", "s3cret") == END_VECTOR


def test_the_fake_server_refuses_a_wrong_checksum(fake_bbb):
    good = bbb.signed_url("create", {"meetingID": "x", "name": "X"})
    assert "SUCCESS" in httpx.get(good).text
    assert "checksumError" in httpx.get(good[:-1] + ("0" if good[-1] != "0" else "1")).text


def test_joining_through_bbb_creates_the_meeting_and_the_url_carries_the_name_not_the_email(
    client, fake_bbb, live_class, pro_member
):
    services.signup(user=pro_member, live_class=live_class)
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
    registration = services.signup(user=pro_member, live_class=live_class)
    start = live_class.starts_at
    services.join(registration=registration, now=start)
    services.leave(registration=registration, now=start + timedelta(minutes=20))
    services.join(registration=registration, now=start + timedelta(minutes=25))
    client.force_login(teacher)
    with time_machine.travel(start + timedelta(minutes=55)):
        assert client.post(f"/teach/classes/{live_class.slug}/end/").status_code == 302
    assert ("end", {"meetingID": live_class.meeting_id}) in fake_bbb.calls
    registration.refresh_from_db()
    assert registration.minutes_attended == 20 + 30
    client.force_login(pro_member)
    assert "You attended 50 minutes." in client.get(live_class.get_absolute_url()).content.decode()


def test_without_bbb_the_plain_meeting_url_is_used_and_leaving_is_recorded(client, live_class, pro_member):
    services.signup(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with time_machine.travel(live_class.starts_at + timedelta(minutes=1)):
        response = client.post(f"/classes/{live_class.slug}/join/")
        assert response["Location"] == "https://meet.example.org/ecg-clinic"
    with time_machine.travel(live_class.starts_at + timedelta(minutes=31)):
        client.get(f"/classes/{live_class.slug}/left/")
    assert Attendance.objects.get().minutes == 30


def test_joining_is_refused_before_the_class_opens_and_for_non_registrants(client, live_class, pro_member, learner):
    client.force_login(pro_member)
    assert client.post(f"/classes/{live_class.slug}/join/").status_code == 404  # not signed up
    services.signup(user=pro_member, live_class=live_class)
    response = client.post(f"/classes/{live_class.slug}/join/", follow=True)
    assert "opens 15 minutes before" in response.content.decode()
    assert not Attendance.objects.exists()


# --- sign-up, waitlist, purchase -------------------------------------------------------------------------


def test_signup_needs_pro_or_a_purchase(client, live_class, learner):
    client.force_login(learner)
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "Buy this class" in page and "€19.00" in page
    client.post(f"/classes/{live_class.slug}/signup/")
    assert not Registration.objects.exists()


def test_a_trial_member_buys_a_class_with_the_demo_provider_and_can_then_sign_up(client, settings, live_class, learner):
    settings.DEBUG = True  # the demo provider exists only on demo servers
    client.force_login(learner)
    response = client.post(f"/classes/{live_class.slug}/buy/", {"provider": "demo"})
    assert response.status_code == 302 and "/billing/demo/order/" in response["Location"]
    pay = client.post(response["Location"])
    back = client.get(pay["Location"])
    assert back["Location"] == live_class.get_absolute_url()
    assert services.may_attend(learner, live_class)
    client.post(f"/classes/{live_class.slug}/signup/")
    assert Registration.objects.get(user=learner).status == "registered"


def test_a_full_class_waitlists_and_a_cancellation_promotes_the_first_in_line(
    live_class, pro_member, staff, outsider, django_capture_on_commit_callbacks
):
    from preceptor.accounts.services import complimentary_pro_grant

    complimentary_pro_grant(user=outsider, until=timezone.now() + timedelta(days=30), actor=None)
    first = services.signup(user=pro_member, live_class=live_class)
    services.signup(user=staff, live_class=live_class)
    waiting = services.signup(user=outsider, live_class=live_class)
    assert (first.status, waiting.status) == ("registered", "waitlisted")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(registration=first)
    assert promoted == waiting
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert [m.subject for m in mail.outbox] == ["A seat is yours: ECG clinic"] and mail.outbox[0].to == [outsider.email]


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


def test_reminders_go_24_hours_and_1_hour_before_once_each_and_respect_preferences(
    live_class, pro_member, staff, django_capture_on_commit_callbacks
):
    from preceptor.mail.services import preferences_for

    services.signup(user=pro_member, live_class=live_class)
    services.signup(user=staff, live_class=live_class)
    preference = preferences_for(staff)
    preference.class_reminders = False
    preference.save()
    mail.outbox.clear()
    start = live_class.starts_at
    assert services.reminders_send(now=start - timedelta(hours=30)) == {"24h": 0, "1h": 0}
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=start - timedelta(hours=23))
        services.reminders_send(now=start - timedelta(hours=22))
    assert [m.subject for m in mail.outbox] == ["Tomorrow: ECG clinic"]
    assert mail.outbox[0].to == ["pro@example.org"] and "List-Unsubscribe" in mail.outbox[0].extra_headers
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(now=start - timedelta(minutes=50))
        services.reminders_send(now=start - timedelta(minutes=40))
    assert [m.subject for m in mail.outbox] == ["Tomorrow: ECG clinic", "In one hour: ECG clinic"]


# --- teachers, terms and rosters -------------------------------------------------------------------------


def test_no_roster_before_the_terms_are_accepted(client, live_class, teacher, terms, pro_member):
    services.signup(user=pro_member, live_class=live_class)
    client.force_login(teacher)
    response = client.get(f"/teach/classes/{live_class.slug}/")
    assert response.status_code == 302 and response["Location"] == "/teach/terms/"
    assert client.get(f"/teach/classes/{live_class.slug}/?format=csv").status_code == 302
    assert not Disclosure.objects.exists()
    client.post("/teach/terms/", {"accept": "on"})
    html = client.get(f"/teach/classes/{live_class.slug}/").content.decode()
    assert "Dr. Paul Pro" in html and "pro@example.org" in html
    terms.pk = None
    terms.version, terms.published_at = "2026-2", timezone.now()
    terms.save()  # a new version must be accepted again
    assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 302


def test_roster_shows_only_registered_members_name_and_email_and_discloses_each(
    client, live_class, teacher, terms, pro_member, staff, outsider, learner
):
    from preceptor.accounts.services import complimentary_pro_grant

    complimentary_pro_grant(user=outsider, until=timezone.now() + timedelta(days=30), actor=None)
    services.signup(user=pro_member, live_class=live_class)
    services.signup(user=staff, live_class=live_class)
    services.signup(user=outsider, live_class=live_class)  # waitlisted: not on the roster
    pro_member.phone = "+43 1 234"
    pro_member.save()
    services.terms_accept(user=teacher, terms=terms)
    client.force_login(teacher)
    html = client.get(f"/teach/classes/{live_class.slug}/").content.decode()
    assert "Dr. Paul Pro" in html and "Sam Staff" in html
    assert "Otto Outsider" not in html and "Lena Learner" not in html and "+43 1 234" not in html
    csv_text = client.get(f"/teach/classes/{live_class.slug}/?format=csv").content.decode()
    assert csv_text.splitlines()[0] == "name,email,minutes attended" and len(csv_text.strip().splitlines()) == 3
    disclosures = Disclosure.objects.filter(user=pro_member)
    assert disclosures.count() == 2 and {d.channel for d in disclosures} == {"Roster page", "Roster CSV export"}
    assert all(
        "Prof. Tina Teacher" in d.recipient and d.data_categories == "Name and e-mail address" for d in disclosures
    )
    assert not Disclosure.objects.filter(user=outsider).exists()
    client.force_login(pro_member)
    assert "Prof. Tina Teacher" in client.get("/settings/data/").content.decode()


def test_a_teacher_cannot_see_another_teachers_roster_or_class(client, live_class, other_tutor, terms, pro_member):
    services.signup(user=pro_member, live_class=live_class)
    services.terms_accept(user=other_tutor.user, terms=terms)
    client.force_login(other_tutor.user)
    assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 404
    assert client.get(f"/teach/classes/{live_class.slug}/?format=csv").status_code == 404
    assert client.post(f"/teach/classes/{live_class.slug}/end/").status_code == 404
    assert "ECG clinic" not in client.get("/teach/").content.decode()
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("who", ["pro_member", "anonymous"])
def test_members_and_visitors_have_no_teacher_dashboard(client, request, live_class, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
        assert client.get("/teach/").status_code == 404
        assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 404
    else:
        assert client.get("/teach/").status_code == 302


def test_the_public_teacher_page_lists_their_classes(client, live_class, tutor):
    html = client.get("/teachers/tina-teacher/").content.decode()
    assert "Prof. Tina Teacher" in html and "ECG clinic" in html and "not employees" in html
    assert client.get("/teachers/nobody/").status_code == 404


def test_unpublished_classes_are_not_shown(client, tutor):
    hidden = make_class(tutor, slug="draft", is_published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert "draft" not in client.get("/classes/").content.decode()


# --- recordings ------------------------------------------------------------------------------------------


def test_a_recording_is_its_own_course_open_to_registrants_and_pro_only(
    client, live_class, pro_member, learner, outsider, settings
):
    from django.core.files import File

    from preceptor.catalog.models import Course
    from preceptor.conftest import DEMO_MEDIA

    settings.DEBUG = True
    services.signup(user=pro_member, live_class=live_class)
    from preceptor.billing.models import Order

    Order.objects.create(
        user=learner, item=live_class.item, description="x", amount=1900, currency="EUR", status="paid"
    )
    services.signup(user=learner, live_class=live_class)
    with (
        (DEMO_MEDIA / "ecg-essentials.webm").open("rb") as video,
        (DEMO_MEDIA / "ecg-essentials.vtt").open("rb") as vtt,
    ):
        course = services.recording_publish(
            live_class=live_class,
            video=File(video, name="r.webm"),
            captions=File(vtt, name="r.vtt"),
            duration_seconds=17,
        )
    assert course.kind == Course.Kind.RECORDING
    lesson = course.lessons.get()
    assert "Recording" not in client.get("/courses/").content.decode()
    assert live_class.title in client.get("/classes/").content.decode()
    for user, allowed in ((learner, True), (pro_member, True), (outsider, False)):
        client.force_login(user)
        html = client.get(lesson.get_absolute_url()).content.decode()
        assert ('id="lesson-video"' in html) is allowed, user
    client.force_login(learner)
    client.post(
        f"/courses/{course.slug}/lessons/{lesson.slug}/progress/", {"position": "10", "watched": "5", "duration": "17"}
    )


# --- CME for live classes --------------------------------------------------------------------------------


def test_req10_live_class_credit_follows_recorded_attendance_rounded_to_quarters(client, live_class, pro_member):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from preceptor.cme.models import Activity, Provider
    from preceptor.cme.services import ClaimRefused, claim_credit, evaluation_defaults, evaluation_submit
    from preceptor.profiles.models import Profession

    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    today = timezone.localdate()
    activity = Activity.objects.create(
        live_class=live_class,
        format=Activity.Format.LIVE,
        delivery=Activity.Delivery.LIVE_STREAMED,
        location="Online (live-streamed)",
        live_starts_on=live_class.starts_at.date(),
        release_date=today,
        expiration_date=today + timedelta(days=365),
        accredited_provider=provider,
        accme_activity_id="202609999",
        ama_max_credits=Decimal("1"),
        learning_objectives="Read tachycardias",
        outcome_measures=["knowledge"],
    )
    activity.disclosures.create(
        full_name="Prof. Tina Teacher", user=live_class.teachers.get().user, status="none", disclosed_on=today
    )
    evaluation_defaults(activity)
    activity.is_published = True
    activity.full_clean()
    activity.save()
    pro_member.profile.profession = Profession.PHYSICIAN_MD_DO
    pro_member.profile.save()
    registration = services.signup(user=pro_member, live_class=live_class)
    evaluation_submit(user=pro_member, activity=activity, answers={})
    with pytest.raises(ClaimRefused) as refused:
        claim_credit(user=pro_member, activity=activity, credits=Decimal("0.25"))
    assert "no attendance record" in refused.value.messages[0]
    start = live_class.starts_at
    services.join(registration=registration, now=start)
    services.leave(registration=registration, now=start + timedelta(minutes=37, seconds=30))  # 38 min → 0.75
    with pytest.raises(ValidationError) as error:
        claim_credit(user=pro_member, activity=activity, credits=Decimal("1"))
    assert "at most 0.75" in str(error.value)
    [claim] = claim_credit(user=pro_member, activity=activity, credits=Decimal("0.75"))
    assert claim.claimed_credits == Decimal("0.75") and claim.credit_type == "ama"
    client.force_login(pro_member)
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "Accredited CME" in page and "joint providership of CME Consultants and Preceptor" in page
    claim_page = client.get(activity.get_absolute_url()).content.decode()
    assert "38 minutes attended." in claim_page and "Post-test" not in claim_page


def test_a_new_teacher_gets_a_page_and_an_empty_dashboard(client, teacher):
    client.force_login(teacher)
    html = client.get("/teach/").content.decode()
    assert "No class yet" in html and "teacher terms are not published yet" in html
    assert client.get(f"/teachers/{teacher.profile.handle}/").status_code == 200


@pytest.mark.parametrize("action", ["signup", "cancel", "buy", "join"])
def test_anonymous_visitors_are_sent_to_sign_in_for_every_class_action(client, live_class, action):
    response = client.post(f"/classes/{live_class.slug}/{action}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Registration.objects.exists()


def test_a_member_cannot_cancel_or_leave_someone_elses_place(client, live_class, pro_member, staff):
    services.signup(user=pro_member, live_class=live_class)
    client.force_login(staff)
    assert client.post(f"/classes/{live_class.slug}/cancel/").status_code == 404
    assert Registration.objects.get(user=pro_member).status == "registered"
    client.get(f"/classes/{live_class.slug}/left/")
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who, status", [("staff", 200), ("teacher", 302), ("pro_member", 302), ("anonymous", 302)])
def test_only_staff_open_the_recording_upload(client, request, live_class, who, status):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(f"/staff/classes/{live_class.slug}/recording/")
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]


def test_staff_publish_a_recording_and_bad_captions_are_explained(client, live_class, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from preceptor.conftest import DEMO_MEDIA

    client.force_login(staff)
    url = f"/staff/classes/{live_class.slug}/recording/"
    video = (DEMO_MEDIA / "ecg-essentials.webm").read_bytes()
    bad = client.post(
        url,
        {
            "video": SimpleUploadedFile("r.webm", video),
            "captions": SimpleUploadedFile("r.vtt", b"not captions"),
            "duration": "17",
        },
    )
    assert bad.status_code == 200 and "not a WebVTT file" in bad.content.decode()
    live_class.refresh_from_db()
    assert live_class.recording is None
    good = client.post(
        url,
        {
            "video": SimpleUploadedFile("r.webm", video),
            "captions": SimpleUploadedFile("r.vtt", (DEMO_MEDIA / "ecg-essentials.vtt").read_bytes()),
            "duration": "17",
            "transcript": "Twelve leads.",
        },
    )
    live_class.refresh_from_db()
    assert good.status_code == 302 and good["Location"] == live_class.recording.get_absolute_url()
    assert live_class.recording.lessons.get().video_duration == 17
