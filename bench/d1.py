"""D1 (docs/requirements.md#performance): the data-export ZIP of a heavy member — 1,000 enrollments, 10,000 lesson
progress rows, 100 certificates — built as the member's "Download my data" builds it (``data_export_request``:
the request recorded, every app's part, the readable overview, the manifest). Goal: under 2 s.

The baseline in the same run is the export of a member with no learning records at all (what every export costs
whatever the member did), so the ratio says what the heavy member's rows add. Prints one JSON line; run by
bench/run.py with its own throw-away SQLite database, or alone:

    SQLITE_PATH=/tmp/d1.sqlite3 python bench/d1.py
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")

import django  # noqa: E402 -- after the settings module is named

django.setup()

from django.core.management import call_command  # noqa: E402 -- after django.setup()
from django.db import transaction  # noqa: E402 -- after django.setup()

from bench.cme import bench_activity  # noqa: E402 -- after django.setup()

COURSES, LESSONS_PER_COURSE, CERTIFICATES = 1000, 10, 100
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def seed() -> tuple:
    from preceptor.accounts.services import account_create
    from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress, Module
    from preceptor.cme.models import Activity, Claim, Provider

    call_command("migrate", "--noinput", verbosity=0)
    heavy = account_create(email="heavy@bench.invalid", full_name="Dr. Heavy Learner", password="bench-password-1")
    light = account_create(email="light@bench.invalid", full_name="Dr. Light Learner", password="bench-password-1")
    with transaction.atomic():
        courses = Course.objects.bulk_create(
            Course(slug=f"course-{n}", title=f"Course {n}", summary="A course.", is_published=True)
            for n in range(COURSES)
        )
        modules = Module.objects.bulk_create(Module(course=course, title="Module", position=1) for course in courses)
        lessons = Lesson.objects.bulk_create(
            Lesson(course=m.course, module=m, title=f"Lesson {k}", slug=f"lesson-{k}", kind="text", position=k)
            for m in modules
            for k in range(LESSONS_PER_COURSE)
        )
        Enrollment.objects.bulk_create(
            Enrollment(user=heavy, course=course, last_activity_at=NOW, completed_at=NOW if n % 2 else None)
            for n, course in enumerate(courses)
        )
        LessonProgress.objects.bulk_create(
            LessonProgress(user=heavy, lesson=lesson, watched_seconds=60, measured_seconds=300, completed_at=NOW)
            for lesson in lessons
        )
        provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
        activities = Activity.objects.bulk_create(
            bench_activity(course, provider, n) for n, course in enumerate(courses[:CERTIFICATES])
        )
        Claim.objects.bulk_create(
            Claim(
                user=heavy,
                activity=activity,
                credit_type="ama",
                claimed_credits=Decimal("1.75"),
                minutes=105,
                completed_at=NOW - timedelta(days=n),
                learner_name=heavy.full_name,
                learner_profession="physician_md_do",
                quiz_score=Decimal("90.00"),
            )
            for n, activity in enumerate(activities)
        )
    return heavy, light


def timed_export(user, rounds: int) -> tuple[float, bytes]:
    from preceptor.privacy.services import data_export_request

    times, archive = [], b""
    for _ in range(rounds):
        started = time.perf_counter()
        _request, archive = data_export_request(user=user)
        times.append(time.perf_counter() - started)
    return statistics.median(times), archive


def main() -> None:
    heavy, light = seed()
    timed_export(light, 1)  # imports, templates and the registry loaded once, outside both figures
    light_s, _ = timed_export(light, 3)
    heavy_s, archive = timed_export(heavy, 3)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        catalog = json.loads(zf.read("catalog.json"))
        cme = json.loads(zf.read("cme.json"))
    parts = (catalog, cme)
    counts = {name: len(rows) for part in parts for name, rows in part.items() if rows and isinstance(rows, list)}
    print(
        json.dumps(
            {
                "step": "D1",
                "seconds": round(heavy_s, 2),
                "zip_kb": round(len(archive) / 1024),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "rows": counts,
                "baseline_seconds": round(light_s, 3),
                "ratio_to_baseline": round(heavy_s / light_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
