"""Learning time that is measured (decision 0020): lesson lengths come from the media (a video's own header, a
reading's word count), and the time a member spends is measured on the server: a video's time watched, believed
only as fast as the clock (decision 0005), and a reading's time open and visible, at most 30 s a report and twice
its reading time in all."""

from __future__ import annotations

import io
import struct
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from preceptor.catalog.media import reading_minutes, video_seconds
from preceptor.catalog.models import Lesson, LessonProgress, Module
from preceptor.catalog.services import (
    HEARTBEAT_CREDIT_SECONDS,
    NotAReading,
    lesson_complete,
    lesson_create,
    lesson_open,
    reading_time_record,
)
from preceptor.conftest import DEMO_MEDIA

READING, HANDOUT, VIDEO = "rate-and-rhythm", "checklist", "twelve-leads"


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(*, version: int = 0, scale: int = 1000, duration: int = 42_500) -> bytes:
    """A minimal MP4 whose ``moov`` comes after the media data, as many encoders write it."""
    if version == 1:
        header = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, scale, duration)
    else:
        header = bytes([0, 0, 0, 0]) + struct.pack(">IIII", 0, 0, scale, duration)
    moov = box(b"moov", box(b"mvhd", header + bytes(80)))
    return box(b"ftyp", b"isom\0\0\0\0isommp41") + box(b"mdat", bytes(500)) + moov


def test_a_video_length_is_read_from_the_file_itself():
    with (DEMO_MEDIA / "ecg-essentials.webm").open("rb") as webm:
        webm.seek(7)
        assert video_seconds(webm) == pytest.approx(17.0, abs=0.05)
        assert webm.tell() == 7  # the position is restored
    assert video_seconds(io.BytesIO(mp4())) == 42.5
    assert video_seconds(io.BytesIO(mp4(version=1, scale=90_000, duration=90_000 * 600))) == 600.0
    assert video_seconds(io.BytesIO(mp4(duration=0xFFFFFFFF))) is None  # "unknown"
    assert video_seconds(io.BytesIO(b"not a video at all")) is None
    assert video_seconds(io.BytesIO(mp4()[:60])) is None  # cut off before the header


def test_a_reading_time_comes_from_the_word_count():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
    assert reading_minutes("word " * 6000) == 30


@pytest.mark.django_db
def test_lesson_lengths_come_from_the_media_not_the_typed_label(course):
    video = Lesson.objects.get(slug=VIDEO)  # typed: 10 minutes and 17.0 s; the file says 17.01 s
    assert video.minutes == 1 and video.video_duration == pytest.approx(17.0, abs=0.05)
    assert Lesson.objects.get(slug=READING).minutes == 1  # typed: 10 minutes; five words
    module = Module.objects.get(course=course, position=1)
    long_read = lesson_create(module=module, title="Long", slug="long", kind="text", minutes=1, body="w " * 1000)
    assert long_read.minutes == 5 and long_read.reading_cap_seconds == 600


@pytest.mark.django_db
def test_staff_upload_a_video_and_its_length_is_read_from_it(client, staff, course):
    client.force_login(staff)
    module = Module.objects.get(course=course, position=1)
    data = {
        "module": module.pk,
        "title": "Axis",
        "slug": "axis",
        "kind": "video",
        "position": 5,
        "minutes": 45,
        "captions_language": "en",
        "files-TOTAL_FORMS": 0,
        "files-INITIAL_FORMS": 0,
        "captions": SimpleUploadedFile("axis.vtt", (DEMO_MEDIA / "ecg-essentials.vtt").read_bytes()),
    }
    refused = client.post(
        reverse("admin:catalog_lesson_add"), {**data, "video": SimpleUploadedFile("axis.mp4", b"\0" * 64)}
    )
    assert refused.status_code == 200 and "does not state the video" in refused.content.decode()
    data["captions"].seek(0)
    saved = client.post(reverse("admin:catalog_lesson_add"), {**data, "video": SimpleUploadedFile("axis.mp4", mp4())})
    assert saved.status_code == 302
    lesson = Lesson.objects.get(slug="axis")
    assert lesson.video_duration == 42.5 and lesson.minutes == 1  # not the 45 typed


def beat(client, lesson: str):
    return client.post(reverse("catalog:time", args=["heart-rhythm", lesson]))


@pytest.mark.django_db
def test_reading_time_counts_only_as_fast_as_the_clock_and_up_to_twice_the_reading_time(course, pro_member):
    reading = Lesson.objects.get(slug=READING)  # 1 minute: at most 2 minutes count
    start = timezone.now()
    lesson_open(user=pro_member, lesson=reading, now=start)
    for second in (15, 30, 30, 30):  # three reports in the same second add nothing
        progress = reading_time_record(user=pro_member, lesson=reading, now=start + timedelta(seconds=second))
    assert progress.measured_seconds == 30
    progress = reading_time_record(user=pro_member, lesson=reading, now=start + timedelta(minutes=30))
    assert progress.measured_seconds == 30 + HEARTBEAT_CREDIT_SECONDS  # a page left alone counts one beat
    for minute in range(31, 40):
        progress = reading_time_record(user=pro_member, lesson=reading, now=start + timedelta(minutes=minute))
    assert progress.measured_seconds == reading.reading_cap_seconds == 120
    with pytest.raises(NotAReading):
        reading_time_record(user=pro_member, lesson=Lesson.objects.get(slug=VIDEO))


@pytest.mark.django_db
def test_readings_marked_done_within_a_second_measure_a_second(course, pro_member):
    start = timezone.now()
    lesson_open(user=pro_member, lesson=Lesson.objects.get(slug=VIDEO), now=start)
    for n, slug in enumerate((READING, HANDOUT)):
        lesson_complete(user=pro_member, lesson=Lesson.objects.get(slug=slug), now=start + timedelta(seconds=n * 0.5))
    measured = LessonProgress.objects.filter(user=pro_member).values_list("measured_seconds", flat=True)
    assert sum(measured) == pytest.approx(0.5)


@pytest.mark.django_db
def test_without_script_the_time_from_opening_to_done_counts_up_to_the_cap(course, pro_member):
    reading = Lesson.objects.get(slug=READING)
    start = timezone.now()
    lesson_open(user=pro_member, lesson=reading, now=start)
    progress = lesson_complete(user=pro_member, lesson=reading, now=start + timedelta(seconds=75))
    assert progress.measured_seconds == 75
    handout = Lesson.objects.get(slug=HANDOUT)
    progress = lesson_complete(user=pro_member, lesson=handout, now=start + timedelta(hours=2))
    assert progress.measured_seconds == handout.reading_cap_seconds


@pytest.mark.django_db
def test_the_reading_page_reports_its_time_and_only_members_who_may_open_it_can(client, course, pro_member, learner):
    assert beat(client, READING).status_code == 302  # anonymous: sign in
    client.force_login(learner)
    assert beat(client, READING).status_code == 404  # a trial member cannot open the Pro lesson
    client.force_login(pro_member)
    page = client.get(reverse("catalog:lesson", args=["heart-rhythm", READING])).content.decode()
    assert f'data-time-url="{reverse("catalog:time", args=["heart-rhythm", READING])}"' in page
    assert "data-time-url" not in client.get(reverse("catalog:lesson", args=["heart-rhythm", VIDEO])).content.decode()
    assert client.get(reverse("catalog:time", args=["heart-rhythm", READING])).status_code == 405
    assert beat(client, READING).status_code == 204
    assert beat(client, VIDEO).status_code == 400
    assert LessonProgress.objects.get(user=pro_member, lesson__slug=READING).completed_at is None
