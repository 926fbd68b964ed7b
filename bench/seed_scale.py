"""Scale the demo for B2: 50 courses, 500 lessons, 2,000 members; print a signed-in Pro member's session cookie
and the query counts of the measured pages. Run by bench/run.py against a throw-away SQLite file."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402 -- after django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402 -- after django.setup()
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402 -- after django.setup()
from django.db import connection, transaction  # noqa: E402 -- after django.setup()
from django.middleware.csrf import CSRF_ALLOWED_CHARS  # noqa: E402 -- after django.setup()
from django.test import Client  # noqa: E402 -- after django.setup()
from django.test.utils import CaptureQueriesContext  # noqa: E402 -- after django.setup()
from django.utils.crypto import get_random_string  # noqa: E402 -- after django.setup()

from preceptor.accounts.models import User  # noqa: E402 -- after django.setup()
from preceptor.catalog.models import Course, Enrollment, Lesson, Module  # noqa: E402 -- after django.setup()
from preceptor.core import pagecache  # noqa: E402 -- after django.setup()
from preceptor.profiles.models import Profile  # noqa: E402 -- after django.setup()

COURSES, LESSONS_PER_COURSE, MEMBERS = 50, 10, 2000


@transaction.atomic
def scale() -> None:
    template = Course.objects.get(slug="ecg-essentials")
    video = template.lessons.get(kind="video")
    for n in range(Course.objects.count(), COURSES):
        course = Course.objects.create(
            slug=f"bench-course-{n}",
            title=f"Bench course {n}",
            summary="Scaled demo.",
            is_published=True,
            position=100 + n,
            cover=template.cover.name,
        )
        course.specialties.set(template.specialties.all())
        course.teachers.set(template.teachers.all())
        modules = [Module.objects.create(course=course, title=f"Module {m}", position=m) for m in (1, 2)]
        Lesson.objects.bulk_create(
            Lesson(
                course=course,
                module=modules[i // 5],
                title=f"Lesson {i}",
                slug=f"lesson-{i}",
                position=i,
                kind="video" if i % 3 == 0 else "text",
                video=video.video.name if i % 3 == 0 else "",
                captions=video.captions.name if i % 3 == 0 else "",
                video_duration=video.video_duration,
                body="Some **text** for the lesson.",
            )
            for i in range(LESSONS_PER_COURSE)
        )
    for course in Course.objects.exclude(slug__startswith="bench-"):  # top the demo courses up to 10 lessons
        module = course.modules.last()
        have = course.lessons.count()
        Lesson.objects.bulk_create(
            Lesson(
                course=course,
                module=module,
                title=f"Extra {i}",
                slug=f"extra-{i}",
                position=50 + i,
                kind="text",
                body="More text.",
            )
            for i in range(LESSONS_PER_COURSE - have)
        )
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"member{i}@bench.example", full_name=f"Bench Member {i}", password="!")
        for i in range(start, MEMBERS)
    )
    Profile.objects.bulk_create(Profile(user=u, handle=f"bench-member-{u.pk}") for u in users)
    courses = list(Course.objects.all())
    Enrollment.objects.bulk_create(
        (Enrollment(user=u, course=courses[i % len(courses)]) for i, u in enumerate(users)), ignore_conflicts=True
    )


def session_cookie(email: str) -> str:
    user = User.objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(60 * 60 * 24)
    session.save()
    # A browser has the CSRF cookie from its first page on: kept pages are keyed by it (core.pagecache).
    csrf = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def query_counts(cookie: str, paths: list[str]) -> dict[str, str]:
    """Each page's queries as kept (what the benchmark's repeated GET costs) and as rendered afresh."""
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        client.cookies[name] = value
    member = int(SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)[SESSION_KEY])
    counts = {}
    for path in paths:
        client.get(path)  # the shared content's caches are filled
        measured = []
        for forget in (True, False):
            if forget:
                pagecache.members_changed([member])  # the member's kept pages are forgotten: the next GET renders
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            measured.append(len(queries))
        counts[path] = f"{measured[1]} kept / {measured[0]} rendered"
    return counts


if __name__ == "__main__":
    scale()
    cookie = session_cookie("pro@example.com")
    # course page, lesson page, catalogue, home dashboard (bench/run.py reads them in this order)
    paths = ["/courses/ecg-essentials/", "/courses/ecg-essentials/the-12-leads/", "/courses/", "/"]
    print(
        json.dumps(
            {
                "cookie": cookie,
                "paths": paths,
                "queries": query_counts(cookie, paths),
                "courses": Course.objects.count(),
                "lessons": Lesson.objects.count(),
                "members": User.objects.count(),
            }
        )
    )
