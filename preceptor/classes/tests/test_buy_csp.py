"""Buying a class under the CSP: the Buy form's POST answers with a redirect to the payment provider, and
Chromium checks a form submission's redirects against ``form-action``. So a class page that shows the Buy form
admits the configured providers' origins, and only then (decision 0017)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from preceptor.classes import services
from preceptor.classes.tests.test_join_csp import SELF_ONLY, form_action

STRIPE_AND_PAYPAL = [
    "'self'",
    "https://billing.stripe.com",
    "https://checkout.stripe.com",
    "https://www.sandbox.paypal.com",
]


@pytest.fixture
def stripe_and_paypal(settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET, settings.PAYPAL_WEBHOOK_ID = "id", "secret", "hook"
    settings.PAYPAL_API_BASE = "https://api-m.sandbox.paypal.com"
    return settings


def test_the_class_page_admits_the_providers_while_it_shows_the_buy_form(
    client, live_class, learner, stripe_and_paypal
):
    client.force_login(learner)
    response = client.get(live_class.get_absolute_url())
    assert "Buy this class" in response.content.decode()
    assert form_action(response) == STRIPE_AND_PAYPAL


def test_with_the_demo_provider_only_the_buy_form_keeps_self(client, live_class, learner, settings):
    settings.DEBUG = True  # the demo provider is offered only in debug mode
    client.force_login(learner)
    response = client.get(live_class.get_absolute_url())
    assert "Buy this class" in response.content.decode()
    assert form_action(response) == SELF_ONLY


def test_without_the_buy_form_the_class_page_admits_no_provider(
    client, live_class, learner, pro_member, stripe_and_paypal
):
    anonymous = client.get(live_class.get_absolute_url())
    client.force_login(pro_member)  # may attend: a sign-up form instead
    pro = client.get(live_class.get_absolute_url())
    services.registration_create(user=pro_member, live_class=live_class)
    seated = client.get(live_class.get_absolute_url())
    with time_machine.travel(live_class.ends_at + timedelta(minutes=1)):
        client.force_login(learner)
        over = client.get(live_class.get_absolute_url())
    for response in (anonymous, pro, seated, over):
        assert "Buy this class" not in response.content.decode()
        assert form_action(response) == SELF_ONLY
    live_class.price_amount = None
    live_class.save()
    client.force_login(learner)
    free = client.get(live_class.get_absolute_url())
    assert "Buy this class" not in free.content.decode()
    assert form_action(free) == SELF_ONLY
