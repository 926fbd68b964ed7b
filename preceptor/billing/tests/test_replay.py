"""W1: 1,000 signed events, 20% duplicates, shuffled, from 8 concurrent senders, end in exactly the state of
applying each distinct event once (run on SQLite by `make test` and on PostgreSQL by .ci/run)."""

import time

import pytest

from preceptor.accounts.services import account_create
from preceptor.billing.models import Price, ProviderEvent, Receipt, Subscription
from preceptor.billing.providers.registry import get
from preceptor.billing.tests.replay import build, send
from preceptor.core.models import AuditEvent, DomainEvent

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_thousand_shuffled_duplicated_concurrent_events_apply_each_distinct_event_once(live_server, stripe_settings):
    client = get("stripe").client
    plan = f"w1-{time.monotonic_ns()}"
    product = client.v1.products.create(params={"name": "Pro"})
    client.v1.plans.create(
        params={"id": plan, "product": product.id, "amount": 2900, "currency": "eur", "interval": "month"}
    )
    price = Price.objects.create(interval="month", currency="EUR", amount=2900, stripe_price_id=plan)
    members = [account_create(email=f"w1-{n}@example.org", full_name=f"Member {n}", password=None) for n in range(100)]
    replay = build(members=members, price=price, client=client)
    assert len(replay.bodies) == 1000 and replay.distinct == 800

    statuses, seconds = send(f"{live_server.url}/webhooks/stripe/", replay.bodies)
    print(f"W1: {len(replay.bodies) / seconds:.0f} events/s ({seconds:.1f} s)")

    assert statuses == {200: 1000}
    assert ProviderEvent.objects.count() == 800
    assert set(ProviderEvent.objects.values_list("status", flat=True)) == {"processed"}
    assert Subscription.objects.count() == 100
    for sub in Subscription.objects.all():
        remote = replay.subscriptions[sub.provider_id]
        assert (sub.status, sub.cancel_at_period_end) == (remote["status"], remote["cancel_at_period_end"])
    assert sorted(Receipt.objects.values_list("provider_id", flat=True)) == sorted(replay.invoices)
    assert AuditEvent.objects.filter(action="billing.payment_received").count() == 100
    assert DomainEvent.objects.filter(kind="purchase_completed").count() == 100


def test_the_webhook_benchmark_reads_the_signing_secret_before_django_is_set_up():
    """bench/w1.py takes the secret from the test helpers before it configures Django for its server."""
    import subprocess
    import sys

    code = "from preceptor.billing.tests.conftest import WEBHOOK_SECRET; print(WEBHOOK_SECRET)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("whsec_")
