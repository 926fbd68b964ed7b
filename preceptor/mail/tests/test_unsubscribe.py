"""Unsubscribing: one-click headers on marketing mail, a bare POST unsubscribes, a GET never does, bad tokens fail."""

import pytest
from django.test import Client

from preceptor.mail.models import EmailPreference
from preceptor.mail.tests.conftest import newsletter
from preceptor.mail.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db


def test_marketing_mail_carries_one_click_unsubscribe_headers(subscribed):
    message = newsletter(subscribed)
    token = unsubscribe_token(subscribed.pk, "newsletter")
    assert f"/mail/unsubscribe/{token}/" in message.extra_headers["List-Unsubscribe"]
    assert "mailto:" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_bare_post_with_no_cookie_unsubscribes_at_once(subscribed):
    token = unsubscribe_token(subscribed.pk, "newsletter")
    bare = Client(enforce_csrf_checks=True)  # no session, no cookie, no CSRF token: as a mail client posts
    response = bare.post(
        f"/mail/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not EmailPreference.objects.get(user=subscribed).newsletter
    assert newsletter(subscribed) is None  # nothing is sent any more


def test_a_get_never_unsubscribes(subscribed):
    token = unsubscribe_token(subscribed.pk, "newsletter")
    page = Client().get(f"/mail/unsubscribe/{token}/")
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert EmailPreference.objects.get(user=subscribed).newsletter


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),
        lambda t: t.replace("newsletter", "product_news"),
        lambda t: "99999" + t[t.index(".") :],
        lambda t: "garbage",
    ],
)
def test_a_tampered_token_is_refused(subscribed, mutate):
    token = mutate(unsubscribe_token(subscribed.pk, "newsletter"))
    assert Client().post(f"/mail/unsubscribe/{token}/").status_code == 400
    assert EmailPreference.objects.get(user=subscribed).newsletter
