"""Mail tracking: no pixel or per-recipient record without consent, opens and clicks with it, click links signed."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from preceptor.mail.models import CampaignCounter, EmailEvent
from preceptor.mail.tests.conftest import newsletter
from preceptor.mail.tokens import CLICK_SALT

pytestmark = pytest.mark.django_db


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
