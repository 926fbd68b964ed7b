import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from preceptor.conftest import PASSWORD
from preceptor.privacy.models import ConsentRecord, DataRequest

pytestmark = pytest.mark.django_db
DATA = reverse("privacy:data")
REAUTHENTICATE = reverse("account_reauthenticate")


def test_a_member_gets_five_exports_an_hour_and_then_429_with_retry_after(client, learner, outsider):
    client.force_login(learner)
    for _ in range(5):
        assert client.post(DATA, {"action": "export"})["Content-Type"] == "application/zip"

    refused = client.post(DATA, {"action": "export"})

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert DataRequest.objects.filter(user=learner, kind="export").count() == 5
    client.force_login(outsider)  # another member is not held back by this one's exports
    assert client.post(DATA, {"action": "export"}).status_code == 200


def test_an_anonymous_visitor_cannot_export_and_uses_no_limit(client):
    response = client.post(DATA, {"action": "export"})
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_deleting_the_account_asks_for_the_password_again_through_allauth(client, learner):
    client.force_login(learner)
    unconfirmed = client.post(DATA, {"action": "erase"})
    assert unconfirmed.status_code == 200 and "confirm" in unconfirmed.context["form"].errors

    asked = client.post(DATA, {"action": "erase", "confirm": "on"})

    assert asked.status_code == 302 and asked.url.startswith(REAUTHENTICATE)
    assert not DataRequest.objects.filter(user=learner, kind="erasure").exists()
    done = client.post(asked.url, {"password": PASSWORD})
    assert done.status_code == 302 and done.url == reverse("account_login")
    assert DataRequest.objects.filter(user=learner, kind="erasure", status="pending").exists()


def test_the_deletion_password_check_stops_guessing_after_five_tries(client, learner):
    client.force_login(learner)
    asked = client.post(DATA, {"action": "erase", "confirm": "on"})
    for _ in range(5):
        page = client.post(asked.url, {"password": "wrong-guess-123"})
        assert page.status_code == 200 and page.context["form"].errors

    refused = client.post(asked.url, {"password": PASSWORD})

    assert refused.status_code == 429
    assert not DataRequest.objects.filter(user=learner, kind="erasure").exists()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=6)):
        allowed = client.post(asked.url, {"password": PASSWORD})
    assert allowed.status_code == 302
    assert DataRequest.objects.filter(user=learner, kind="erasure").exists()


def test_another_member_cannot_reuse_a_members_reauthentication_and_a_visitor_is_sent_to_sign_in(
    client, learner, outsider
):
    client.force_login(learner)
    asked = client.post(DATA, {"action": "erase", "confirm": "on"})
    client.post(asked.url, {"password": PASSWORD})  # the learner's erasure, on its way
    other = Client()
    other.force_login(outsider)
    assert other.post(DATA, {"action": "erase", "confirm": "on"}).url.startswith(REAUTHENTICATE)
    assert not DataRequest.objects.filter(user=outsider).exists()
    anonymous = Client().post(DATA, {"action": "erase", "confirm": "on"})
    assert anonymous.status_code == 302 and reverse("account_login") in anonymous.url


def test_a_cookieless_gpc_visitor_is_recorded_once_a_day_not_once_per_page(client):
    for _ in range(5):
        client.cookies.clear()  # keeps no cookies, so nothing carries the record from page to page
        assert client.get("/", HTTP_SEC_GPC="1", HTTP_USER_AGENT="Browser/1").status_code == 200
    assert ConsentRecord.objects.filter(action="gpc_auto").count() == 1

    with time_machine.travel(timezone.now() + timezone.timedelta(days=1, hours=1)):
        client.cookies.clear()
        client.get("/", HTTP_SEC_GPC="1", HTTP_USER_AGENT="Browser/1")
    assert ConsentRecord.objects.filter(action="gpc_auto").count() == 2


def test_gpc_visitors_behind_the_proxy_are_told_apart_by_their_own_address(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for address in ("198.51.100.7", "203.0.113.20", "198.51.100.7"):
        client.cookies.clear()
        client.get("/", HTTP_SEC_GPC="1", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)
    assert ConsentRecord.objects.filter(action="gpc_auto").count() == 2
