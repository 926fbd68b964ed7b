"""Subscribing via the demo checkout: pricing page, Pro with a receipt and audit rows, refused checkouts explained."""

import pytest
from django.urls import reverse

from preceptor.billing.models import ProviderEvent, Receipt, Subscription
from preceptor.billing.selectors import membership_for
from preceptor.billing.tests.conftest import buy

pytestmark = pytest.mark.django_db


def test_pricing_shows_both_intervals_in_each_currency_to_everyone(client, prices, learner):
    page = client.get(reverse("billing:pricing")).content.decode()
    assert "€29.00" in page and "€249.00" in page and "Start free trial" in page
    assert "$32.00" in client.get(reverse("billing:pricing"), {"currency": "usd"}).content.decode()
    assert "€29.00" in client.get(reverse("billing:pricing"), {"currency": "XYZ"}).content.decode()
    client.force_login(learner)
    assert "demo checkout" in client.get(reverse("billing:pricing")).content.decode()


def test_buying_through_the_demo_gives_pro_a_receipt_and_audit_rows(
    client, prices, learner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = buy(client, learner, "year")
    assert response.url == reverse("billing:overview")
    membership = membership_for(learner)
    assert membership.is_pro and membership.renews
    subscription = Subscription.objects.get(user=learner)
    assert (subscription.provider, subscription.status, subscription.price) == ("demo", "active", prices["year", "EUR"])
    receipt = Receipt.objects.get(user=learner)
    assert (receipt.amount, receipt.currency) == (24900, "EUR")
    assert ProviderEvent.objects.filter(provider="demo", status="processed").count() == 2
    page = client.get(reverse("billing:overview")).content.decode()
    assert "€249.00" in page and "Renews on" in page
    assert client.get(receipt.get_absolute_url()).status_code == 200
    assert any("receipt" in m.subject.lower() for m in mailoutbox)


def test_invalid_checkout_input_is_explained(client, prices, learner):
    client.force_login(learner)
    response = client.post(
        reverse("billing:checkout"), {"interval": "decade", "currency": "EUR", "provider": "demo"}, follow=True
    )
    assert "Please choose a plan and a payment method." in response.content.decode()


def test_buying_again_while_pro_is_refused(client, prices, learner):
    buy(client, learner)
    response = client.post(
        reverse("billing:checkout"), {"interval": "year", "currency": "EUR", "provider": "demo"}, follow=True
    )
    assert "You are already a Pro member." in response.content.decode()
    assert Subscription.objects.count() == 1
