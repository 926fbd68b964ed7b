"""The webhook's writes in few statements (decision 0040): an event is stored by one ``INSERT … ON CONFLICT DO
NOTHING``, and a new subscription that another delivery inserts first is updated, not failed."""

from dataclasses import replace
from datetime import timedelta

from django.utils import timezone

from preceptor.billing import services
from preceptor.billing.models import Price, ProviderEvent, Subscription
from preceptor.billing.providers.base import IncomingEvent, RemoteSubscription
from preceptor.billing.providers.registry import get
from preceptor.core.models import AuditEvent


def remote(learner, price: Price, *, status: str = "active", cancel: bool = False) -> RemoteSubscription:
    return RemoteSubscription(
        provider_id="demo_sub_1",
        user_id=learner.pk,
        customer_id="",
        status=status,
        price_ref=str(price.pk),
        current_period_end=timezone.now() + timedelta(days=30),
        cancel_at_period_end=cancel,
    )


def test_an_event_is_stored_once_and_each_delivery_before_processing_is_counted(db):
    provider = get("demo")
    event = IncomingEvent(event_id="evt_1", type="demo.subscription", payload={"id": "evt_1", "name": "Zoë \u2028"})
    first = services.event_store(provider=provider, event=event, attempt=True)
    again = services.event_store(provider=provider, event=event, attempt=True)
    stored = ProviderEvent.objects.get()
    assert first.pk == again.pk == stored.pk
    assert (stored.attempts, stored.status, stored.payload) == (2, "pending", event.payload)
    assert stored.received_at is not None and abs(stored.received_at - timezone.now()) < timedelta(minutes=1)
    ProviderEvent.objects.filter(pk=stored.pk).update(status=ProviderEvent.Status.PROCESSED)
    services.event_store(provider=provider, event=event, attempt=True)
    assert ProviderEvent.objects.get().attempts == 2  # a processed event is not processed, nor counted, again


def test_a_new_subscription_another_delivery_inserted_first_is_updated(prices, learner, monkeypatch):
    provider, price = get("demo"), Price.objects.first()
    services.subscription_sync(provider=provider, remote=remote(learner, price))
    # The second delivery read no row (the first had not committed yet) and then finds it inserted.
    real, reads = services._subscription_locked, []

    def locked(*args):
        reads.append(args)
        return None if len(reads) == 1 else real(*args)

    monkeypatch.setattr(services, "_subscription_locked", locked)
    synced = services.subscription_sync(provider=provider, remote=remote(learner, price, cancel=True))
    subscription = Subscription.objects.get()
    assert synced.pk == subscription.pk and subscription.cancel_at_period_end and subscription.price_id == price.pk
    changes = AuditEvent.objects.filter(action="billing.subscription_changed").order_by("pk")
    assert [event.data["to"] for event in changes] == [["active", False], ["active", True]]
    assert changes.last().subject_id == learner.pk and len(reads) == 2


def test_a_sync_that_changes_nothing_writes_nothing_and_a_new_period_is_written_without_an_audit_row(
    prices, learner, django_assert_num_queries
):
    """Most events about a subscription re-read a record already synced (decision 0040): no UPDATE, no member read,
    no page of the member's forgotten. A change of period is written; only a change of status is audited."""
    provider, price = get("demo"), Price.objects.first()
    first = remote(learner, price)
    services.subscription_sync(provider=provider, remote=first)
    stored = Subscription.objects.get()
    with django_assert_num_queries(2) as captured:  # our price for the reference, the locked read of our copy
        services.subscription_sync(provider=provider, remote=first)
    assert not [q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    later = first.current_period_end + timedelta(days=30)
    services.subscription_sync(provider=provider, remote=replace(first, current_period_end=later))
    assert Subscription.objects.get().current_period_end == later and stored.current_period_end != later
    assert AuditEvent.objects.filter(action="billing.subscription_changed").count() == 1  # the creation's only
