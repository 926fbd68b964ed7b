"""The claim and the evaluation as single atomic actions: docs/requirements.md, CME requirements 8, 14, 19, 20."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from preceptor.cme import certificates
from preceptor.cme.certificates import CertificateError, certificate_fields
from preceptor.cme.eligibility import default_evaluation_questions
from preceptor.cme.models import Activity, Claim, EvaluationQuestion, LearnerIdentity, RequirementStatus
from preceptor.cme.services import ClaimRefused, claim_submit, credit_claim
from preceptor.cme.tests.conftest import evaluated, passed, physician, studied
from preceptor.core.models import AuditEvent


def written() -> dict[str, Any]:
    """Everything a claim attempt writes, as it stands."""
    return {
        "claims": list(Claim.objects.values_list("pk", "credit_type", "claimed_credits", "revoked_at")),
        "statuses": sorted(
            RequirementStatus.objects.values_list("credit_type", "requirement", "satisfied", "reason", "checked_at")
        ),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk", "action")),
        "identities": list(LearnerIdentity.objects.values_list("first_name", "last_name", "pars_consent_at")),
    }


@pytest.fixture
def ama_and_ecmec(activity: Activity) -> Activity:
    today = timezone.localdate()
    activity.eaccme_credits = Decimal("1.5")
    activity.eaccme_event_code = "ELM-2026-1"
    activity.eaccme_granted_on = today - timedelta(days=1)
    activity.eaccme_valid_until = today + timedelta(days=365)
    activity.save()
    return activity


@pytest.fixture
def refused_once(pro_member, ama_and_ecmec):
    """A physician who passed, tried to claim before the evaluation (its statuses are recorded), then evaluated."""
    physician(pro_member)
    studied(pro_member, ama_and_ecmec)
    passed(pro_member, ama_and_ecmec)
    with pytest.raises(ClaimRefused):
        credit_claim(user=pro_member, activity=ama_and_ecmec, credits=Decimal("1.75"))
    evaluated(pro_member, ama_and_ecmec)
    return pro_member


def fail_on_the_ecmec_certificate(claim: Claim) -> dict[str, str]:
    if claim.credit_type == "ecmec":
        raise CertificateError(f"certificate {claim.certificate_id} lacks: date")
    return certificate_fields(claim)


def test_req20_a_failure_while_issuing_a_certificate_leaves_nothing_half_written(
    refused_once, ama_and_ecmec, monkeypatch
):
    before = written()
    assert {s[1] for s in before["statuses"] if not s[2]} == {"evaluation"}  # from the refused attempt
    monkeypatch.setattr(certificates, "certificate_fields", fail_on_the_ecmec_certificate)
    with pytest.raises(CertificateError):
        claim_submit(
            user=refused_once,
            activity=ama_and_ecmec,
            credits=Decimal("1.75"),
            identity=LearnerIdentity(first_name="Paula", last_name="Pro"),
            pars_consent=True,
        )
    # The AMA claim, its audit row, the new statuses, the name and the consent were all rolled back.
    assert written() == before

    monkeypatch.undo()
    attempt = claim_submit(
        user=refused_once,
        activity=ama_and_ecmec,
        credits=Decimal("1.75"),
        identity=LearnerIdentity(first_name="Paula", last_name="Pro"),
        pars_consent=True,
    )
    after = written()
    assert sorted(c.credit_type for c in attempt.claims) == ["ama", "ecmec"]
    assert all(c.learner_name == "Paula Pro" for c in attempt.claims)
    assert all(s[2] for s in after["statuses"])  # every status now satisfied, none left stale
    new_actions = [a for _, a in after["audit"][len(before["audit"]) :]]
    assert sorted(new_actions) == ["cme.claim_created", "cme.claim_created", "cme.pars_consent_given"]


def test_req20_a_refused_attempt_records_its_statuses_and_creates_nothing(pro_member, activity):
    physician(pro_member)
    studied(pro_member, activity)
    attempt = claim_submit(
        user=pro_member,
        activity=activity,
        credits=Decimal("1"),
        identity=LearnerIdentity(first_name="P", last_name="P"),
    )
    assert attempt.refused and attempt.claims == []
    assert attempt.messages == ["Pass the post-test with at least 70% first.", "Fill in the evaluation first."]
    assert not Claim.objects.exists()
    recorded = {s.requirement: s.satisfied for s in RequirementStatus.objects.filter(user=pro_member)}
    assert recorded == {
        "membership": True,
        "published": True,
        "validity": True,
        "quiz_pass": False,
        "evaluation": False,
        "physician": True,
    }
    assert LearnerIdentity.objects.filter(user=pro_member).exists()  # the name given with the attempt is kept


def test_req03_an_amount_that_cannot_be_claimed_writes_nothing(ready, activity):
    from django.core.exceptions import ValidationError

    before = written()
    with pytest.raises(ValidationError):
        claim_submit(
            user=ready,
            activity=activity,
            credits=Decimal("2.25"),
            identity=LearnerIdentity(first_name="Paul", last_name="Pro"),
            pars_consent=True,
        )
    assert written() == before


def test_req14_a_certificate_that_would_lack_the_name_is_never_issued(ready, activity):
    ready.full_name = " "
    ready.save(update_fields=["full_name"])
    before = written()
    with pytest.raises(CertificateError):
        credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    assert written() == before


def test_req14_the_claim_page_reports_a_certificate_that_cannot_be_issued_and_saves_nothing(
    refused_once, ama_and_ecmec, client, monkeypatch
):
    monkeypatch.setattr(certificates, "certificate_fields", fail_on_the_ecmec_certificate)
    before = written()
    client.force_login(refused_once)
    response = client.post(
        ama_and_ecmec.get_absolute_url(),
        {
            "identity": "1",
            "identity-first_name": "Paula",
            "identity-last_name": "Pro",
            "identity-birth_month": "4",
            "identity-birth_day": "9",
            "identity-npi": "1234567893",
            "identity-pars_consent": "on",
            "claim-credits": "1.75",
            "claim-confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "Your certificate could not be issued" in response.content.decode()
    assert written() == before


def test_req19_req20_the_claim_page_saves_name_consent_statuses_and_claims_together(ready, activity, client):
    client.force_login(ready)
    response = client.post(
        activity.get_absolute_url(),
        {
            "identity": "1",
            "identity-first_name": "Paula",
            "identity-last_name": "Pro",
            "identity-birth_month": "4",
            "identity-birth_day": "9",
            "identity-npi": "1234567893",
            "identity-pars_consent": "on",
            "claim-credits": "1.75",
            "claim-confirm": "on",
        },
    )
    assert response.status_code == 302
    [claim] = Claim.objects.filter(user=ready)
    assert (claim.learner_name, claim.claimed_credits) == ("Paula Pro", Decimal("1.75"))
    assert LearnerIdentity.objects.get(user=ready).pars_consent_at is not None
    assert RequirementStatus.objects.filter(user=ready, satisfied=True).count() == 6
    actions = set(AuditEvent.objects.filter(subject=ready).values_list("action", flat=True))
    assert {"cme.claim_created", "cme.pars_consent_given"} <= actions


def test_req08_the_first_submission_stores_the_default_evaluation_and_its_answers(pro_member, activity, client):
    activity.evaluation_questions.all().delete()
    client.force_login(pro_member)
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "Did you perceive any commercial bias?" in page and 'name="evaluation-qd0"' in page
    assert not EvaluationQuestion.objects.exists()  # showing the form stored nothing
    data = {"evaluation": "1"}
    for q in default_evaluation_questions(activity):
        data[f"evaluation-qd{q.position}"] = {"yes_no": "yes", "text": "Thanks."}.get(q.kind, "5")
        if q.kind == "yes_no":
            data[f"evaluation-qd{q.position}_comment"] = f"About {q.topic}."
    assert client.post(activity.get_absolute_url(), data).status_code == 302
    questions = list(activity.evaluation_questions.all())
    assert [q.topic for q in questions] == [
        "objective",
        "objective",
        "relevance",
        "bias",
        "change",
        "satisfaction",
        "comments",
    ]
    answers = activity.evaluations.get(user=pro_member).answers
    assert set(answers) == {str(q.pk) for q in questions}
    bias = next(q for q in questions if q.topic == "bias")
    assert answers[str(bias.pk)] == {
        "question": "Did you perceive any commercial bias?",
        "topic": "bias",
        "value": "yes",
        "comment": "About bias.",
    }
    assert AuditEvent.objects.filter(action="cme.evaluation_submitted", subject=pro_member).count() == 1
