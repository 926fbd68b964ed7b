"""Payment providers: demo only with DEBUG on and via the same event path; a half-configured one stops the start."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from preceptor.billing.models import DemoSubscription, ProviderEvent
from preceptor.billing.providers import registry
from preceptor.billing.services import demo_checkout_complete

pytestmark = pytest.mark.django_db


def test_the_demo_provider_is_refused_when_debug_is_off(client, settings, prices, learner):
    client.force_login(learner)
    settings.DEBUG = False
    response = client.post(reverse("billing:checkout"), {"interval": "month", "currency": "EUR", "provider": "demo"})
    assert response.status_code == 302 and response.url == reverse("billing:pricing")
    assert not DemoSubscription.objects.exists()
    token = registry.get("demo").checkout_url(request=None, user=learner, price=prices["month", "EUR"]).split("/")[-2]
    assert client.post(reverse("billing:demo_pay", args=[token])).status_code == 404
    assert registry.available() == []


def test_a_half_configured_provider_stops_the_start(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="stripe payment provider is half configured: set STRIPE_WEBHOOK"):
        registry.check_configuration()
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    registry.check_configuration()
    assert [p.name for p in registry.available()] == ["stripe"]


def test_demo_checkout_runs_through_the_same_event_path(prices, learner):
    demo_checkout_complete(provider=registry.get("demo"), user=learner, price=prices["month", "USD"])
    assert set(ProviderEvent.objects.values_list("type", flat=True)) == {
        "customer.subscription.created",
        "invoice.paid",
    }
