"""An erased member's Stripe customer is deleted through Stripe's API (here localstripe) after the erasure commits,
once, recorded, and a replay or a retry changes nothing (decision 0029)."""

import pytest
import stripe

from preceptor.billing.models import Customer
from preceptor.billing.providers.registry import get
from preceptor.billing.tasks import customer_delete_task
from preceptor.core.erasure import ERASURE_NOTICE, erasure_notices
from preceptor.core.models import AuditEvent
from preceptor.privacy.services import erasure_perform, erasure_request

pytestmark = pytest.mark.django_db


def stripe_has(customer_id):
    try:
        customer = get("stripe").client.v1.customers.retrieve(customer_id)
    except stripe.InvalidRequestError as exc:
        assert exc.http_status == 404
        return False
    return not getattr(customer, "deleted", False)


def statuses(user):
    events = AuditEvent.objects.filter(action=ERASURE_NOTICE, subject=user, data__recipient="stripe")
    return [e.data["status"] for e in events.order_by("created_at", "id")]


def test_the_erasure_deletes_the_stripe_customer_after_commit_and_records_it(
    stripe_settings, learner, django_capture_on_commit_callbacks
):
    customer_id = get("stripe")._customer_id(learner)
    assert stripe_has(customer_id)
    with django_capture_on_commit_callbacks() as callbacks:
        erasure_perform(request=erasure_request(user=learner))
        assert stripe_has(customer_id)  # nothing leaves before the erasure commits
    assert statuses(learner) == ["queued"]
    for callback in callbacks:
        callback()
    assert not stripe_has(customer_id)
    assert not Customer.objects.filter(user=learner).exists()
    assert statuses(learner) == ["queued", "done"]
    assert erasure_notices(learner.pk)["stripe"].data["detail"] == f"Customer {customer_id} deleted."
    assert "learner@example.org" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_deleting_a_customer_stripe_no_longer_has_is_done_not_an_error(stripe_settings, learner):
    customer_id = get("stripe")._customer_id(learner)
    assert customer_delete_task.apply(args=["stripe", customer_id, learner.pk]).get() == "deleted"
    assert customer_delete_task.apply(args=["stripe", customer_id, learner.pk]).get() == "gone"  # a replay
    assert statuses(learner) == ["done", "done"]
    assert erasure_notices(learner.pk)["stripe"].data["detail"] == f"Customer {customer_id} was already gone."


def test_when_stripe_cannot_be_reached_the_failure_is_recorded_and_a_later_try_deletes(
    stripe_settings, learner, localstripe_url
):
    customer_id = get("stripe")._customer_id(learner)
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(Exception):  # noqa: B017 - Celery's retry gives up with the last error
        customer_delete_task.apply(args=["stripe", customer_id, learner.pk], throw=True)
    assert statuses(learner) and set(statuses(learner)) == {"failed"}
    stripe_settings.STRIPE_API_BASE = localstripe_url
    assert customer_delete_task.apply(args=["stripe", customer_id, learner.pk]).get() == "deleted"
    assert statuses(learner)[-1] == "done" and not stripe_has(customer_id)


def test_a_member_without_a_stripe_customer_causes_no_stripe_call(
    stripe_settings, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erasure_perform(request=erasure_request(user=learner))
    assert statuses(learner) == []
