"""Two members ask for the last seat at the same moment, each on their own database connection: exactly one
gets it and the other is waitlisted. CI runs this on PostgreSQL (row lock) as well as SQLite (write lock)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from preceptor.classes import services
from preceptor.classes.models import Registration
from preceptor.classes.tests.conftest import make_class

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_signups_for_the_last_seat(tutor, pro_member, staff, outsider, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from preceptor.accounts.services import complimentary_pro_grant

    complimentary_pro_grant(user=outsider, until=timezone.now() + timedelta(days=30), actor=None)
    live_class = make_class(tutor, capacity=2)
    services.registration_create(user=pro_member, live_class=live_class)  # one seat left

    real_create = Registration.objects.create
    inside = threading.Barrier(2, timeout=10)

    def slow_create(**kwargs):
        time.sleep(0.3)  # hold the lock long enough for the other sign-up to arrive and wait
        return real_create(**kwargs)

    monkeypatch.setattr(Registration.objects, "create", slow_create)
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def sign_up(user) -> None:
        try:
            inside.wait()
            results[user.email] = services.registration_create(user=user, live_class=live_class).status
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(user,)) for user in (staff, outsider)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    assert sorted(results.values()) == ["registered", "waitlisted"], results
    assert Registration.objects.filter(live_class=live_class, status="registered").count() == 2
    assert connection.vendor in {"postgresql", "sqlite"}
