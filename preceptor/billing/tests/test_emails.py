"""Receipts, dunning and trial reminders name the site and its address in the subject, the text and the HTML
part, and link to the site at ``SITE_URL`` (the port ``make run PORT=…`` serves on)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from preceptor.billing import emails
from preceptor.billing.models import Receipt


def html_of(message) -> str:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


@pytest.fixture
def site(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.SITE_ADDRESS = "Preceptor GmbH · Teststraße 5 · 20095 Hamburg"
    return settings


@pytest.mark.django_db
def test_a_receipt_names_the_site_and_its_address_and_links_to_the_site(
    site, pro_member, django_capture_on_commit_callbacks
):
    receipt = Receipt.objects.create(
        user=pro_member,
        provider="demo",
        provider_id="pay_1",
        description="Preceptor Pro, monthly",
        amount=1900,
        currency="EUR",
        paid_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        emails.receipt_email(receipt_id=receipt.pk)

    [message] = mail.outbox
    assert message.subject.startswith("Your Preceptor receipt:")
    for part in (message.body, html_of(message)):
        assert settings.SITE_ADDRESS in part and "http://127.0.0.1:8123/billing/" in part
    assert str(receipt.public_id) in message.body


@pytest.mark.django_db
def test_the_trial_reminder_is_branded_and_in_the_language_asked_for(site, learner, django_capture_on_commit_callbacks):
    from django.utils import translation

    learner.trial_ends_at = timezone.now() + timedelta(days=2)
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        emails.trial_ending_email(user=learner)

    [message] = mail.outbox
    assert message.subject == "Ihre Preceptor-Testphase endet bald"
    assert settings.SITE_ADDRESS in message.body and settings.SITE_ADDRESS in html_of(message)


@pytest.mark.django_db
def test_billing_mail_is_in_the_members_language_not_the_active_one(site, learner, django_capture_on_commit_callbacks):
    """Sent from webhooks and scheduled jobs, where the active language is nobody's: the member's saved one."""
    from django.utils import translation

    learner.trial_ends_at = timezone.now() + timedelta(days=2)
    learner.language = "en"
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        emails.trial_ending_email(user=learner)
    learner.language = "de"
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        emails.trial_ending_email(user=learner)

    english, german = mail.outbox
    assert english.subject != german.subject == "Ihre Preceptor-Testphase endet bald"
    assert '<html lang="en">' in html_of(english) and '<html lang="de">' in html_of(german)
