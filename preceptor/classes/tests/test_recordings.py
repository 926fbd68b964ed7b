"""Recordings: a course of their own for registrants and Pro; only staff upload one, and bad captions are explained."""

from __future__ import annotations

import pytest

from preceptor.classes import services


def test_a_recording_is_its_own_course_open_to_registrants_and_pro_only(
    client, live_class, pro_member, learner, outsider, settings
):
    from django.core.files import File

    from preceptor.catalog.models import Course
    from preceptor.conftest import DEMO_MEDIA

    settings.DEBUG = True
    services.registration_create(user=pro_member, live_class=live_class)
    from preceptor.billing.models import Order

    Order.objects.create(
        user=learner, item=live_class.item, description="x", amount=1900, currency="EUR", status="paid"
    )
    services.registration_create(user=learner, live_class=live_class)
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


@pytest.mark.parametrize(
    "who, status",
    [
        ("staff", 200),
        ("Content editor", 200),
        ("CME office", 403),
        ("staff_without_permissions", 403),
        ("teacher", 403),
        ("pro_member", 403),
        ("anonymous", 302),
    ],
)
def test_only_staff_who_may_publish_recordings_open_the_recording_upload(
    client, request, staff_in, live_class, who, status
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who) if who.islower() else staff_in(who))
    response = client.get(f"/staff/classes/{live_class.slug}/recording/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


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
            "transcript": "Twelve leads.",
        },
    )
    live_class.refresh_from_db()
    assert good.status_code == 302 and good["Location"] == live_class.recording.get_absolute_url()
    assert live_class.recording.lessons.get().video_duration == 17.01  # read from the file, not typed


def test_a_recording_whose_file_states_no_length_is_refused(client, staff, live_class):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from preceptor.conftest import DEMO_MEDIA

    client.force_login(staff)
    response = client.post(
        f"/staff/classes/{live_class.slug}/recording/",
        {
            "video": SimpleUploadedFile("r.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 64),
            "captions": SimpleUploadedFile("r.vtt", (DEMO_MEDIA / "ecg-essentials.vtt").read_bytes()),
        },
    )
    assert response.status_code == 200 and "does not state its length" in response.content.decode()
    live_class.refresh_from_db()
    assert live_class.recording is None
