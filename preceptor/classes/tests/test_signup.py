"""Signing up for a class: Pro or a bought class is needed, visitors sign in first, only one's own place changes."""

from __future__ import annotations

import pytest

from preceptor.classes import selectors, services
from preceptor.classes.models import Attendance, Registration


def test_signup_needs_pro_or_a_purchase(client, live_class, learner):
    client.force_login(learner)
    page = client.get(live_class.get_absolute_url()).content.decode()
    assert "Buy this class" in page and "€19.00" in page
    client.post(f"/classes/{live_class.slug}/signup/")
    assert not Registration.objects.exists()


def test_a_trial_member_buys_a_class_with_the_demo_provider_and_can_then_sign_up(client, settings, live_class, learner):
    settings.DEBUG = True  # the demo provider exists only on demo servers
    client.force_login(learner)
    response = client.post(f"/classes/{live_class.slug}/buy/", {"provider": "demo"})
    assert response.status_code == 302 and "/billing/demo/order/" in response["Location"]
    pay = client.post(response["Location"])
    back = client.get(pay["Location"])
    assert back["Location"] == live_class.get_absolute_url()
    assert selectors.may_attend(learner, live_class)
    client.post(f"/classes/{live_class.slug}/signup/")
    assert Registration.objects.get(user=learner).status == "registered"


@pytest.mark.parametrize("action", ["signup", "cancel", "buy", "join"])
def test_anonymous_visitors_are_sent_to_sign_in_for_every_class_action(client, live_class, action):
    response = client.post(f"/classes/{live_class.slug}/{action}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Registration.objects.exists()


def test_a_member_cannot_cancel_or_leave_someone_elses_place(client, live_class, pro_member, staff):
    services.registration_create(user=pro_member, live_class=live_class)
    client.force_login(staff)
    assert client.post(f"/classes/{live_class.slug}/cancel/").status_code == 404
    assert Registration.objects.get(user=pro_member).status == "registered"
    client.post(f"/classes/{live_class.slug}/left/")
    assert not Attendance.objects.exists()
