"""C1 and P1 (docs/requirements.md#performance). Prints one JSON line per step; run by bench/run.py, or alone:

    SQLITE_PATH=/tmp/cme.sqlite3 python bench/cme.py all

C1  certificate PDFs rendered in process, one core: certificates/s, against a baseline one-line ReportLab page
    rendered in the same run (the anchor's "ReportLab ~0.1 s per small document" without the interpreter start)
P1  PARS export of 100,000 completions (JSON, recorded as sent with a Disclosure row per learner): wall time and
    peak memory, and the same export of 10,000 completions in another process to show memory stays flat
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")

import django  # noqa: E402 -- after django.setup()

django.setup()

from django.core.management import call_command  # noqa: E402 -- after django.setup()
from django.db import transaction  # noqa: E402 -- after django.setup()

NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # both benchmark years (2026, 2027) still open
ACTIVITIES = 5


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_activity(course, provider, n: int):
    """An accredited, published activity (unsaved) for ``course``, the ``n``-th of the benchmark's."""
    from preceptor.cme.models import Activity, OutcomeMeasure

    return Activity(
        course=course,
        release_date=date(2026, 1, 1),
        expiration_date=date(2028, 12, 31),
        accredited_provider=provider,
        accme_activity_id=f"2026{n:05d}",
        ama_max_credits=Decimal("2"),
        learning_objectives="Recognise the rhythm",
        outcome_measures=[OutcomeMeasure.KNOWLEDGE],
        is_published=True,
    )


def seed(small: int, large: int) -> dict:
    """``small`` completions dated 2026 and ``large`` dated 2027, by learners who consented to PARS."""
    from preceptor.accounts.models import User
    from preceptor.catalog.models import Course
    from preceptor.cme.models import Claim, LearnerIdentity, Provider

    call_command("migrate", "--noinput", verbosity=0)
    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    activities = []
    for n in range(ACTIVITIES):
        course = Course.objects.create(slug=f"bench-{n}", title=f"Bench course {n}", summary="s", is_published=True)
        activity = bench_activity(course, provider, n)
        activity.save()
        activities.append(activity)
    learners = (small + large) // ACTIVITIES + 1
    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(email=f"learner{i}@bench.invalid", full_name=f"Learner {i}", password="!") for i in range(learners)
        )
        LearnerIdentity.objects.bulk_create(
            LearnerIdentity(
                user=u,
                first_name="Learner",
                last_name=str(u.pk),
                birth_month=1 + u.pk % 12,
                birth_day=1 + u.pk % 28,
                npi="1234567893",
                pars_consent_at=NOW,
            )
            for u in users
        )
        claims, index = [], 0
        for year, count in ((2026, small), (2027, large)):
            for k in range(count):
                user, activity = users[index // ACTIVITIES], activities[index % ACTIVITIES]
                index += 1
                claims.append(
                    Claim(
                        user=user,
                        activity=activity,
                        credit_type="ama",
                        claimed_credits=Decimal("1.75"),
                        minutes=105,
                        completed_at=datetime(year, 1 + k % 12, 1 + k % 28, 15, 0, tzinfo=UTC),
                        learner_name=f"Learner {user.pk}",
                    )
                )
                if len(claims) == 5000:
                    Claim.objects.bulk_create(claims)
                    claims.clear()
        Claim.objects.bulk_create(claims)
    return {
        "step": "seed",
        "completions": small + large,
        "learners": learners,
        "seconds": round(time.perf_counter() - started, 1),
    }


def c1(count: int = 300) -> dict:
    from reportlab.pdfgen.canvas import Canvas

    from preceptor.cme.certificates import certificate_pdf
    from preceptor.cme.models import Claim

    claims = list(Claim.objects.select_related("activity__course", "activity__accredited_provider")[:count])

    def baseline() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer)
        canvas.drawString(100, 750, "Hello")
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    certificate_pdf(claims[0])
    started = time.perf_counter()
    sizes = [len(certificate_pdf(claim)) for claim in claims]
    ours = time.process_time(), time.perf_counter() - started
    started = time.perf_counter()
    for _ in claims:
        baseline()
    base_s = time.perf_counter() - started
    per_s = len(claims) / ours[1]
    return {
        "step": "C1",
        "certificates": len(claims),
        "per_s": round(per_s, 1),
        "ms_each": round(1000 / per_s, 2),
        "baseline_per_s": round(len(claims) / base_s, 1),
        "ratio_to_baseline": round(per_s / (len(claims) / base_s), 3),
        "avg_kb": round(sum(sizes) / len(sizes) / 1024, 1),
    }


def p1(year: int) -> dict:
    from preceptor.cme.pars import export_pars

    out = open(os.devnull, "w")  # noqa: SIM115 - closed below
    before = peak_mb()
    started = time.perf_counter()
    summary = export_pars(year=year, fmt="json", out=out, now=NOW)
    seconds = time.perf_counter() - started
    out.close()
    return {
        "step": "P1",
        "year": year,
        "records": summary.added + summary.deleted,
        "seconds": round(seconds, 2),
        "records_per_s": round((summary.added + summary.deleted) / seconds),
        "peak_mb": round(peak_mb(), 1),
        "start_mb": round(before, 1),
    }


def main() -> None:
    step = sys.argv[1]
    if step == "all":  # each measured step in its own process, so that peak memory is its own
        env = {**os.environ}
        results = []
        for args in (
            ["seed", os.environ.get("P1_SMALL", "10000"), os.environ.get("P1_LARGE", "100000")],
            ["c1"],
            ["p1", "2026"],
            ["p1", "2027"],
        ):
            done = subprocess.run(
                [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results))
        return
    if step == "seed":
        result = seed(int(sys.argv[2]), int(sys.argv[3]))
    elif step == "c1":
        result = c1()
    else:
        result = p1(int(sys.argv[2]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
