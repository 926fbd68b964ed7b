"""One-off purchases (single classes, later): created pending, paid at the provider, confirmed by re-reading."""

import json
from datetime import UTC, datetime

import httpx
import pytest
from django.urls import reverse

from preceptor.billing.models import Order, Receipt
from preceptor.billing.providers.registry import get
from preceptor.billing.selectors import has_bought
from preceptor.billing.services import order_checkout_start, order_create, order_sync
from preceptor.billing.tests.test_paypal import paypal, post, signed  # noqa: F401 - fixtures and helpers
from preceptor.billing.tests.test_stripe_checkout import fake_stripe  # noqa: F401 - fixture
from preceptor.core.models import AuditEvent

pytestmark = pytest.mark.django_db
ITEM = "class:ecg-clinic-2026-12"


@pytest.fixture
def order(learner):
    return order_create(
        user=learner, item=ITEM, description="Live ECG clinic, 10 December", amount=4900, currency="EUR"
    )


def test_a_demo_purchase_is_confirmed_through_the_event_path_and_grants_the_item(client, settings, order, learner):
    settings.DEBUG = True
    client.force_login(learner)
    url = order_checkout_start(provider=get("demo"), request=None, order=order)
    assert not has_bought(learner, ITEM)
    page = client.get(url)
    assert "€49.00" in page.content.decode()
    response = client.post(url)
    assert response.url == reverse("billing:order_return", args=[order.public_id])
    assert "Payment received" in client.get(response.url, follow=True).content.decode()
    order.refresh_from_db()
    assert (order.status, order.provider) == ("paid", "demo")
    assert has_bought(learner, ITEM)
    assert Receipt.objects.get(user=learner).amount == 4900
    assert AuditEvent.objects.filter(action="billing.order_paid", subject=learner).exists()

    get("demo").refund_order(order=order)
    order.refresh_from_db()
    assert order.status == "refunded" and not has_bought(learner, ITEM)
    assert Receipt.objects.get(user=learner).status == "refunded"


def test_another_member_cannot_pay_or_return_to_someone_elses_order(client, settings, order, outsider):
    settings.DEBUG = True
    url = order_checkout_start(provider=get("demo"), request=None, order=order)
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    assert client.get(reverse("billing:order_return", args=[order.public_id])).status_code == 404
    assert Order.objects.get().status == "pending"


def test_an_amount_that_differs_at_the_provider_is_refused(order):
    from preceptor.billing.providers.base import RemoteOrder

    with pytest.raises(ValueError, match="differs"):
        order_sync(
            provider=get("demo"),
            remote=RemoteOrder(
                provider_id="x", order_ref=str(order.public_id), status="paid", amount=100, currency="EUR"
            ),
        )
    assert Order.objects.get().status == "pending"


def test_stripe_checkout_in_payment_mode_carries_the_order_reference(rf, fake_stripe, order):  # noqa: F811 -- fixtures imported from another conftest
    request = rf.get("/")
    url = order_checkout_start(provider=get("stripe"), request=request, order=order)
    assert url.startswith("https://checkout.stripe.com/")
    path, form, headers = fake_stripe[-1]
    assert path == "/v1/checkout/sessions" and form["mode"] == ["payment"]
    assert form["line_items[0][price_data][unit_amount]"] == ["4900"]
    assert form["line_items[0][price_data][currency]"] == ["eur"]
    assert form["metadata[preceptor_order]"] == [str(order.public_id)]
    assert form["payment_intent_data[metadata][preceptor_order]"] == [str(order.public_id)]
    assert headers["Idempotency-Key"] == f"order-{order.public_id}"
    assert Order.objects.get().provider_id == "cs_test_fake"


def test_a_paypal_order_is_captured_on_return_and_a_refund_webhook_takes_it_back(client, paypal, order, learner):  # noqa: F811 -- fixtures imported from another conftest
    orders: dict = {}
    handler = paypal.handler

    def with_orders(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v2/checkout/orders" and request.method == "POST":
            body = json.loads(request.content)
            orders["O-1"] = {
                "id": "O-1",
                "status": "CREATED",
                "purchase_units": [
                    {"custom_id": body["purchase_units"][0]["custom_id"], "amount": body["purchase_units"][0]["amount"]}
                ],
            }
            return httpx.Response(
                201,
                json={
                    "id": "O-1",
                    "links": [{"rel": "payer-action", "href": "https://www.sandbox.paypal.com/checkoutnow?token=O-1"}],
                },
            )
        if path == "/v2/checkout/orders/O-1/capture":
            orders["O-1"]["status"] = "COMPLETED"
            orders["O-1"]["purchase_units"][0]["payments"] = {
                "captures": [
                    {
                        "id": "CAP-1",
                        "status": "COMPLETED",
                        "create_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                ]
            }
            return httpx.Response(201, json=orders["O-1"])
        if path == "/v2/checkout/orders/O-1":
            return httpx.Response(200, json=orders["O-1"])
        return handler(request)

    get("paypal").transport = httpx.MockTransport(with_orders)
    url = order_checkout_start(provider=get("paypal"), request=client.get("/").wsgi_request, order=order)
    assert url == "https://www.sandbox.paypal.com/checkoutnow?token=O-1"
    assert orders["O-1"]["purchase_units"][0]["amount"] == {"currency_code": "EUR", "value": "49.00"}

    client.force_login(learner)
    client.get(reverse("billing:order_return", args=[order.public_id]))
    order.refresh_from_db()
    assert order.status == "paid" and has_bought(learner, ITEM)

    orders["O-1"]["purchase_units"][0]["payments"]["captures"][0]["status"] = "REFUNDED"
    refund = {
        "id": "WH-REFUND-1",
        "event_type": "PAYMENT.CAPTURE.REFUNDED",
        "resource": {"id": "REF-1", "supplementary_data": {"related_ids": {"order_id": "O-1"}}},
    }
    assert post(client, refund).status_code == 200
    order.refresh_from_db()
    assert order.status == "refunded" and not has_bought(learner, ITEM)
