from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.core.models import AuditEvent

URL = reverse("accounts:account")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_the_account_page_shows_the_trial_state_and_only_the_owners_details(client, learner, outsider):
    client.force_login(learner)
    page = client.get(URL).content.decode()
    assert "Free trial" in page
    assert "7 days left" in page
    assert learner.email in page
    assert outsider.email not in page


@pytest.mark.django_db
def test_the_account_page_says_when_the_trial_has_ended(client, learner):
    client.force_login(learner)
    with time_machine.travel(learner.trial_ends_at + timedelta(seconds=1)):
        page = client.get(URL).content.decode()
    assert "Trial ended" in page


@pytest.mark.django_db
def test_a_pro_member_sees_pro_status(client, pro_member):
    client.force_login(pro_member)
    assert "Pro member" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_the_phone_number_is_stored_only_when_given_and_changes_are_audited(client, learner):
    client.force_login(learner)
    response = client.post(URL, {"full_name": "Lena Learner", "phone": ""})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.phone == ""
    assert not AuditEvent.objects.filter(action="account.updated").exists()

    client.post(URL, {"full_name": "Lena Learner", "phone": "+43 1 234 5678"})
    learner.refresh_from_db()
    assert learner.phone == "+43 1 234 5678"
    event = AuditEvent.objects.get(action="account.updated")
    assert event.data == {"fields": ["phone"]}
    assert "234" not in str(event.data)


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["call me", "12", "+1 (555) 123-4567-8901-2345"])
def test_an_invalid_phone_number_is_explained_and_nothing_is_saved(client, learner, phone):
    client.force_login(learner)
    response = client.post(URL, {"full_name": "Changed Name", "phone": phone})
    assert response.status_code == 200
    assert "Enter a telephone number" in response.content.decode()
    assert User.objects.get(pk=learner.pk).full_name == "Lena Learner"


@pytest.mark.django_db
def test_a_member_can_only_change_their_own_account(client, learner, outsider):
    client.force_login(outsider)
    client.post(URL, {"full_name": "Renamed", "phone": ""})
    assert User.objects.get(pk=learner.pk).full_name == "Lena Learner"
    assert User.objects.get(pk=outsider.pk).full_name == "Renamed"


@pytest.mark.django_db
def test_posting_without_a_csrf_token_is_refused(learner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(URL, {"full_name": "X", "phone": ""}).status_code == 403


def test_membership_days_left_rounds_a_started_day_up(db, learner):
    from preceptor.billing.selectors import membership_for

    now = timezone.now()
    learner.trial_ends_at = now + timedelta(hours=30)
    assert membership_for(learner, now=now).days_left == 2
    assert membership_for(learner, now=now + timedelta(hours=31)).status == "trial_ended"
