"""Who opens billing pages and demo checkout links: anonymous visitors, other members, the owner."""

import pytest
from django.urls import reverse

from preceptor.billing.models import Receipt, Subscription
from preceptor.billing.tests.conftest import buy

pytestmark = pytest.mark.django_db


def test_a_demo_checkout_link_belongs_to_one_member(client, prices, learner, outsider):
    client.force_login(learner)
    url = client.post(reverse("billing:checkout"), {"interval": "month", "currency": "EUR", "provider": "demo"}).url
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert client.get(reverse("billing:demo_pay", args=["forged"])).status_code == 302
    assert not Subscription.objects.exists()


def test_pages_for_anonymous_other_member_and_owner(client, prices, learner, outsider):
    for name in ("billing:overview",):
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("billing:checkout"), {}).status_code == 302
    assert client.post(reverse("billing:cancel")).status_code == 302
    buy(client, learner)
    receipt = Receipt.objects.get(user=learner)
    client.force_login(outsider)
    assert client.get(receipt.get_absolute_url()).status_code == 404
    assert "No payments yet." in client.get(reverse("billing:overview")).content.decode()
    client.post(reverse("billing:cancel"))
    assert not Subscription.objects.get(user=learner).cancel_at_period_end
    client.force_login(learner)
    client.post(reverse("billing:cancel"))
    client.force_login(outsider)
    client.post(reverse("billing:resume"))  # someone else's cancellation is not theirs to undo
    assert Subscription.objects.get(user=learner).cancel_at_period_end
