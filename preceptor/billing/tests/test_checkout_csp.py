"""Checkouts under the CSP: a checkout or manage POST answers with a redirect to the provider's page, and
Chromium checks a form submission's redirects against ``form-action``. So a page that shows such a form admits
the configured providers' origins in its own ``form-action``, and only then (decision 0017)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from preceptor.billing.models import Subscription
from preceptor.billing.providers import registry

pytestmark = pytest.mark.django_db

STRIPE = ["https://checkout.stripe.com", "https://billing.stripe.com"]
SELF_ONLY = ["'self'"]


def form_action(response) -> list[str]:
    directives = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return directives["form-action"].split()


@pytest.fixture
def stripe_and_paypal(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET, settings.PAYPAL_WEBHOOK_ID = "id", "secret", "hook"
    settings.PAYPAL_API_BASE = "https://api-m.sandbox.paypal.com"
    assert registry.configured("stripe") and registry.configured("paypal")
    return settings


def test_each_provider_names_where_its_forms_redirect(settings):
    assert registry.get("stripe").redirect_origins() == STRIPE
    assert registry.get("demo").redirect_origins() == []
    settings.PAYPAL_API_BASE = "https://api-m.sandbox.paypal.com"
    assert registry.get("paypal").redirect_origins() == ["https://www.sandbox.paypal.com"]
    settings.PAYPAL_API_BASE = "https://api-m.paypal.com"
    assert registry.get("paypal").redirect_origins() == ["https://www.paypal.com"]


def test_the_pricing_page_admits_exactly_the_configured_providers(client, prices, stripe_and_paypal, learner):
    client.force_login(learner)
    response = client.get(reverse("billing:pricing"))
    assert "Pay with PayPal" in response.content.decode()
    assert form_action(response) == ["'self'", *sorted([*STRIPE, "https://www.sandbox.paypal.com"])]


def test_the_pricing_page_admits_only_the_live_paypal_host_on_a_live_server(client, prices, stripe_and_paypal, learner):
    stripe_and_paypal.PAYPAL_API_BASE = "https://api-m.paypal.com"
    stripe_and_paypal.STRIPE_SECRET_KEY = ""
    stripe_and_paypal.STRIPE_WEBHOOK_SECRET = ""
    client.force_login(learner)
    assert form_action(client.get(reverse("billing:pricing"))) == ["'self'", "https://www.paypal.com"]


def test_with_the_demo_provider_only_the_pricing_page_keeps_self(client, prices, learner):
    client.force_login(learner)
    response = client.get(reverse("billing:pricing"))
    assert "demo checkout" in response.content.decode()
    assert form_action(response) == SELF_ONLY


def test_a_pricing_page_without_checkout_forms_admits_no_provider(client, prices, stripe_and_paypal, pro_member):
    anonymous = client.get(reverse("billing:pricing"))
    client.force_login(pro_member)
    pro = client.get(reverse("billing:pricing"))
    assert "Pay by card" not in anonymous.content.decode() + pro.content.decode()
    assert form_action(anonymous) == SELF_ONLY
    assert form_action(pro) == SELF_ONLY


def test_the_billing_overview_admits_stripe_only_with_its_manage_form(client, stripe_and_paypal, learner):
    client.force_login(learner)
    assert form_action(client.get(reverse("billing:overview"))) == SELF_ONLY  # no membership, no form
    Subscription.objects.create(user=learner, provider="stripe", provider_id="sub_1", status="active")
    response = client.get(reverse("billing:overview"))
    assert "Manage payment method and invoices" in response.content.decode()
    assert form_action(response) == ["'self'", *sorted(STRIPE)]


def test_a_paypal_or_demo_membership_overview_keeps_self(client, stripe_and_paypal, learner, pro_member):
    Subscription.objects.create(user=learner, provider="paypal", provider_id="I-1", status="active")
    client.force_login(learner)
    paypal = client.get(reverse("billing:overview"))
    assert "Manage payment method" not in paypal.content.decode()
    assert form_action(paypal) == SELF_ONLY
    Subscription.objects.create(user=pro_member, provider="demo", provider_id="demo_1", status="active")
    client.force_login(pro_member)
    assert form_action(client.get(reverse("billing:overview"))) == SELF_ONLY
