"""Demo classes for seed_demo: a teacher who accepted the terms, an upcoming live class, and a past class
with attendance and its recording."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from preceptor.catalog.demo import MEDIA, _file
from preceptor.classes.models import Attendance, LiveClass, Registration, Teacher, TeacherTerms
from preceptor.classes.services import recording_publish, terms_accept

TERMS = """You teach on Preceptor as an independent clinician. Members who sign up for your classes trust us
with their details, and we share with you only what you need to teach: their name and e-mail address.

1. You use members' personal information only to run the class they signed up for: no newsletters,
   no sales, no sharing, no copies kept after the class.
2. You never abuse other users' personal information, and you tell us at once if it is lost or misused.
3. Every time you open or export a roster, the members on it can see that you received their details.
"""


def demo_classes_create(*, teacher_user: Any, attendee: Any) -> list[LiveClass]:
    if LiveClass.objects.exists():
        return []
    now = timezone.now()
    terms, _ = TeacherTerms.objects.get_or_create(
        version="2026-1", defaults={"text": TERMS, "published_at": now - timedelta(days=30)}
    )
    teacher, _ = Teacher.objects.get_or_create(
        user=teacher_user,
        defaults={
            "slug": teacher_user.profile.handle,
            "display_name": teacher_user.full_name,
            "bio": "Cardiologist and clinical teacher. I run the monthly **ECG clinic**: bring your hardest tracings.",
            "specialties": "Cardiology, ECG, echocardiography",
            "is_public": True,  # the demo teacher shows their page
        },
    )
    terms_accept(user=teacher_user, terms=terms, now=now - timedelta(days=20))
    start = (now + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    upcoming = LiveClass.objects.create(
        title="ECG clinic: tricky tachycardias",
        slug="ecg-clinic-tachycardias",
        description="Bring your hardest tracings. We read broad- and narrow-complex tachycardias together, "
        "step by step, and decide what to do at the bedside.\n\n*Demo class.*",
        starts_at=start,
        duration_minutes=60,
        capacity=20,
        price_amount=1900,
        price_currency="EUR",
        meeting_url="https://meet.example.org/preceptor-demo",
        is_published=True,
    )
    past_start = (now - timedelta(days=7)).replace(hour=18, minute=0, second=0, microsecond=0)
    past = LiveClass.objects.create(
        title="ECG clinic: heart blocks",
        slug="ecg-clinic-heart-blocks",
        description="First-, second- and third-degree block on real tracings.\n\n*Demo class.*",
        starts_at=past_start,
        duration_minutes=60,
        capacity=20,
        price_amount=1900,
        price_currency="EUR",
        meeting_url="https://meet.example.org/preceptor-demo",
        is_published=True,
        ended_at=past_start + timedelta(minutes=62),
    )
    for live_class in (upcoming, past):
        live_class.teachers.add(teacher)
    registration = Registration.objects.create(live_class=past, user=attendee, status=Registration.Status.REGISTERED)
    Attendance.objects.create(
        registration=registration,
        joined_at=past_start + timedelta(minutes=2),
        left_at=past_start + timedelta(minutes=57),
    )
    durations = json.loads((MEDIA / "durations.json").read_text())
    with _file("ecg-essentials.webm") as video, _file("ecg-essentials.vtt") as captions:
        recording_publish(
            live_class=past,
            video=video,
            captions=captions,
            duration_seconds=durations.get("ecg-essentials", 17.0),
            transcript="The recording of the heart-block clinic (demo: the ECG essentials clip).",
        )
    return [upcoming, past]
