"""Buying a class seats the buyer in the same step: the payment confirmed by the provider (a signed Stripe
webhook, the return from Stripe Checkout, a PayPal capture, the demo checkout) registers them, or waitlists them
when the class filled while they paid — with a way to get the money back. The buyer gets a confirmation with the
class as a calendar file, and the class list marks the classes they joined."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.services import complimentary_pro_grant
from preceptor.billing.models import Order, ProviderEvent
from preceptor.billing.providers.registry import get
from preceptor.billing.services import order_checkout_start, order_create
from preceptor.billing.tests.conftest import post_event, stripe_event
from preceptor.billing.tests.test_paypal import paypal  # noqa: F401 - fixture
from preceptor.classes import services
from preceptor.classes.models import Registration
from preceptor.classes.tests.conftest import make_class
from preceptor.conftest import make_member
from preceptor.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def another_pro(email: str):
    user = make_member(email, email.split("@")[0].title())
    return complimentary_pro_grant(user=user, until=timezone.now() + timedelta(days=30), actor=None)


class CheckoutStripe(BaseHTTPRequestHandler):
    """Stripe Checkout in payment mode, which localstripe lacks: sessions are made, paid (``pay``) and re-read."""

    sessions: dict[str, dict] = {}

    def _answer(self, body: dict, status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if self.path == "/v1/customers":
            return self._answer({"id": "cus_buyer", "object": "customer"})
        if self.path == "/v1/checkout/sessions":
            session_id = f"cs_test_{len(self.sessions) + 1}"
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "mode": "payment",
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": int(form["line_items[0][price_data][unit_amount]"][0]),
                "currency": form["line_items[0][price_data][currency]"][0],
                "metadata": {"preceptor_order": form["metadata[preceptor_order]"][0]},
                "payment_intent": None,
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            }
            return self._answer(self.sessions[session_id])
        return self._answer({"error": {"message": "not faked"}}, 404)

    def do_GET(self) -> None:
        session_id = urlsplit(self.path).path.rsplit("/", 1)[-1]
        if session_id not in self.sessions:
            return self._answer({"error": {"message": "no such session"}}, 404)
        return self._answer(self.sessions[session_id])

    def log_message(self, *args) -> None:
        pass

    @classmethod
    def pay(cls, session_id: str) -> dict:
        """What the hosted page does when the buyer pays."""
        session = cls.sessions[session_id]
        charge = {"id": "ch_1", "object": "charge", "amount_refunded": 0, "created": int(time.time())}
        session.update(
            status="complete",
            payment_status="paid",
            payment_intent={"id": "pi_1", "object": "payment_intent", "latest_charge": charge},
        )
        return session


@pytest.fixture
def checkout_stripe(settings):
    CheckoutStripe.sessions = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), CheckoutStripe)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = "sk_test_x", "whsec_test_preceptor"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield CheckoutStripe
    server.shutdown()
    server.server_close()


def buy_with_stripe(client, live_class, user) -> str:
    """The buyer presses "Buy this class" and is sent to Stripe Checkout; returns the session id."""
    client.force_login(user)
    response = client.post(reverse("classes:buy", args=[live_class.slug]), {"provider": "stripe"})
    assert response.status_code == 302 and response["Location"].startswith("https://checkout.stripe.com/")
    return response["Location"].rsplit("/", 1)[-1]


def completed(session: dict) -> bytes:
    return stripe_event("checkout.session.completed", {k: v for k, v in session.items() if k != "payment_intent"})


def test_buying_a_class_seats_the_buyer(
    client, checkout_stripe, live_class, learner, mailoutbox, django_capture_on_commit_callbacks
):
    session_id = buy_with_stripe(client, live_class, learner)
    assert not Registration.objects.exists()  # nothing is granted before the provider confirms the payment
    session = checkout_stripe.pay(session_id)

    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, completed(session)).status_code == 200

    registration = Registration.objects.get(user=learner, live_class=live_class)
    assert registration.status == Registration.Status.REGISTERED
    assert Order.objects.get(user=learner).status == Order.Status.PAID
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "You are signed up." in page and "Buy this class" not in page and ">Sign up<" not in page
    assert AuditEvent.objects.filter(action="classes.purchase_registered", subject=learner).exists()

    confirmations = [m for m in mailoutbox if live_class.title in m.subject]
    assert len(confirmations) == 1 and confirmations[0].to == [learner.email]
    assert "Your seat is booked" in confirmations[0].subject
    ((name, ics, mimetype),) = confirmations[0].attachments
    assert name == f"{live_class.slug}.ics" and mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics and live_class.title in ics


def test_a_repeated_webhook_and_the_return_from_checkout_seat_the_buyer_once(
    client, checkout_stripe, live_class, learner, mailoutbox, django_capture_on_commit_callbacks
):
    session_id = buy_with_stripe(client, live_class, learner)
    session = checkout_stripe.pay(session_id)
    order = Order.objects.get(user=learner)
    with django_capture_on_commit_callbacks(execute=True):
        # Back from Checkout before the webhook: the order is re-read from Stripe, and the buyer lands seated.
        back = client.get(reverse("billing:order_return", args=[order.public_id]), follow=True)
        assert "You are signed up." in back.content.decode()
        post_event(client, completed(session))
        post_event(client, completed(session))
    assert Registration.objects.filter(user=learner).count() == 1
    assert ProviderEvent.objects.count() == 1
    assert AuditEvent.objects.filter(action="classes.purchase_registered").count() == 1
    assert len([m for m in mailoutbox if live_class.title in m.subject]) == 1


def test_when_the_class_filled_while_paying_the_buyer_is_waitlisted_told_so_and_shown_the_refund_path(
    client, checkout_stripe, live_class, learner, pro_member, mailoutbox, django_capture_on_commit_callbacks
):
    session_id = buy_with_stripe(client, live_class, learner)
    services.registration_create(user=pro_member, live_class=live_class)
    services.registration_create(user=another_pro("third@example.org"), live_class=live_class)
    session = checkout_stripe.pay(session_id)  # the two seats went while the learner was on the payment page

    with django_capture_on_commit_callbacks(execute=True):
        assert post_event(client, completed(session)).status_code == 200

    assert Registration.objects.get(user=learner).status == Registration.Status.WAITLISTED
    assert live_class.registrations.filter(status="registered").count() == live_class.capacity
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "You are on the waitlist" in page and "ask us for a refund" in page
    (confirmation,) = [m for m in mailoutbox if live_class.title in m.subject]
    assert "waitlist" in confirmation.subject and "refund the full price" in confirmation.body


def test_a_member_on_the_waitlist_who_did_not_pay_is_not_offered_a_refund(client, live_class, pro_member, learner):
    services.registration_create(user=another_pro("a@example.org"), live_class=live_class)
    services.registration_create(user=another_pro("b@example.org"), live_class=live_class)
    assert services.registration_create(user=pro_member, live_class=live_class).status == "waitlisted"
    client.force_login(pro_member)
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "You are on the waitlist" in page and "ask us for a refund" not in page


def test_a_payment_for_a_class_that_is_over_seats_nobody_and_is_on_record(client, checkout_stripe, live_class, learner):
    session_id = buy_with_stripe(client, live_class, learner)
    live_class.ended_at = datetime.now(UTC)
    live_class.save()
    assert post_event(client, completed(checkout_stripe.pay(session_id))).status_code == 200
    assert not Registration.objects.exists()
    assert Order.objects.get().status == "paid"  # the payment is recorded; support refunds it
    assert AuditEvent.objects.filter(action="classes.purchase_not_seated", subject=learner).exists()


def test_the_demo_checkout_seats_the_buyer_without_a_second_step(client, settings, live_class, learner):
    settings.DEBUG = True  # the demo provider exists only on demo servers
    client.force_login(learner)
    response = client.post(reverse("classes:buy", args=[live_class.slug]), {"provider": "demo"})
    pay = client.post(response["Location"])
    page = client.get(pay["Location"], follow=True).content.decode()
    assert Registration.objects.get(user=learner).status == "registered"
    assert "You are signed up." in page


def test_a_paypal_purchase_seats_the_buyer_when_the_capture_completes(client, paypal, live_class, learner):  # noqa: F811 -- fixtures imported from another conftest
    orders: dict = {}
    handler = paypal.handler

    def with_orders(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v2/checkout/orders" and request.method == "POST":
            unit = json.loads(request.content)["purchase_units"][0]
            orders["O-9"] = {
                "id": "O-9",
                "purchase_units": [{"custom_id": unit["custom_id"], "amount": unit["amount"]}],
            }
            link = {"rel": "payer-action", "href": "https://www.sandbox.paypal.com/checkoutnow?token=O-9"}
            return httpx.Response(201, json={"id": "O-9", "links": [link]})
        if path == "/v2/checkout/orders/O-9/capture":
            capture = {"id": "C-9", "status": "COMPLETED", "create_time": datetime.now(UTC).isoformat()}
            orders["O-9"]["purchase_units"][0]["payments"] = {"captures": [capture]}
            return httpx.Response(201, json=orders["O-9"])
        if path == "/v2/checkout/orders/O-9":
            return httpx.Response(200, json=orders["O-9"])
        return handler(request)

    get("paypal").transport = httpx.MockTransport(with_orders)
    client.force_login(learner)
    response = client.post(reverse("classes:buy", args=[live_class.slug]), {"provider": "paypal"})
    assert response["Location"].startswith("https://www.sandbox.paypal.com/")
    assert not Registration.objects.exists()
    back = client.get(reverse("billing:order_return", args=[Order.objects.get().public_id]), follow=True)
    assert Registration.objects.get(user=learner).status == "registered"
    assert "You are signed up." in back.content.decode()


def test_the_class_list_marks_my_classes_and_shows_the_single_class_price(
    client, live_class, tutor, learner, pro_member, django_assert_max_num_queries
):
    other = make_class(tutor, slug="pro-only", title="Pro-only round", price_amount=None)
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(pro_member)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("classes:list")).content.decode()
    mine, theirs = page.split(other.title)[0], page.split(other.title)[1]
    assert "You are signed up" in mine and "€19.00 for this class, or included in Pro" in mine
    assert "You are signed up" not in theirs and "Included in Pro" in theirs
    client.force_login(learner)
    assert "You are signed up" not in client.get(reverse("classes:list")).content.decode()


def test_a_refund_frees_the_seat_for_the_first_on_the_waitlist(client, settings, live_class, learner):
    settings.DEBUG = True
    client.force_login(learner)
    response = client.post(reverse("classes:buy", args=[live_class.slug]), {"provider": "demo"})
    client.get(client.post(response["Location"])["Location"])
    assert Registration.objects.get(user=learner).status == "registered"
    services.registration_create(user=another_pro("second@example.org"), live_class=live_class)
    waiting = another_pro("waiting@example.org")
    assert services.registration_create(user=waiting, live_class=live_class).status == "waitlisted"

    get("demo").refund_order(order=Order.objects.get(user=learner))  # support refunds at the provider

    assert Registration.objects.get(user=learner).status == "cancelled"
    assert Registration.objects.get(user=waiting).status == "registered"
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "Buy this class" in page


def test_a_refunded_pro_member_keeps_their_seat(client, settings, live_class, pro_member):
    settings.DEBUG = True
    order = order_create(user=pro_member, item=live_class.item, description="Class", amount=1900, currency="EUR")
    order_checkout_start(provider=get("demo"), request=None, order=order)
    get("demo").pay_order(order=order)
    assert Registration.objects.get(user=pro_member).status == "registered"
    get("demo").refund_order(order=order)
    assert Registration.objects.get(user=pro_member).status == "registered"  # Pro opens the class anyway
