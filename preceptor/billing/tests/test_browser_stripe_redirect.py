"""With the CSP enforced, Chromium follows the checkout POST's redirect to Stripe Checkout, and the portal POST's
redirect to the Customer Portal: the pricing and billing pages admit Stripe's origins in their ``form-action``
(decision 0017). Stripe's API is the HTTP fake of ``test_stripe_checkout.py``, which answers with Stripe's real
Checkout and portal addresses; the browser's requests to those two origins are answered locally (Playwright
routes them), so nothing leaves the machine. A blocked redirect would be a CSP violation and fail the test."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from preceptor.billing.models import Customer, Price, Subscription
from preceptor.billing.tests.test_stripe_checkout import FakeStripe
from preceptor.catalog.tests.test_browser_learning import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STRIPE_PAGE = "<!doctype html><title>Stripe (fake)</title><p id='stripe'>Stripe page</p>"


@pytest.fixture
def stripe_api(settings):
    FakeStripe.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_x"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeStripe.requests
    server.shutdown()


def test_checkout_and_portal_forms_redirect_to_stripe_under_the_csp(live_server, new_page, stripe_api, learner):
    Price.objects.create(interval="month", currency="EUR", amount=2900, stripe_price_id="price_pro_month_eur")
    base = live_server.url
    page = new_page()
    reached: list[str] = []

    def stripe_page(route):
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=STRIPE_PAGE)

    page.route("https://checkout.stripe.com/**", stripe_page)
    page.route("https://billing.stripe.com/**", stripe_page)
    sign_in(page, base, learner.email)

    page.goto(f"{base}/pricing/")
    page.get_by_role("button", name="Pay by card").click()
    page.wait_for_url("https://checkout.stripe.com/c/pay/cs_test_fake")
    assert page.inner_text("#stripe") == "Stripe page"

    Customer.objects.get(user=learner, provider="stripe")  # made by the checkout
    Subscription.objects.create(user=learner, provider="stripe", provider_id="sub_1", status="active")
    page.goto(f"{base}/billing/")
    page.get_by_role("button", name="Manage payment method and invoices").click()
    page.wait_for_url("https://billing.stripe.com/p/session/fake")
    assert reached == ["https://checkout.stripe.com/c/pay/cs_test_fake", "https://billing.stripe.com/p/session/fake"]
