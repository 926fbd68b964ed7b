"""Stripe against localstripe (customer, subscription, invoice, failed payment) and events signed by the tests
(Checkout, Portal changes, invoice.paid, customer.subscription.updated)."""

import time

import pytest

from preceptor.billing.models import Customer, Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers.registry import get
from preceptor.billing.selectors import membership_for
from preceptor.billing.tests.conftest import post_event, sign, stripe_event
from preceptor.core.models import AuditEvent, DomainEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_price(stripe_settings):
    client = get("stripe").client
    plan_id = f"pro-month-eur-{time.monotonic_ns()}"
    product = client.v1.products.create(params={"name": "Preceptor Pro"})
    client.v1.plans.create(
        params={"id": plan_id, "product": product.id, "amount": 2900, "currency": "eur", "interval": "month"}
    )
    return Price.objects.create(interval="month", currency="EUR", amount=2900, stripe_price_id=plan_id)


def subscribe(user, price, card="4242424242424242"):
    """What Stripe Checkout does on the hosted page: customer, card, subscription."""
    provider = get("stripe")
    client = provider.client
    customer_id = provider._customer_id(user)
    method = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(method.id, params={"customer": customer_id})
    client.v1.customers.update(customer_id, params={"invoice_settings": {"default_payment_method": method.id}})
    return client.v1.subscriptions.create(
        params={
            "customer": customer_id,
            "items": [{"plan": price.stripe_price_id}],
            "metadata": {"preceptor_user": str(user.pk)},
        }
    ).to_dict()


def test_the_stripe_customer_is_created_once_and_reused(stripe_settings, learner):
    provider = get("stripe")
    first = provider._customer_id(learner)
    assert first.startswith("cus_")
    assert provider._customer_id(learner) == first
    assert Customer.objects.get(user=learner).provider_id == first


def test_checkout_completed_event_grants_pro_from_the_subscription_stripe_holds(client, stripe_price, learner):
    sub = subscribe(learner, stripe_price)
    body = stripe_event(
        "checkout.session.completed",
        {
            "id": "cs_test_1",
            "object": "checkout.session",
            "mode": "subscription",
            "subscription": sub["id"],
            "client_reference_id": str(learner.pk),
        },
    )
    assert post_event(client, body).status_code == 200
    subscription = Subscription.objects.get(user=learner)
    assert (subscription.provider, subscription.status, subscription.price) == ("stripe", "active", stripe_price)
    assert subscription.current_period_end is not None
    assert membership_for(learner).is_pro


def test_invoice_paid_records_a_receipt_once_with_the_purchase_event(
    client, stripe_price, learner, mailoutbox, django_capture_on_commit_callbacks
):
    sub = subscribe(learner, stripe_price)
    invoice = get("stripe").client.v1.invoices.list(params={"customer": sub["customer"]}).data[0].to_dict()
    body = stripe_event(
        "invoice.paid",
        {"id": invoice["id"], "object": "invoice", "subscription": sub["id"], "customer": sub["customer"]},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, body).status_code == 200
        assert post_event(client, body).status_code == 200  # duplicate delivery
    receipt = Receipt.objects.get(user=learner)
    assert (receipt.amount, receipt.currency, receipt.status, receipt.provider_id) == (
        2900,
        "EUR",
        "paid",
        invoice["id"],
    )
    assert ProviderEvent.objects.count() == 1
    assert DomainEvent.objects.filter(kind="purchase_completed", user=learner).count() == 1
    assert AuditEvent.objects.filter(action="billing.payment_received", subject=learner).count() == 1
    assert [m.to for m in mailoutbox if "receipt" in m.subject.lower()] == [[learner.email]]
    assert "€29.00" in mailoutbox[-1].body


def test_a_failed_first_payment_leaves_the_member_without_pro(client, stripe_price, learner):
    sub = subscribe(learner, stripe_price, card="4000000000000341")
    body = stripe_event("customer.subscription.created", {"id": sub["id"], "object": "subscription"})
    post_event(client, body)
    assert Subscription.objects.get(user=learner).status == "incomplete"
    assert not membership_for(learner).is_pro


def test_a_portal_cancellation_arrives_as_subscription_updated_and_keeps_access_to_period_end(
    client, stripe_price, learner
):
    sub = subscribe(learner, stripe_price)
    post_event(client, stripe_event("customer.subscription.created", {"id": sub["id"], "object": "subscription"}))
    get("stripe").client.v1.subscriptions.update(sub["id"], params={"cancel_at_period_end": True})  # in the Portal
    post_event(
        client,
        stripe_event(
            "customer.subscription.updated", {"id": sub["id"], "object": "subscription", "cancel_at_period_end": True}
        ),
    )
    subscription = Subscription.objects.get(user=learner)
    assert subscription.cancel_at_period_end
    membership = membership_for(learner)
    assert membership.is_pro and not membership.renews


def test_events_in_any_order_end_in_stripes_current_state(client, stripe_price, learner):
    sub = subscribe(learner, stripe_price)
    get("stripe").client.v1.subscriptions.cancel(sub["id"])
    deleted = stripe_event("customer.subscription.deleted", {"id": sub["id"], "object": "subscription"})
    created = stripe_event("customer.subscription.created", {"id": sub["id"], "object": "subscription"})
    post_event(client, deleted)
    post_event(client, created)  # arrives late, says "active" in its payload: we re-read, and Stripe says canceled
    assert Subscription.objects.get(user=learner).status == "canceled"
    assert not membership_for(learner).is_pro


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_STRIPE_SIGNATURE": "t=1,v1=deadbeef"},
        {"HTTP_STRIPE_SIGNATURE": ""},
        {},
    ],
)
def test_a_wrong_signature_is_refused_and_changes_nothing(client, stripe_settings, headers):
    body = stripe_event("customer.subscription.created", {"id": "sub_x", "object": "subscription"})
    if not headers:
        headers = {"HTTP_STRIPE_SIGNATURE": sign(body, secret="whsec_someone_else")}
    assert post_event(client, body, **headers).status_code == 400
    assert ProviderEvent.objects.count() == 0


def test_a_stale_signature_is_refused(client, stripe_settings):
    body = stripe_event("customer.subscription.created", {"id": "sub_x", "object": "subscription"})
    stale = sign(body, timestamp=int(time.time()) - 3600)
    assert post_event(client, body, HTTP_STRIPE_SIGNATURE=stale).status_code == 400
    assert ProviderEvent.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [b"[]", b'{"id": 5, "type": "invoice.paid"}', b'{"id": "evt_x"}', b"not json", b'{"id": "evt_\xff"}'],
    ids=["a list", "a numeric id", "no type", "not JSON", "not UTF-8"],
)
def test_a_correctly_signed_body_that_is_no_event_is_refused(client, stripe_settings, body):
    assert post_event(client, body, HTTP_STRIPE_SIGNATURE=sign(body)).status_code == 400
    assert ProviderEvent.objects.count() == 0


def test_a_tampered_body_is_refused(client, stripe_settings):
    body = stripe_event("customer.subscription.created", {"id": "sub_x", "object": "subscription"})
    signature = sign(body)
    assert post_event(client, body.replace(b"sub_x", b"sub_y"), HTTP_STRIPE_SIGNATURE=signature).status_code == 400


def test_a_processing_failure_answers_500_and_can_be_replayed_from_the_back_office(
    client, admin_client, stripe_price, learner
):
    client_api = get("stripe").client
    customer = client_api.v1.customers.create(params={"email": "made-elsewhere@example.org"})  # not via Preceptor
    method = client_api.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    client_api.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    client_api.v1.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": method.id}})
    sub = client_api.v1.subscriptions.create(
        params={
            "customer": customer.id,
            "items": [{"plan": stripe_price.stripe_price_id}],
            "metadata": {"preceptor_user": "999999"},
        }  # names no member: processing must fail
    ).to_dict()
    body = stripe_event("customer.subscription.created", {"id": sub["id"], "object": "subscription"})
    assert post_event(client, body).status_code == 500
    event = ProviderEvent.objects.get()
    assert event.status == "failed" and "belongs to no member" in event.error
    assert post_event(client, body).status_code == 500  # Stripe retries the same event: still one row
    assert ProviderEvent.objects.get().attempts == 2
    assert not Subscription.objects.exists()

    Customer.objects.create(user=learner, provider="stripe", provider_id=sub["customer"])  # staff repair the link
    response = admin_client.post(
        "/admin/billing/providerevent/", {"action": "replay", "_selected_action": [event.pk]}, follow=True
    )
    assert "1 processed again, 0 still failing." in response.content.decode()
    assert ProviderEvent.objects.get().status == "processed"
    assert Subscription.objects.get(user=learner).status == "active"


def test_unhandled_event_types_are_stored_and_ignored(client, stripe_settings):
    body = stripe_event("customer.created", {"id": "cus_x", "object": "customer"})
    assert post_event(client, body).status_code == 200
    assert ProviderEvent.objects.get().status == "ignored"


def test_the_webhook_is_not_there_when_stripe_is_not_configured(client, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert client.post("/webhooks/stripe/", data=b"{}", content_type="application/json").status_code == 404


def test_a_refund_at_stripe_takes_back_pro_and_marks_the_receipt(client, stripe_price, learner):
    sub = subscribe(learner, stripe_price)
    api = get("stripe").client
    post_event(client, stripe_event("customer.subscription.created", {"id": sub["id"], "object": "subscription"}))
    invoice = api.v1.invoices.list(params={"customer": sub["customer"]}).data[0].to_dict()
    post_event(
        client, stripe_event("invoice.paid", {"id": invoice["id"], "object": "invoice", "subscription": sub["id"]})
    )
    assert membership_for(learner).is_pro
    charge = invoice["charge"]["id"] if isinstance(invoice["charge"], dict) else invoice["charge"]
    api.v1.refunds.create(params={"charge": charge})
    post_event(client, stripe_event("charge.refunded", {"id": charge, "object": "charge", "invoice": invoice["id"]}))
    receipt = Receipt.objects.get(user=learner)
    assert receipt.status == "refunded" and receipt.refunded_amount == 2900
    assert not membership_for(learner).is_pro
    assert AuditEvent.objects.filter(action="billing.payment_refunded", subject=learner).exists()
    # A later subscription.updated (Stripe still says "active") does not give the access back.
    post_event(
        client,
        stripe_event(
            "customer.subscription.updated", {"id": sub["id"], "object": "subscription"}, event_id="evt_after_refund"
        ),
    )
    assert not membership_for(learner).is_pro
