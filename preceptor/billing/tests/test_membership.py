"""How long Pro lasts: to the period end after cancelling, not after a refund, through the grace period if past due."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.models import Subscription
from preceptor.billing.providers import registry
from preceptor.billing.selectors import membership_for
from preceptor.billing.tests.conftest import buy, refund_in_full

pytestmark = pytest.mark.django_db


def test_cancelling_keeps_pro_until_the_period_ends_then_it_is_gone(client, prices, learner):
    buy(client, learner)
    response = client.post(reverse("billing:cancel"))
    assert response.status_code == 302
    subscription = Subscription.objects.get(user=learner)
    assert subscription.cancel_at_period_end
    assert membership_for(learner).is_pro
    with time_machine.travel(subscription.current_period_end + timedelta(seconds=1)):
        assert not membership_for(learner).is_pro


def test_a_full_refund_takes_pro_back_and_is_audited(client, prices, learner):
    buy(client, learner)
    receipt = refund_in_full(learner)
    assert receipt.status == "refunded"
    assert not membership_for(learner).is_pro
    from preceptor.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="billing.payment_refunded", subject=learner).exists()


def test_past_due_keeps_pro_for_the_grace_period(settings, prices, learner):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 3
    now = timezone.now()
    sub = Subscription.objects.create(
        user=learner,
        provider="demo",
        provider_id="demo_sub_x",
        status="past_due",
        past_due_since=now,
        current_period_end=now + timedelta(days=20),
    )
    assert membership_for(learner, now=now + timedelta(days=2)).is_pro
    assert not membership_for(learner, now=now + timedelta(days=3)).is_pro
    sub.status = "unpaid"
    sub.save()
    assert not membership_for(learner, now=now).is_pro


def test_a_failed_renewal_sends_one_dunning_email_and_keeps_pro_through_the_grace_period(
    client, prices, learner, mailoutbox, django_capture_on_commit_callbacks
):
    buy(client, learner)
    subscription = Subscription.objects.get(user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        registry.get("demo").fail_renewal(subscription=subscription)
    assert Subscription.objects.get(user=learner).status == "past_due"
    assert membership_for(learner).is_pro
    dunning = [m for m in mailoutbox if "did not go through" in m.subject]
    assert [m.to for m in dunning] == [[learner.email]]
