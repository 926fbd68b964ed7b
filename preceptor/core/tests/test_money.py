"""Money in the reader's language: "€1,290.00" in English, "1.290,00 €" in German (Django's number formats)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from preceptor.core.money import money

NBSP = "\N{NO-BREAK SPACE}"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "shown"),
    [
        ("en", 1900, "EUR", "€19.00"),
        ("en", 129000, "EUR", "€1,290.00"),
        ("en", 5, "USD", "$0.05"),
        ("en", 1900, "CHF", "CHF 19.00"),
        ("en", -150, "EUR", "-€1.50"),
        ("de", 1900, "EUR", f"19,00{NBSP}€"),
        ("de", 129000, "EUR", f"1.290,00{NBSP}€"),
        ("de", 5, "USD", f"0,05{NBSP}$"),
        ("de", -150, "EUR", f"-1,50{NBSP}€"),
    ],
)
def test_an_amount_in_cents_reads_as_the_language_writes_money(language, amount, currency, shown):
    with translation.override(language):
        assert money(amount, currency) == shown


def test_the_money_filter_follows_the_active_language():
    template = Template("{% load preceptor %}{{ amount|money:'EUR' }}")
    with translation.override("de"):
        assert template.render(Context({"amount": 2900})) == f"29,00{NBSP}€"
    with translation.override("en"):
        assert template.render(Context({"amount": 2900})) == "€29.00"
