import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from preceptor.conftest import PASSWORD

LOGIN = reverse("account_login")


def login(client, email, password=PASSWORD, remember=False):
    data = {"login": email, "password": password}
    if remember:
        data["remember"] = "on"
    return client.post(LOGIN, data)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_an_unverified_address_cannot_sign_in_until_the_link_is_followed(
    client, learner, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=learner).update(verified=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, learner.email)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not is_signed_in(client)

    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=learner).verified

    login(client, learner.email)
    assert is_signed_in(client)


@pytest.mark.django_db
def test_without_remember_me_the_session_cookie_ends_with_the_browser(client, learner):
    response = login(client, learner.email)
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_with_remember_me_the_session_cookie_persists_for_thirty_days(client, learner):
    response = login(client, learner.email, remember=True)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 60 * 60 * 24 * 30
    assert cookie["expires"] != ""
    assert not client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_httponly_and_samesite(client, learner):
    client.get(LOGIN)
    response = login(client, learner.email)
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert response.cookies["csrftoken"]["httponly"] is True


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_repeated_failures_are_throttled(client, learner):
    for _ in range(5):
        response = login(client, learner.email, password="wrong-password-1")
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = login(client, learner.email)  # even the right password waits out the pause
    assert "Too many failed login attempts" in response.content.decode()
    assert not is_signed_in(client)


@pytest.mark.django_db
def test_password_reset_by_email_link_sets_a_new_password(client, learner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": learner.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert response.status_code == 302

    assert not is_signed_in(client)
    login(client, learner.email, password="a-brand-new-passphrase")
    assert is_signed_in(client)


@pytest.mark.django_db
def test_a_member_changes_their_password_with_the_old_one(client, learner):
    client.force_login(learner)
    url = reverse("account_change_password")
    bad = client.post(
        url,
        {
            "oldpassword": "nope",
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["oldpassword"]
    good = client.post(
        url,
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    assert good.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("another-long-passphrase")


@pytest.mark.django_db
def test_signing_out_ends_the_session(client, learner):
    client.force_login(learner)
    client.post(reverse("account_logout"))
    assert not is_signed_in(client)
