"""The seeded demo holds a member whose completion PARS accepts: ``export_pars`` on a fresh demo writes a
document that validates against the ACCME draft learner schema (docs/requirements.md, CME 21, 22, 24)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.cme.forms import npi_is_valid
from preceptor.cme.models import Claim, CreditType, EvaluationResponse, LearnerIdentity, ParsRecord
from preceptor.cme.pars import REPORTING_ZONE, reportable
from preceptor.profiles.models import Profession
from preceptor.quizzes.models import Attempt

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "cme" / "tests" / "pars-learner-reports.schema_v0_5.json").read_text()
)


def seed(settings) -> User:
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    return User.objects.get(email="pro@example.com")


def this_year() -> int:
    """The current year where PARS counts it (US Central time)."""
    return timezone.now().astimezone(REPORTING_ZONE).year


@pytest.mark.django_db
def test_the_demo_pro_member_has_completed_and_claimed_an_activity_for_pars(settings):
    pro = seed(settings)
    identity = LearnerIdentity.objects.get(user=pro)
    assert (identity.first_name, identity.last_name) == ("Samuel", "Okafor")
    assert identity.birth_month and identity.birth_day and npi_is_valid(identity.npi)
    assert identity.licences and all(len(licence["state"]) == 2 for licence in identity.licences)
    assert identity.pars_consent_at is not None and reportable(identity)
    attempt = Attempt.objects.get(user=pro, quiz__course__slug="ecg-essentials")
    assert attempt.passed and attempt.score is not None and attempt.score >= attempt.pass_mark
    assert EvaluationResponse.objects.filter(user=pro, activity__course__slug="ecg-essentials").exists()
    ama = Claim.objects.active().get(user=pro, credit_type=CreditType.AMA)
    assert ama.activity.course is not None and ama.activity.course.slug == "ecg-essentials"
    assert ama.learner_name == "Samuel Okafor" and ama.completed_at.astimezone(REPORTING_ZONE).year == this_year()
    assert ama.learner_profession == Profession.PHYSICIAN_MD_DO and ama.quiz_score == attempt.score
    # ECG Essentials is EACCME-accredited as well: a physician gets both certificates (requirement 15).
    assert set(Claim.objects.filter(user=pro).values_list("credit_type", flat=True)) == {"ama", "ecmec"}
    claims = set(Claim.objects.values_list("pk", flat=True))

    call_command("seed_demo", stdout=io.StringIO())  # make run seeds on every start

    assert set(Claim.objects.values_list("pk", flat=True)) == claims
    assert Attempt.objects.filter(user=pro).count() == 1 and LearnerIdentity.objects.count() == 1


@pytest.mark.django_db
def test_export_pars_on_a_fresh_demo_validates_against_the_draft_learner_schema(settings, tmp_path):
    seed(settings)
    target, err = tmp_path / "pars.json", io.StringIO()

    call_command("export_pars", year=this_year(), format="json", output=str(target), stderr=err)

    document = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    [record] = document["ACCMELearnerReports"]["ActivityReports"]["ActivityReport"]
    assert record["Member"] == {
        "Name": {"GivenName": "Samuel", "FamilyName": "Okafor"},
        "PersonalInfo": {"BirthDate": "1979-03-14"},
    }
    assert record["XtensibleInfo"]["LearnerRecordAction"] == "add"
    module = record["Activity"]["Module"]
    assert module["ModuleName"]["value"].startswith("ECG Essentials")
    assert module["CreditCertificate"][0]["UniqueID"] == {"value": "1948273655", "domain": "NPI"}
    assert f"{this_year()}: 1 add, 0 delete, 1 learners" in err.getvalue()
    assert ParsRecord.objects.count() == 1

    # Sent already: the next run has nothing to send and writes no (invalid, empty) document.
    again, err = tmp_path / "again.json", io.StringIO()
    call_command("export_pars", year=this_year(), format="json", output=str(again), stderr=err)
    assert not again.exists() and "nothing written" in err.getvalue()
    assert ParsRecord.objects.count() == 1
