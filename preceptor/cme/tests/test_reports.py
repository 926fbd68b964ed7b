"""Reports to the accreditors and evaluation exports as CSV: no cell a member typed becomes a spreadsheet formula
(the rule itself is tested in core/tests/test_csv.py)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from preceptor.cme.models import Claim
from preceptor.cme.services import credit_claim

FORMULA = '=HYPERLINK("http://x")'


def rows_of(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_learner_named_like_a_formula_comes_out_of_the_joint_provider_report_as_text(client, ready, activity, staff):
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    Claim.objects.filter(pk=claim.pk).update(learner_name=FORMULA)
    client.force_login(staff)
    day = claim.completed_at.date()
    response = client.post(
        "/staff/cme/",
        {
            "report": "1",
            "report-kind": "joint_provider",
            "report-start": day - timedelta(days=1),
            "report-end": day,
            "report-fmt": "csv",
        },
    )
    [row] = rows_of(response)
    assert row["learner_name"] == "'" + FORMULA
    assert row["credits"] == "1.75"


def test_an_evaluation_comment_like_a_formula_comes_out_of_the_evaluation_export_as_text(
    client, ready, activity, staff
):
    evaluation = activity.evaluations.get(user=ready)
    question = next(iter(evaluation.answers))
    evaluation.answers[question]["value"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    evaluation.save()
    client.force_login(staff)
    [row] = rows_of(client.get(f"/staff/cme/activities/{activity.pk}/evaluations/"))
    assert row[evaluation.answers[question]["question"]] == "'@SUM(1+1)*cmd|' /C calc'!A0"
