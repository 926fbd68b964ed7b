"""Hostile numbers in CME forms are form errors, never a server error (found by ``site/tests/test_no_500.py``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from preceptor.cme.credits import validate_credit
from preceptor.cme.forms import IdentityForm
from preceptor.cme.models import LearnerIdentity


@pytest.mark.parametrize("value", ["1e309", "9" * 400, "NaN", "Infinity", "-Infinity", Decimal("1E+309"), float("inf")])
def test_a_credit_amount_that_is_not_a_finite_number_of_sensible_size_is_a_validation_error(value):
    with pytest.raises(ValidationError):
        validate_credit(value)


def test_a_quarter_step_amount_is_still_a_credit_amount():
    validate_credit("1.25")
    validate_credit(Decimal("40"))


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["123", "9223372036854775808", "١٢٣", "0", "-1"])
def test_an_identity_with_a_month_of_birth_out_of_range_is_a_form_error(learner, month):
    form = IdentityForm(
        {"first_name": "Lena", "last_name": "Learner", "birth_month": month, "birth_day": "1"},
        instance=LearnerIdentity(user=learner),
    )
    assert not form.is_valid()
    assert "birth_month" in form.errors


@pytest.mark.django_db
def test_the_identity_page_answers_a_huge_month_of_birth_with_the_form_again(learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post(
        "/cme/identity/",
        {
            "identity-first_name": "Lena",
            "identity-last_name": "Learner",
            "identity-birth_month": "9" * 30,
            "identity-birth_day": "9" * 30,
        },
    )
    assert response.status_code == 200
    assert not LearnerIdentity.objects.filter(user=learner).exists()
