"""Billing data: money in integer minor units, positive prices, and no model field anywhere for card data."""

import pytest
from django.apps import apps
from django.db import models

from preceptor.billing.models import Price

pytestmark = pytest.mark.django_db


CARD_LIKE = ("card", "pan", "cvc", "cvv", "ccv", "expiry", "exp_month", "exp_year", "iban", "account_number")


def test_no_model_has_a_field_for_card_data():
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and any(word in field.name.lower() for word in CARD_LIKE)
    ]
    assert offenders == []


def test_money_is_integer_minor_units_and_prices_are_positive(prices):
    from django.db import IntegrityError, transaction

    assert all(isinstance(p.amount, int) for p in Price.objects.all())
    with pytest.raises(IntegrityError), transaction.atomic():
        Price.objects.create(interval="month", currency="USD", amount=0)
