"""One way to build an e-mail (``core.mail.email_render``): the site's name and address in every message, a
plain-text and a branded HTML part, in the member's language, attachments carried through the task queue."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import translation

from preceptor.core.mail import (
    Attachment,
    email_is_branded,
    email_render,
    email_subject,
    message_from_dict,
    message_to_dict,
)
from preceptor.core.tasks import email_send

PREFIX = "account/email/account_already_exists"  # a message with a German translation, rendered from our templates
CONTEXT = {"current_site": {"name": "Preceptor", "domain": "127.0.0.1"}, "email": "ada@example.org"}


def html_of(message: EmailMultiAlternatives) -> str:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return str(html)


def test_the_subject_names_the_site_once():
    assert email_subject("Your receipt\n") == "[Preceptor] Your receipt"
    assert email_subject("Your Preceptor receipt: €10.00") == "Your Preceptor receipt: €10.00"


def test_a_message_names_the_site_and_its_address_in_subject_text_and_html(settings):
    settings.SITE_URL = "https://cme.example.org/"
    settings.SITE_ADDRESS = "Preceptor GmbH · Teststraße 5 · 20095 Hamburg"
    message = email_render(template_prefix=PREFIX, context=CONTEXT, to="ada@example.org", language="en")

    assert message.subject == "[Preceptor] Someone tried to sign up with your address"
    assert message.to == ["ada@example.org"] and message.reply_to == [settings.SUPPORT_EMAIL]
    assert "Preceptor · https://cme.example.org/" in message.body
    assert "Preceptor GmbH · Teststraße 5 · 20095 Hamburg" in message.body
    html = html_of(message)
    assert "Preceptor GmbH · Teststraße 5 · 20095 Hamburg" in html and 'href="https://cme.example.org/"' in html
    assert "Someone — perhaps you — tried to sign up" in html  # the text, shown in the frame
    assert email_is_branded(message) == []


def test_the_html_part_loads_nothing_from_elsewhere_and_escapes_what_it_shows():
    message = email_render(
        template_prefix=PREFIX,
        context={**CONTEXT, "email": "<script>alert(1)</script>@example.org"},
        to="a@example.org",
    )
    html = html_of(message)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"<(img|link|script|iframe)\b", html) and "url(" not in html and "@import" not in html
    assert "<script>alert(1)</script>@example.org" in message.body  # plain text is not HTML-escaped


def test_a_message_is_in_the_language_asked_for_whatever_the_active_one():
    with translation.override("en"):
        german = email_render(template_prefix=PREFIX, context=CONTEXT, to="a@example.org", language="de")
    with translation.override("de"):
        english = email_render(template_prefix=PREFIX, context=CONTEXT, to="a@example.org", language="en")

    assert german.subject == "[Preceptor] Jemand hat versucht, sich mit Ihrer Adresse zu registrieren"
    assert english.subject == "[Preceptor] Someone tried to sign up with your address"
    assert 'lang="de"' in html_of(german) and 'lang="en"' in html_of(english)


def test_without_a_language_the_active_one_is_used():
    with translation.override("de"):
        message = email_render(template_prefix=PREFIX, context=CONTEXT, to="a@example.org")
    assert "Jemand hat versucht" in message.subject


def test_a_message_built_another_way_is_told_apart():
    plain = EmailMessage("Hello", "Body", to=["a@example.org"])
    assert email_is_branded(plain) == [
        "the subject 'Hello' does not name Preceptor",
        "the plain-text body does not name the site",
        "there is no text/html alternative",
    ]


@pytest.mark.django_db
def test_attachments_survive_the_trip_through_the_task_queue():
    calendar = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    message = email_render(
        template_prefix=PREFIX,
        context=CONTEXT,
        to="a@example.org",
        attachments=[
            Attachment("class.ics", calendar, "text/calendar"),
            Attachment("receipt.pdf", b"%PDF-\x00\xff", "application/pdf"),
        ],
    )
    email_send.apply(args=[message_to_dict(message)])

    [sent] = mail.outbox
    assert [(name, content, kind) for name, content, kind in sent.attachments] == [
        ("class.ics", calendar, "text/calendar"),
        ("receipt.pdf", b"%PDF-\x00\xff", "application/pdf"),
    ]
    assert html_of(sent) == html_of(message) and sent.subject == message.subject
    assert message_from_dict(message_to_dict(message)).reply_to == [settings.SUPPORT_EMAIL]
