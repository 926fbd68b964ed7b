"""Credit arithmetic and statements: docs/requirements.md, CME requirements 1, 2, 12, 13, 15, 34."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from preceptor.cme.credits import (
    designation_statement,
    eaccme_statement,
    joint_providership_statement,
    minutes_to_credits,
    validate_credit,
)
from preceptor.cme.models import Claim


@pytest.mark.parametrize("value", ["0.25", "0.5", "1.75", "2", "40.00", "0"])
def test_req01_credit_quantum_accepts_quarter_steps(value):
    validate_credit(Decimal(value))


@pytest.mark.parametrize("value", ["1.3", "0.1", "0.2", "1.10", "-0.25"])
def test_req01_credit_quantum_refuses_other_amounts(value):
    with pytest.raises(ValidationError):
        validate_credit(Decimal(value))


def test_req01_saving_a_claim_of_1_3_credits_raises_a_validation_error(ready, activity):
    claim = Claim(
        user=ready,
        activity=activity,
        credit_type="ama",
        claimed_credits=Decimal("1.3"),
        minutes=78,
        completed_at=activity.created_at,
        learner_name="X",
    )
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "claimed_credits" in error.value.message_dict
    activity.ama_max_credits = Decimal("1.3")
    with pytest.raises(ValidationError):
        activity.full_clean()


@pytest.mark.parametrize(
    "minutes, credits",
    [
        (44, "0.75"),
        (52, "0.75"),
        (53, "1.00"),
        (37.5, "0.75"),
        (7.5, "0.25"),
        (7.4, "0.00"),
        (22.5, "0.50"),
        (52.5, "1.00"),
        (60, "1.00"),
        (105, "1.75"),
        (0, "0.00"),
    ],
)
def test_req02_rounding_is_to_the_nearest_quarter_hour_half_up(minutes, credits):
    assert minutes_to_credits(minutes) == Decimal(credits)


def test_req02_rounding_is_not_bankers_rounding():
    # round(2.5) == 2 in Python; half up gives 3 quarters.
    assert round(37.5 / 15) == 2
    assert minutes_to_credits(37.5) == Decimal("0.75")


def test_req12_ama_designation_statement_has_provider_format_maximum_and_italic_trademark():
    html = str(
        designation_statement(provider="CME Consultants", learning_format="enduring material", maximum=Decimal("1.75"))
    )
    assert html == (
        "The CME Consultants designates this enduring material for a maximum of 1.75 "
        "<i>AMA PRA Category 1 Credits</i>™. Physicians should claim only the credit commensurate with the extent "
        "of their participation in the activity."
    )
    single = str(designation_statement(provider="X", learning_format="live activity", maximum=Decimal("1")))
    assert "live activity for a maximum of 1 <i>AMA PRA Category 1 Credit</i>™." in single


def test_req13_joint_providership_statement_snapshot():
    assert joint_providership_statement(accredited="CME Consultants", non_accredited="Preceptor") == (
        "This activity has been planned and implemented in accordance with the accreditation requirements and "
        "policies of the Accreditation Council for Continuing Medical Education (ACCME) through the joint "
        "providership of CME Consultants and Preceptor. The CME Consultants is accredited by the ACCME to provide "
        "continuing medical education for physicians."
    )


def test_req15_eaccme_statement_names_the_amount_and_the_claim_only_hours_sentence():
    text = eaccme_statement(title="ECG Essentials", maximum=Decimal("2"))
    assert "European Accreditation Council for Continuing Medical Education (EACCME®)" in text
    assert "designated for a maximum of 2 European CME credits (ECMEC®s)" in text
    assert text.endswith(
        "should claim only those hours of credit that he/she actually spent in the educational activity."
    )


def test_req34_eaccme_only_activity_shows_the_conversion_note_and_never_ama_credit(client, course, provider):
    from datetime import timedelta

    from django.utils import timezone

    from preceptor.cme.tests.conftest import make_activity

    today = timezone.localdate()
    make_activity(
        course,
        provider,
        ama_max_credits=None,
        eaccme_credits=Decimal("1.5"),
        eaccme_event_code="ELM-1",
        eaccme_granted_on=today - timedelta(days=10),
        eaccme_valid_until=today + timedelta(days=300),
    )
    html = client.get(course.get_absolute_url()).content.decode()
    assert "1 ECMEC® = 1 AMA PRA Category 1 Credit™" in html
    assert "AMA Ed Hub" in html and "processing fee" in html
    assert "<i>AMA PRA Category 1 Credit" not in html
