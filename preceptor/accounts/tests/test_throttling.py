import pytest
from django.test import Client
from django.urls import reverse

from preceptor.accounts.adapter import AccountAdapter
from preceptor.conftest import PASSWORD

PROXY = "10.0.0.2"


def behind_proxy(address: str) -> Client:
    """A browser whose requests reach us through our reverse proxy, which appends the address it saw."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


@pytest.fixture
def proxied(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.mark.django_db
def test_behind_the_proxy_one_address_exceeding_the_failure_limit_does_not_lock_out_another(proxied, learner):
    attacker, colleague = behind_proxy("198.51.100.7"), behind_proxy("203.0.113.20")
    for n in range(10):  # the per-address limit: 10 failures a minute, each at a different account
        response = attacker.post(reverse("account_login"), {"login": f"guess{n}@example.org", "password": "x" * 12})
        assert response.status_code == 200
    refused = attacker.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert "_auth_user_id" not in attacker.session
    assert refused.status_code == 429 or "Too many failed login attempts" in refused.content.decode()

    response = colleague.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})

    assert response.status_code == 302
    assert colleague.session["_auth_user_id"] == str(learner.pk)


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_escape_the_limit(proxied, learner):
    for n in range(10):
        # The client writes its own X-Forwarded-For; our proxy appends the address it saw.
        forger = behind_proxy(f"192.0.2.{n}, 198.51.100.7")
        forger.post(reverse("account_login"), {"login": f"guess{n}@example.org", "password": "x" * 12})
    again = behind_proxy("192.0.2.99, 198.51.100.7")
    response = again.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert "_auth_user_id" not in again.session
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()


def test_sign_in_throttling_and_the_request_log_see_the_same_client_address(proxied, rf):
    from preceptor.core.network import client_ip

    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
    assert AccountAdapter().get_client_ip(request) == client_ip(request) == "198.51.100.7"
