"""Each kind of mail token works only at its own URL: an unsubscribe, open or click token used at another kind's
URL (or a mangled one) answers 4xx and records nothing, never a 500."""

from __future__ import annotations

import pytest
from django.core import signing
from django.test import Client

from preceptor.mail.models import CampaignCounter, EmailEvent, EmailPreference
from preceptor.mail.tokens import CLICK_SALT, unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(subscribed):
    return {
        "unsubscribe": unsubscribe_token(subscribed.pk, "newsletter"),
        "open": signing.dumps(["2026-12", subscribed.pk], salt=CLICK_SALT),
        "click": signing.dumps({"c": "2026-12", "u": "https://example.org/"}, salt=CLICK_SALT),
        "click_with_recipient": signing.dumps(
            {"c": "2026-12", "u": "https://example.org/", "r": subscribed.pk}, salt=CLICK_SALT
        ),
    }


URLS = {"unsubscribe": "/mail/unsubscribe/{}/", "open": "/mail/o/{}.gif", "click": "/mail/c/{}/"}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("open", "unsubscribe"),
        ("open", "click"),
        ("open", "click_with_recipient"),
        ("click", "unsubscribe"),
        ("click", "open"),
        ("unsubscribe", "open"),
        ("unsubscribe", "click"),
        ("unsubscribe", "click_with_recipient"),
    ],
)
def test_a_token_of_one_kind_at_another_kinds_url_is_a_4xx_that_records_nothing(subscribed, tokens, url, kind):
    client = Client(raise_request_exception=False)
    path = URLS[url].format(tokens[kind])
    assert 400 <= client.get(path).status_code < 500
    if url == "unsubscribe":
        assert 400 <= client.post(path, {"List-Unsubscribe": "One-Click"}).status_code < 500
    assert not CampaignCounter.objects.exists()
    assert not EmailEvent.objects.exists()
    assert EmailPreference.objects.get(user=subscribed).newsletter


@pytest.mark.parametrize("url", sorted(URLS))
@pytest.mark.parametrize(
    "token",
    [
        "9" * 5000 + ".newsletter.0123456789abcdef0123456789abcdef",
        "1.newsletter.",
        "1..",
        "...",
        ".eJw:bad:sig",
        "%00",
        "x" * 5000,
    ],
)
def test_a_mangled_token_is_a_4xx_at_every_mail_url(subscribed, url, token):
    response = Client(raise_request_exception=False).get(URLS[url].format(token))
    assert 400 <= response.status_code < 500


def test_the_open_pixel_of_a_real_open_token_still_counts(tokens):
    response = Client().get(URLS["open"].format(tokens["open"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert CampaignCounter.objects.get(campaign="2026-12", kind="open").count == 1


def test_an_unsubscribe_link_of_a_member_who_is_gone_changes_nothing_and_is_not_an_error(subscribed):
    token = unsubscribe_token(subscribed.pk + 1000, "newsletter")  # a member erased since the mail was sent
    response = Client(raise_request_exception=False).post(f"/mail/unsubscribe/{token}/")
    assert response.status_code == 200
    assert not EmailPreference.objects.filter(user_id=subscribed.pk + 1000).exists()
