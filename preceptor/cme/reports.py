"""Reports to the accreditors: the joint provider receives each learner's evaluation, quiz
score and credits for AMA credit; the EACCME® receives the ECMEC® claims. Each member included gets a
Disclosure row naming the recipient. Also the per-activity figures (docs/requirements.md, CME requirements 29, 30)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from preceptor.cme.models import Activity, Claim, CreditType, EvaluationResponse, OutcomeMeasure
from preceptor.core.csv import SafeDictWriter
from preceptor.privacy.models import Disclosure
from preceptor.privacy.services import disclosures_record

EACCME_RECIPIENT = gettext_noop("EACCME® (European Union of Medical Specialists)")

KINDS = {
    "joint_provider": "Joint-provider report (AMA PRA credit and participation)",
    "eaccme": "EACCME® report (European credit)",
    "activities": "Activities and learner counts",
}


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time(0, 0), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=zone),
    )


def _claims(kind: str, start: date, end: date):
    since, until = _period(start, end)
    types = [CreditType.ECMEC] if kind == "eaccme" else [CreditType.AMA, CreditType.PARTICIPATION]
    return (
        Claim.objects.active()
        .filter(credit_type__in=types, completed_at__gte=since, completed_at__lt=until)
        .select_related("activity__course", "activity__accredited_provider", "user")
        .order_by("completed_at", "pk")
    )


def learner_rows(kind: str, start: date, end: date) -> list[dict[str, Any]]:
    claims = list(_claims(kind, start, end))
    evaluations = {
        (e.user_id, e.activity_id): e.answers
        for e in EvaluationResponse.objects.filter(
            user_id__in={c.user_id for c in claims}, activity_id__in={c.activity_id for c in claims}
        )
    }
    rows = []
    for c in claims:
        row: dict[str, Any] = {
            "certificate_id": str(c.certificate_id),
            "learner_name": c.learner_name,
            "learner_email": c.user.email,
            "profession": c.learner_profession,
            "activity": c.activity.title,
            "completed_at": timezone.localtime(c.completed_at).isoformat(timespec="seconds"),
            "credit_type": c.credit_type,
            "credits": f"{c.claimed_credits:.2f}",
            # The learning time on record at the claim, and the learner's reason for claiming more (decision 0020).
            "time_on_record_minutes": "" if c.measured_minutes is None else c.measured_minutes,
            "reason_above_time_on_record": c.time_reason,
        }
        if kind == "eaccme":
            row["eaccme_event_code"] = c.activity.eaccme_event_code
        else:
            row["accme_activity_id"] = c.activity.accme_activity_id
            row["quiz_score"] = f"{c.quiz_score:.0f}" if c.quiz_score is not None else ""
            row["evaluation"] = {
                a.get("question", key): _answer_text(a)
                for key, a in evaluations.get((c.user_id, c.activity_id), {}).items()
            }
        rows.append(row)
    return rows


def _answer_text(answer: dict[str, Any]) -> str:
    value = str(answer.get("value", ""))
    return f"{value} — {answer['comment']}" if answer.get("comment") else value


def activity_rows(year: int) -> list[dict[str, Any]]:
    """Each activity's export fields (requirement 30) and its learner counts for ``year`` (requirement 29):
    enduring activities count learners cumulatively to 31 December of the year."""
    end = datetime.combine(date(year + 1, 1, 1), time(0, 0), tzinfo=timezone.get_current_timezone())
    start = datetime.combine(date(year, 1, 1), time(0, 0), tzinfo=timezone.get_current_timezone())
    outcome_labels = dict(OutcomeMeasure.choices)
    rows = []
    for a in Activity.objects.select_related("course", "live_class", "accredited_provider").order_by("pk"):
        claims = a.claims.active().filter(completed_at__lt=end)
        if a.format == Activity.Format.LIVE:
            claims = claims.filter(completed_at__gte=start)
        counts = claims.aggregate(
            physicians=Count("user", filter=Q(credit_type=CreditType.AMA), distinct=True),
            everyone=Count("user", distinct=True),
        )
        live = a.format == Activity.Format.LIVE
        starts_on = a.live_starts_on if live else a.release_date
        ends_on = (a.live_ends_on or a.live_starts_on) if live else a.expiration_date
        assert starts_on is not None and ends_on is not None  # Activity.clean: a live activity has its date
        rows.append(
            {
                "activity_id": a.accme_activity_id,
                "title": a.title,
                "format": "Live" if live else "Enduring Material",
                "start_date": starts_on.isoformat(),
                "end_date": ends_on.isoformat(),
                "delivery_method": a.get_delivery_display(),
                "ama_credits": f"{a.ama_max_credits:.2f}" if a.ama_max_credits else "",
                "description": a.description,
                "providership": a.providership,
                "joint_providers": a.non_accredited_provider if a.providership == Activity.Providership.JOINT else "",
                "commercial_support": "Yes" if a.commercial_support else "No",
                "outcome_measures": "; ".join(str(outcome_labels.get(m, m)) for m in a.outcome_measures),
                "total_physician_learners": counts["physicians"],
                "total_other_learners": counts["everyone"] - counts["physicians"],
            }
        )
    return rows


def render(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    buffer = io.StringIO()
    if rows:
        writer = SafeDictWriter(buffer, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v for k, v in row.items()}
            )
    return buffer.getvalue()


def disclose_report(kind: str, start: date, end: date, *, now: datetime | None = None) -> int:
    """A Disclosure row for each member in a learner report that is sent out; returns how many."""
    now = now or timezone.now()
    claims = _claims(kind, start, end)
    members: dict[str, set[int]] = {}  # recipient -> members sent to it (joint providers differ by activity)
    for c in claims:
        recipient = EACCME_RECIPIENT if kind == "eaccme" else f"{c.activity.accredited_provider.name} (joint provider)"
        members.setdefault(recipient, set()).add(c.user_id)
    if kind == "eaccme":
        data = gettext_noop("Name, profession, activity, completion date, European CME credits")
    else:
        data = gettext_noop("Name, e-mail, profession, activity, completion date, quiz score, evaluation, credits")
    with transaction.atomic():
        return sum(
            disclosures_record(
                users=sorted(user_ids),
                recipient=recipient,
                recipient_role=Disclosure.Role.CONTROLLER,
                data_categories=data,
                purpose=gettext_noop("Awarding and recording your CME credit (accreditation requirements)"),
                legal_basis=gettext_noop("Contract; the accreditors' record-keeping rules (GDPR art. 6(1)(b), (c))"),
                transfer_country=gettext_noop("United States") if kind == "joint_provider" else gettext_noop("Belgium"),
                safeguard=gettext_noop("Necessary for the contract (art. 49(1)(b))")
                if kind == "joint_provider"
                else "",
                channel=f"{kind.replace('_', '-')} report {start:%Y-%m-%d}–{end:%Y-%m-%d}"[:60],
                occurred_at=now,
            )
            for recipient, user_ids in sorted(members.items())
        )


def evaluation_rows(activity: Activity) -> list[dict[str, Any]]:
    """The activity's evaluations, one row per submission, without names (requirement 8)."""
    rows = []
    for response in activity.evaluations.order_by("submitted_at"):
        row: dict[str, Any] = {"submitted_at": timezone.localtime(response.submitted_at).isoformat(timespec="seconds")}
        for answer in response.answers.values():
            row[answer.get("question", "?")] = _answer_text(answer)
        rows.append(row)
    return rows
