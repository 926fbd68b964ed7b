"""Cancelling asks first and says until when Pro stays; it goes to the provider at the end of the paid period and
can be undone until then ("Resume membership") where the provider allows it. Both are idempotent and audited."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from preceptor.billing.models import Subscription
from preceptor.billing.providers.registry import get
from preceptor.billing.selectors import membership_for
from preceptor.billing.services import subscription_sync
from preceptor.billing.tests.conftest import buy
from preceptor.billing.tests.test_paypal import event, paypal, paypal_price, post  # noqa: F401 - fixtures
from preceptor.billing.tests.test_stripe import stripe_price, subscribe  # noqa: F401 - fixture
from preceptor.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def audit_count(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_cancel_asks_for_confirmation_with_the_end_date_and_changes_nothing_on_a_get(client, prices, learner):
    buy(client, learner)
    subscription = Subscription.objects.get(user=learner)
    overview = client.get(reverse("billing:overview")).content.decode()
    assert f'href="{reverse("billing:cancel")}"' in overview  # a link to the question, not a one-click form

    page = client.get(reverse("billing:cancel"))
    text = page.content.decode()
    assert page.status_code == 200 and "Cancel your membership?" in text
    assert subscription.current_period_end.strftime("%Y") in text and "resume the membership" in text
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end and audit_count("billing.cancel_requested") == 0


def test_cancel_then_resume_through_the_demo_provider_is_audited_and_idempotent(client, prices, learner):
    buy(client, learner)
    cancelled = client.post(reverse("billing:cancel"), follow=True).content.decode()
    subscription = Subscription.objects.get(user=learner)
    assert subscription.cancel_at_period_end and membership_for(learner).is_pro
    assert "can resume it until then" in cancelled and "Resume membership" in cancelled
    client.post(reverse("billing:cancel"))
    assert audit_count("billing.cancel_requested") == 1  # a second cancel changes nothing

    resumed = client.post(reverse("billing:resume"), follow=True).content.decode()
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end and membership_for(learner).renews
    assert "Your membership is resumed" in resumed
    client.post(reverse("billing:resume"))
    assert audit_count("billing.resume_requested") == 1
    event = AuditEvent.objects.get(action="billing.resume_requested")
    assert (event.actor_id, event.subject_id) == (learner.pk, learner.pk)


def test_a_membership_whose_period_has_ended_cannot_be_resumed(client, prices, learner):
    buy(client, learner)
    client.post(reverse("billing:cancel"))
    subscription = Subscription.objects.get(user=learner)
    with time_machine.travel(subscription.current_period_end + timedelta(minutes=1)):
        client.force_login(learner)
        client.post(reverse("billing:resume"))
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end and audit_count("billing.resume_requested") == 0


def test_stripe_cancel_and_resume_set_cancel_at_period_end_at_stripe(client, stripe_price, learner):  # noqa: F811 - pytest fixtures imported above share the parameter names
    provider = get("stripe")
    remote = subscribe(learner, stripe_price)
    subscription_sync(provider=provider, remote=provider.fetch_subscription(remote["id"]))
    client.force_login(learner)

    client.post(reverse("billing:cancel"))
    assert provider.client.v1.subscriptions.retrieve(remote["id"]).cancel_at_period_end is True
    assert Subscription.objects.get(user=learner).cancel_at_period_end

    client.post(reverse("billing:resume"))
    assert provider.client.v1.subscriptions.retrieve(remote["id"]).cancel_at_period_end is False
    assert not Subscription.objects.get(user=learner).cancel_at_period_end
    assert audit_count("billing.cancel_requested") == audit_count("billing.resume_requested") == 1


def test_paypal_says_before_cancelling_that_it_cannot_be_resumed_and_refuses_to(client, paypal, paypal_price, learner):  # noqa: F811 - pytest fixtures imported above share the parameter names
    sub_id = paypal.subscription(learner, "P-PRO-MONTH-EUR")
    post(client, event("BILLING.SUBSCRIPTION.ACTIVATED", {"id": sub_id}))
    client.force_login(learner)
    assert "cannot be resumed once cancelled" in client.get(reverse("billing:cancel")).content.decode()
    client.post(reverse("billing:cancel"))
    assert Subscription.objects.get(user=learner).cancel_at_period_end
    overview = client.get(reverse("billing:overview")).content.decode()
    assert "Resume membership" not in overview
    calls = len(paypal.calls)
    refused = client.post(reverse("billing:resume"), follow=True).content.decode()
    assert "cannot be resumed" in refused and len(paypal.calls) == calls
    assert audit_count("billing.resume_requested") == 0
