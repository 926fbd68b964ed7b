"""A marketing message is branded like every other e-mail: the site's name and postal address in the text and
the HTML part, the unsubscribe link in both."""

import pytest

from preceptor.mail.tests.conftest import newsletter


@pytest.mark.django_db
def test_a_newsletter_names_the_site_its_postal_address_and_how_to_unsubscribe(settings, subscribed):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.SITE_ADDRESS = "Preceptor GmbH · Teststraße 5 · 20095 Hamburg"
    message = newsletter(subscribed)

    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert message.subject == "[Preceptor] New courses"
    for part in (message.body, html):
        assert settings.SITE_ADDRESS in part and "Three new courses this month." in part
        assert "http://127.0.0.1:8123/mail/unsubscribe/" in part
    assert "Read: https://example.org/magazine/" in message.body  # the text part's links are not counted
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
