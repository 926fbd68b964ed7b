from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.models import DemoSubscription, Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers import registry
from preceptor.billing.providers.base import RemotePayment
from preceptor.billing.selectors import membership_for
from preceptor.billing.services import demo_checkout_complete, payment_sync, prices_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def prices(db, settings):
    settings.DEBUG = True  # the demo checkout exists only on servers in debug mode (pytest turns DEBUG off)
    return {(p.interval, p.currency): p for p in prices_ensure()}


def buy(client, user, interval="month", currency="EUR"):
    client.force_login(user)
    response = client.post(
        reverse("billing:checkout"), {"interval": interval, "currency": currency, "provider": "demo"}
    )
    assert response.status_code == 302, response
    return client.post(response.url)


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
    receipt = Receipt.objects.get(user=learner)
    payment_sync(
        provider=registry.get("demo"),
        remote=RemotePayment(
            provider_id=receipt.provider_id,
            user_id=learner.pk,
            customer_id=f"demo_cus_{learner.pk}",
            subscription_id=receipt.subscription.provider_id,
            description=receipt.description,
            amount=receipt.amount,
            currency="EUR",
            paid_at=receipt.paid_at,
            refunded_amount=receipt.amount,
        ),
    )
    receipt.refresh_from_db()
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


def test_the_demo_provider_is_refused_when_debug_is_off(client, settings, prices, learner):
    client.force_login(learner)
    settings.DEBUG = False
    response = client.post(reverse("billing:checkout"), {"interval": "month", "currency": "EUR", "provider": "demo"})
    assert response.status_code == 302 and response.url == reverse("billing:pricing")
    assert not DemoSubscription.objects.exists()
    token = registry.get("demo").checkout_url(request=None, user=learner, price=prices["month", "EUR"]).split("/")[-2]
    assert client.post(reverse("billing:demo_pay", args=[token])).status_code == 404
    assert registry.available() == []


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


def test_a_half_configured_provider_stops_the_start(settings):
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="stripe payment provider is half configured: set STRIPE_WEBHOOK"):
        registry.check_configuration()
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    registry.check_configuration()
    assert [p.name for p in registry.available()] == ["stripe"]


CARD_LIKE = ("card", "pan", "cvc", "cvv", "ccv", "expiry", "exp_month", "exp_year", "iban", "account_number")


def test_no_model_has_a_field_for_card_data():
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and any(word in field.name.lower() for word in CARD_LIKE)
    ]
    assert offenders == []


def test_the_trial_start_is_recorded_for_later_conversions(learner):
    from preceptor.core.models import DomainEvent

    assert DomainEvent.objects.filter(kind="trial_started", user=learner, reference=f"trial:{learner.pk}").exists()


def test_money_is_integer_minor_units_and_prices_are_positive(prices):
    from django.db import IntegrityError, transaction

    assert all(isinstance(p.amount, int) for p in Price.objects.all())
    with pytest.raises(IntegrityError), transaction.atomic():
        Price.objects.create(interval="month", currency="USD", amount=0)


def test_demo_checkout_runs_through_the_same_event_path(prices, learner):
    demo_checkout_complete(provider=registry.get("demo"), user=learner, price=prices["month", "USD"])
    assert set(ProviderEvent.objects.values_list("type", flat=True)) == {
        "customer.subscription.created",
        "invoice.paid",
    }


def test_trial_ending_reminder_goes_once_to_members_whose_trial_ends_within_two_days(
    learner, outsider, pro_member, mailoutbox, django_capture_on_commit_callbacks
):
    from preceptor.billing.tasks import trial_ending_reminders

    learner.trial_ends_at = timezone.now() + timedelta(days=1)
    learner.save()
    pro_member.trial_ends_at = timezone.now() + timedelta(days=1)  # Pro already: no reminder
    pro_member.save()
    # outsider's trial ends in 7 days: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert trial_ending_reminders() == 1
        assert trial_ending_reminders() == 0
    assert [m.to for m in mailoutbox] == [[learner.email]]
    assert "trial ends soon" in mailoutbox[0].subject


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
