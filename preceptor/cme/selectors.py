from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    DecimalField,
    IntegerField,
    Prefetch,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.cme.credits import (
    ECMEC_CONVERSION_NOTE,
    designation_statement,
    eaccme_statement,
    joint_providership_statement,
)
from preceptor.cme.models import Activity, Claim, CreditType, FacultyDisclosure
from preceptor.core.http import absolute_url
from preceptor.core.pagecache import content_version
from preceptor.quizzes.models import Attempt, Quiz


def statements(activity: Activity) -> dict[str, object]:
    """The accreditation statements shown on the course page, the claim page and the certificate page."""
    provider = activity.accredited_provider.name
    return {
        "joint": joint_providership_statement(accredited=provider, non_accredited=activity.non_accredited_provider)
        if activity.providership == Activity.Providership.JOINT
        else "",
        "designation": designation_statement(
            provider=provider, learning_format=activity.learning_format, maximum=activity.ama_max_credits
        )
        if activity.offers_ama
        else "",
        "eaccme": eaccme_statement(title=activity.title, maximum=activity.eaccme_credits)
        if activity.offers_ecmec
        else "",
        "conversion": ECMEC_CONVERSION_NOTE if activity.offers_ecmec else "",
    }


def published_activity(*, course_id: int | None = None, live_class_id: int | None = None) -> Activity | None:
    """The published accreditation of a course or a live class, with its provider and disclosures: shared by
    every visitor, so cached like the course content (two queries on a miss, none on a hit), and forgotten with it
    by any write to the shared content (core.pagecache)."""
    key = f"cme:activity:{content_version()}:{course_id or ''}:{live_class_id or ''}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    where = {"course_id": course_id} if course_id else {"live_class_id": live_class_id}
    activity = (
        Activity.objects.filter(**where, is_published=True)
        .select_related("accredited_provider")
        .prefetch_related(Prefetch("disclosures", queryset=FacultyDisclosure.objects.order_by("role", "full_name")))
        .first()
    )
    cache.set(key, activity or False, settings.CATALOG_CACHE_SECONDS)
    return activity


def is_accredited_content(course_id: int) -> bool:
    """Pages of accredited content carry no promotion (requirement 32, docs/requirements.md#cme-32)."""
    activity = published_activity(course_id=course_id)
    return bool(activity and activity.accredited)


def published_course_activities(*, course_ids: list[int]) -> dict[int, Activity]:
    """The published accreditations of several courses at once (the course cards of a list), by course id."""
    activities = Activity.objects.filter(course_id__in=course_ids, is_published=True).order_by("pk")
    return {activity.course_id: activity for activity in activities if activity.course_id is not None}


def transcript_claims(user: User, *, start: date | None = None, end: date | None = None) -> QuerySet[Claim]:
    claims = Claim.objects.filter(user=user).select_related("activity__course", "activity__accredited_provider")
    if start:
        claims = claims.filter(completed_at__date__gte=start)
    if end:
        claims = claims.filter(completed_at__date__lte=end)
    return claims.order_by("-completed_at", "credit_type")


@dataclass(frozen=True)
class Totals:
    by_year: list[tuple[int, str, Decimal]]  # (year, credit type label, credits)
    chart: dict[str, Any]  # labels + one dataset per credit type: credits per year


def transcript_totals(claims: list[Claim]) -> Totals:
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for claim in claims:
        if not claim.is_revoked:
            sums[(timezone.localtime(claim.completed_at).year, claim.credit_type)] += claim.claimed_credits
    labels = dict(CreditType.choices)
    years = sorted({year for year, _ in sums})
    by_year = [
        (year, str(labels[kind]), sums[(year, kind)])
        for year in years
        for kind in CreditType.values
        if (year, kind) in sums
    ]
    datasets = [
        {"label": str(labels[kind]), "data": [float(sums.get((year, kind), 0)) for year in years]}
        for kind in CreditType.values
        if any((year, kind) in sums for year in years)
    ]
    return Totals(by_year=by_year, chart={"labels": [str(y) for y in years], "datasets": datasets})


def transcript_rows(claims: list[Claim]) -> list[dict[str, Any]]:
    """Per completion: title, format, date, credit type, credits, provider, certificate link (requirement 35)."""
    return [
        {
            "completed": f"{timezone.localtime(c.completed_at):%Y-%m-%d}",
            "title": c.activity.title,
            "format": c.activity.format_label,
            "credit_type": c.credit_type,
            "credit_label": str(c.get_credit_type_display()),
            "credits": f"{c.claimed_credits:.2f}",
            "provider": c.activity.accredited_provider.name,
            "certificate": c.certificate_id,
            "url": absolute_url(c.get_absolute_url()),
            "status": "revoked" if c.is_revoked else "valid",
        }
        for c in claims
    ]


def passed_post_test(*, user: User, course_id: int) -> bool:
    """Whether the member has passed the course's post-test (the claim page checks the activity's own pass mark)."""
    return Attempt.objects.filter(
        user=user, quiz__course_id=course_id, quiz__kind=Quiz.Kind.POST_TEST, passed=True
    ).exists()


def claim_states(*, user: User, activities: list[Activity]) -> dict[int, tuple[Any, bool]]:
    """In one query for several courses' activities, by activity id: the certificate of the member's active claim
    (or None), and whether they passed the post-test of the activity's course. Written as SQL (the same on SQLite
    and PostgreSQL), as ``learning_credit``'s windows are: the course page and "My learning" ask it on every view,
    and built from ORM expressions (a Subquery and an Exists) it cost 1.4 ms in Python, the query 0.1 ms."""
    if not activities:
        return {}
    activity, claim, attempt, quiz = (
        connection.ops.quote_name(m._meta.db_table) for m in (Activity, Claim, Attempt, Quiz)
    )
    ids = [activity_.pk for activity_ in activities]
    sql = (
        f"SELECT a.id, (SELECT c.certificate_id FROM {claim} c"  # noqa: S608 -- the models' tables; values bound
        " WHERE c.revoked_at IS NULL AND c.activity_id = a.id AND c.user_id = %s ORDER BY c.credit_type LIMIT 1),"
        f" EXISTS (SELECT 1 FROM {attempt} t INNER JOIN {quiz} z ON t.quiz_id = z.id"
        " WHERE t.passed AND t.user_id = %s AND z.kind = %s AND z.course_id = a.course_id)"
        f" FROM {activity} a WHERE a.id IN ({', '.join(['%s'] * len(ids))})"
    )
    certificate = Claim._meta.get_field("certificate_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, Quiz.Kind.POST_TEST.value, *ids])
        rows = cursor.fetchall()
    return {pk: (certificate.to_python(found) if found else None, bool(passed)) for pk, found, passed in rows}


@dataclass(frozen=True)
class LearningCredit:
    """The CME part of a member's "My learning" page."""

    year: int
    credits_this_year: list[tuple[str, Decimal]]  # (credit type label, credits claimed this calendar year)
    certificates: list[Claim]  # the most recent valid certificates
    ready_to_claim: list[Activity]  # post-test passed, no credit claimed yet


CREDITS: DecimalField = DecimalField(max_digits=9, decimal_places=2)  # a sum of credits (each at most 999.99)


def learning_credit(*, user: User, certificates: int = 5) -> LearningCredit:
    """Credits this year, recent certificates and the accredited courses ready to claim. Two queries: the recent
    claims carry this year's totals per credit type, summed over all the member's claims by window functions
    (computed before the LIMIT), so the totals need no query of their own. The windows are written as SQL (the
    same on SQLite and PostgreSQL): built from ORM expressions, six of them cost 3 ms a page in Python, the query
    itself 0.3 ms."""
    year = timezone.localdate().year
    labels = dict(CreditType.choices)
    start = timezone.make_aware(datetime(year, 1, 1))
    bounds = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, start.replace(year=year + 1))]
    claim = connection.ops.quote_name(Claim._meta.db_table)
    this_year = f"{claim}.credit_type = %s AND {claim}.completed_at >= %s AND {claim}.completed_at < %s"
    sum_sql = f"SUM(CASE WHEN {this_year} THEN {claim}.claimed_credits ELSE 0 END) OVER ()"
    count_sql = f"COUNT(CASE WHEN {this_year} THEN 1 END) OVER ()"
    totals: dict[str, RawSQL] = {}
    for kind in CreditType.values:
        params = (kind, *bounds)
        totals[f"sum_{kind}"] = RawSQL(sum_sql, params, output_field=CREDITS)  # noqa: S611 -- constant SQL; values bound
        totals[f"count_{kind}"] = RawSQL(count_sql, params, IntegerField())  # noqa: S611 -- constant SQL; values bound
    recent = list(
        Claim.objects.active()
        .filter(user=user)
        .select_related("activity__course")
        .annotate(**totals)
        .order_by("-completed_at", "-pk")[:certificates]
    )
    sums: dict[str, Decimal] = {}
    for kind in CreditType.values:
        if recent and getattr(recent[0], f"count_{kind}"):
            sums[kind] = Decimal(getattr(recent[0], f"sum_{kind}")).quantize(Decimal("0.01"))
    passed_courses = Attempt.objects.filter(user=user, quiz__kind=Quiz.Kind.POST_TEST, passed=True).values(
        "quiz__course_id"
    )
    ready = list(
        Activity.objects.filter(is_published=True, course_id__in=passed_courses)
        .exclude(pk__in=Claim.objects.active().filter(user=user).values("activity_id"))
        .select_related("course")
        .order_by("course__title")
    )
    return LearningCredit(
        year=year,
        credits_this_year=[(str(labels[kind]), sums[kind]) for kind in CreditType.values if kind in sums],
        certificates=recent,
        ready_to_claim=ready,
    )


@dataclass(frozen=True)
class CreditOverview:
    """What the public CME page states, read from the published accreditations rather than written by hand."""

    joint_providers: list[str]  # accredited providers of jointly provided activities
    direct_providers: list[str]  # accredited providers of directly provided activities
    ama_activities: int
    ecmec_activities: int
    pass_thresholds: list[int]  # the distinct minimum passing scores of enduring material, lowest first
    non_accredited_providers: list[str]


def credit_overview() -> CreditOverview:
    """The credit types on offer, who designates them and the pass marks, over every published activity."""
    activities = list(Activity.objects.filter(is_published=True).select_related("accredited_provider"))
    joint = Activity.Providership.JOINT
    return CreditOverview(
        joint_providers=sorted({a.accredited_provider.name for a in activities if a.providership == joint}),
        direct_providers=sorted({a.accredited_provider.name for a in activities if a.providership != joint}),
        ama_activities=sum(1 for a in activities if a.offers_ama),
        ecmec_activities=sum(1 for a in activities if a.offers_ecmec),
        pass_thresholds=sorted({a.pass_threshold for a in activities if a.format == Activity.Format.ENDURING}),
        non_accredited_providers=sorted(
            {a.non_accredited_provider for a in activities if a.providership == joint and a.non_accredited_provider}
        ),
    )
