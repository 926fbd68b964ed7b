"""The sign-in system's e-mails (allauth's, rendered through ``core.mail.email_render``) name the site and its
address in the subject, the text and the HTML part, and speak the visitor's language."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

SIGN_UP = {
    "full_name": "Ada Young",
    "email": "ada.young@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "date_of_birth": "1990-01-01",
}


def html_of(message) -> str:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def assert_branded(message) -> None:
    html = html_of(message)
    assert settings.SITE_NAME in message.subject
    for part in (message.body, html):
        assert settings.SITE_NAME in part and settings.SITE_ADDRESS in part and settings.SITE_URL in part


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.SITE_ADDRESS = "Preceptor GmbH · Teststraße 5 · 20095 Hamburg"
    return settings


@pytest.mark.django_db
def test_the_sign_up_confirmation_names_the_site_and_its_address(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_signup"), SIGN_UP)

    [confirmation] = mail.outbox
    assert confirmation.subject == "[Preceptor] Please confirm your e-mail address"
    assert_branded(confirmation)
    link = re.search(r"http://testserver/accounts/confirm-email/[^/\s]+/", confirmation.body).group(0)
    assert link in html_of(confirmation)  # the HTML part carries the same link, clickable
    assert confirmation.body.startswith("Hello,\n\n") and "Kind regards,\nThe Preceptor team" in confirmation.body


@pytest.mark.django_db
def test_the_password_reset_names_the_site_and_its_address(site, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": learner.email})

    [reset] = mail.outbox
    assert reset.to == [learner.email] and reset.subject == "[Preceptor] Reset your password"
    assert_branded(reset)
    assert re.search(r"http://testserver/accounts/password/reset/key/\S+/", reset.body)


@pytest.mark.django_db
def test_a_german_visitor_gets_the_mail_in_german(site, learner, django_capture_on_commit_callbacks):
    data = {**SIGN_UP, "email": learner.email}  # the address has an account: the explanation is mailed
    # The override puts back the language the request's LocaleMiddleware leaves active in this thread.
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        Client(headers={"accept-language": "de"}).post(reverse("account_signup"), data)

    [already] = mail.outbox
    assert already.subject == "[Preceptor] Jemand hat versucht, sich mit Ihrer Adresse zu registrieren"
    assert 'lang="de"' in html_of(already)
    assert_branded(already)
