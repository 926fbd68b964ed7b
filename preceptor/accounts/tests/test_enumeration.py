"""Sign-up does not tell whether an address has, or had, an account; mail to an unverified address carries no
name typed in by the registrant."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.accounts.privacy import tombstone_email

ADDRESS = "dr.somebody@example.org"
TYPED_NAME = "Mallory Prankster"


def sign_up(django_capture_on_commit_callbacks):
    """A fresh browser signs up with ADDRESS; returns the answer, the page it leads to and the mail sent."""
    cache.clear()  # each attempt starts with fresh rate limits, as the first attempt from elsewhere would
    mail.outbox.clear()
    browser = Client()
    data = {
        "full_name": TYPED_NAME,
        "email": ADDRESS,
        "password1": "a-long-and-unusual-passphrase",
        "date_of_birth": "1990-01-01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(reverse("account_signup"), data)
    page = browser.get(answer["Location"])
    return answer, page, list(mail.outbox)


def without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_a_new_an_existing_and_an_erased_address_get_the_same_answer_and_each_the_right_mail(
    django_capture_on_commit_callbacks,
):
    new_answer, new_page, new_mail = sign_up(django_capture_on_commit_callbacks)
    member = User.objects.get(email=ADDRESS)
    existing_answer, existing_page, existing_mail = sign_up(django_capture_on_commit_callbacks)
    User.objects.filter(pk=member.pk).update(email=tombstone_email(ADDRESS), is_active=False)  # as erasure leaves it
    erased_answer, erased_page, erased_mail = sign_up(django_capture_on_commit_callbacks)

    answers = [(a.status_code, a["Location"]) for a in (new_answer, existing_answer, erased_answer)]
    assert answers == [(302, reverse("account_email_verification_sent"))] * 3
    pages = [
        (p.status_code, [t.name for t in p.templates], without_csrf_token(p.content.decode()))
        for p in (new_page, existing_page, erased_page)
    ]
    assert pages[0] == pages[1] == pages[2]
    assert pages[0][0] == 200
    assert User.objects.count() == 1  # no second account, none for the erased address

    [confirmation], [already], [erased] = new_mail, existing_mail, erased_mail
    assert confirmation.to == already.to == erased.to == [ADDRESS]
    assert "/accounts/confirm-email/" in confirmation.body
    assert "You already have an account" in already.body and "/accounts/password/reset/" in already.body
    assert "/accounts/confirm-email/" not in already.body
    assert "deleted at its owner's request" in erased.body and "support@" in erased.body
    assert "/accounts/confirm-email/" not in erased.body and "/accounts/password/reset/" not in erased.body


@pytest.mark.django_db
def test_mail_to_an_unverified_address_does_not_carry_the_name_typed_on_the_sign_up_form(
    django_capture_on_commit_callbacks,
):
    _answer, _page, [confirmation] = sign_up(django_capture_on_commit_callbacks)
    _answer, _page, [already] = sign_up(django_capture_on_commit_callbacks)

    for message in (confirmation, already):
        assert "Mallory" not in message.subject and "Prankster" not in message.subject
        assert "Mallory" not in message.body and "Prankster" not in message.body
        assert not message.alternatives or "Prankster" not in str(message.alternatives)
    assert confirmation.body.startswith("Hello,\n\n")  # a greeting without a name
