import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from preceptor.mail.models import CampaignCounter, EmailEvent, EmailPreference
from preceptor.mail.services import CLICK_SALT, marketing_message, preferences_for, unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(learner):
    preference = preferences_for(learner)
    preference.newsletter = True
    preference.save()
    return learner


def newsletter(user):
    return marketing_message(
        user=user,
        mailing_list="newsletter",
        campaign="2026-12",
        subject="New courses",
        text="Three new courses this month.",
        links={"Read": "https://example.org/magazine/"},
    )


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


def test_without_tracking_consent_there_is_no_pixel_and_links_do_not_name_the_recipient(subscribed):
    message = newsletter(subscribed)
    html = message.alternatives[0][0]
    assert "<img" not in html
    token = re.search(r"/mail/c/([^/]+)/", html).group(1)
    assert "r" not in signing.loads(token, salt=CLICK_SALT)
    response = Client().get(f"/mail/c/{token}/")
    assert response.status_code == 302 and response.url == "https://example.org/magazine/"
    assert not EmailEvent.objects.exists()
    assert CampaignCounter.objects.get(campaign="2026-12", kind="click").count == 1


def test_with_tracking_consent_opens_and_clicks_are_recorded_per_recipient(client, subscribed):
    client.force_login(subscribed)
    client.post(reverse("privacy:consent"), {"action": "custom", "purpose": ["email_tracking"], "next": "/"})
    html = newsletter(subscribed).alternatives[0][0]
    pixel = re.search(r'src="[^"]*(/mail/o/[^"]+\.gif)"', html).group(1)
    assert Client().get(pixel)["Content-Type"] == "image/gif"
    Client().get(pixel, HTTP_USER_AGENT="Mozilla/5.0 (via ggpht.com GoogleImageProxy)")
    link = re.search(r"(/mail/c/[^/]+/)", html).group(1)
    Client().get(link)
    kinds = sorted(EmailEvent.objects.filter(user=subscribed).values_list("kind", flat=True))
    assert kinds == ["click", "machine_open", "open"]


def test_click_links_are_signed_and_never_open_redirects():
    forged = signing.dumps({"c": "x", "u": "javascript:alert(1)"}, salt=CLICK_SALT)
    assert Client().get(f"/mail/c/{forged}/").status_code == 404
    assert Client().get("/mail/c/not-a-token/").status_code == 404


def test_members_set_their_preferences_and_transactional_mail_is_not_optional(client, learner):
    assert client.get(reverse("mail:preferences")).status_code == 302
    client.force_login(learner)
    page = client.get(reverse("mail:preferences")).content.decode()
    assert "always sent" in page
    client.post(reverse("mail:preferences"), {"newsletter": "on", "class_reminders": "on"})
    preference = EmailPreference.objects.get(user=learner)
    assert (preference.newsletter, preference.product_news, preference.class_reminders) == (True, False, True)
