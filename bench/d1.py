"""D1 (docs/requirements.md#performance): the data-export ZIP of a heavy member — 1,000 enrollments, 10,000 lesson
progress rows, 100 certificates — built as the member's "Download my data" builds it (``data_export_request``:
the request recorded, every app's part, the readable overview, the manifest). Goal: under 2 s.

Each certificate comes with what a real claim leaves behind: the passed post-test with its answers, the
evaluation, the requirement checks and the audit events. The database is seeded in one process and the export
timed in another, so the peak memory printed is the export's. The baseline in the same run is the export of a
member with no learning records at all (what every export costs whatever the member did), so the ratio says what
the heavy member's rows add. Prints one JSON line; run by bench/run.py with its own throw-away SQLite database, or
alone:

    SQLITE_PATH=/tmp/d1.sqlite3 python bench/d1.py
"""

from __future__ import annotations

import io
import json
import os
import resource
import statistics
import subprocess
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

COURSES, LESSONS_PER_COURSE, CERTIFICATES, QUESTIONS = 1000, 10, 100, 10
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def seed() -> tuple:
    from preceptor.accounts.services import account_create
    from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress, Module
    from preceptor.cme.models import Activity, Claim, EvaluationResponse, Provider, RequirementStatus
    from preceptor.core.models import AuditEvent
    from preceptor.quizzes.models import Answer, Attempt, Question, Quiz

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
        quizzes = Quiz.objects.bulk_create(
            Quiz(course=course, kind=Quiz.Kind.POST_TEST, title="Post-test", slug="post-test", pass_mark=70)
            for course in courses[:CERTIFICATES]
        )
        questions = Question.objects.bulk_create(
            Question(quiz=quiz, text=f"Question {k}?", explanation="Because.", position=k)
            for quiz in quizzes
            for k in range(QUESTIONS)
        )
        attempts = Attempt.objects.bulk_create(
            Attempt(user=heavy, quiz=quiz, started_at=NOW, submitted_at=NOW, score=90, passed=True, pass_mark=70)
            for quiz in quizzes
        )
        by_quiz = {attempt.quiz_id: attempt for attempt in attempts}
        Answer.objects.bulk_create(
            Answer(attempt=by_quiz[q.quiz_id], question=q, selected=[q.pk], is_correct=True) for q in questions
        )
        EvaluationResponse.objects.bulk_create(
            EvaluationResponse(
                user=heavy,
                activity=activity,
                submitted_at=NOW,
                answers={str(k): {"question": f"Statement {k}", "value": "5", "comment": ""} for k in range(12)},
            )
            for activity in activities
        )
        RequirementStatus.objects.bulk_create(
            RequirementStatus(
                user=heavy,
                activity=activity,
                credit_type="ama",
                requirement=requirement,
                satisfied=True,
                reason={"checked": requirement},
                checked_at=NOW,
            )
            for activity in activities
            for requirement in ("profession", "post_test", "evaluation", "learning_time", "expiration")
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(actor=heavy, subject=heavy, action=action, target=f"cme.Activity:{activity.pk}")
            for activity in activities
            for action in ("cme.claim_submitted", "cme.certificate_downloaded")
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


def export() -> dict:
    from preceptor.accounts.models import User

    heavy, light = User.objects.get(email="heavy@bench.invalid"), User.objects.get(email="light@bench.invalid")
    timed_export(light, 1)  # imports, templates and the registry loaded once, outside both figures
    light_s, _ = timed_export(light, 3)
    heavy_s, archive = timed_export(heavy, 3)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        parts = [json.loads(zf.read(f"{app}.json")) for app in ("catalog", "cme", "quizzes")]
    counts = {name: len(rows) for part in parts for name, rows in part.items() if rows and isinstance(rows, list)}
    return {
        "step": "D1",
        "seconds": round(heavy_s, 2),
        "zip_kb": round(len(archive) / 1024),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": counts,
        "baseline_seconds": round(light_s, 3),
        "ratio_to_baseline": round(heavy_s / light_s, 1),
    }


def main() -> None:
    if sys.argv[1:] == ["seed"]:
        seed()
        return
    if sys.argv[1:] == ["export"]:
        print(json.dumps(export()))
        return
    subprocess.run([sys.executable, __file__, "seed"], check=True)
    exported = subprocess.run([sys.executable, __file__, "export"], check=True, capture_output=True, text=True)
    print(exported.stdout.strip())


if __name__ == "__main__":
    main()
