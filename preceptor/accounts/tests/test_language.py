"""The member's language (``User.language``): taken from the sign-up page, changed with the site's language switch
or on the account page, shown after every sign-in, and used for the e-mail sent to them, allauth's included."""

from __future__ import annotations

from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils import timezone, translation

from preceptor.accounts.models import User
from preceptor.conftest import PASSWORD

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME
SIGN_UP = {
    "full_name": "Ada Young",
    "email": "ada.young@example.org",
    "password1": "a-long-and-unusual-passphrase",
    "date_of_birth": "1990-01-01",
}


def html_lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def html_of(message) -> str:
    [html] = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    return html


def sign_in(client, user, **headers):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, **headers)


@pytest.mark.parametrize("accept, saved", [("de-DE,de;q=0.9", "de"), ("en-GB,en;q=0.9", "en"), ("fr-FR", "en")])
def test_a_new_member_keeps_the_language_the_sign_up_page_was_shown_in(accept, saved):
    Client(HTTP_ACCEPT_LANGUAGE=accept).post(reverse("account_signup"), SIGN_UP)
    assert User.objects.get(email=SIGN_UP["email"]).language == saved


def test_the_language_switch_saves_the_members_choice_and_it_wins_over_the_browser(learner):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(learner)
    page = client.get(reverse("accounts:account"))
    token = page.cookies["csrftoken"].value
    response = client.post(reverse("set_language"), {"language": "de", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.language == "de"

    client.cookies.pop(COOKIE)  # another browser, which asks for English: the saved choice still wins
    assert html_lang(client.get(reverse("accounts:account"))) == "de"


def test_a_forged_language_switch_changes_nothing(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.language == ""


def test_signing_in_brings_back_the_members_language(learner):
    learner.language = "de"
    learner.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(client.get(reverse("account_login"))) == "en"

    response = sign_in(client, learner)
    assert response.status_code == 302 and response.cookies[COOKIE].value == "de"
    assert html_lang(client.get(reverse("accounts:account"))) == "de"
    client.post(reverse("account_logout"))
    assert html_lang(client.get(reverse("account_login"))) == "de"  # the cookie keeps it after signing out


def test_a_member_who_never_chose_keeps_the_language_they_sign_in_with(learner, outsider):
    sign_in(Client(HTTP_ACCEPT_LANGUAGE="de"), learner)
    learner.refresh_from_db()
    assert learner.language == "de"

    outsider.language = "en"
    outsider.save()
    sign_in(Client(HTTP_ACCEPT_LANGUAGE="de"), outsider)
    outsider.refresh_from_db()
    assert outsider.language == "en"  # a choice made is not overwritten by the browser


def test_the_account_page_offers_the_language_and_saves_it(client, learner):
    client.force_login(learner)
    page = client.get(reverse("accounts:account")).content.decode()
    assert 'name="language"' in page and '<option value="de"' in page
    response = client.post(reverse("accounts:account"), {"full_name": learner.full_name, "phone": "", "language": "de"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.language == "de"
    assert html_lang(client.get(response.url)) == "de"

    page = client.post(reverse("accounts:account"), {"full_name": learner.full_name, "language": "xx"})
    assert page.status_code == 200 and page.context["form"].errors["language"]
    learner.refresh_from_db()
    assert learner.language == "de"


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_password_change_notice_goes_out_in_the_members_language_and_our_wording(
    language, learner, django_capture_on_commit_callbacks
):
    learner.language = language
    learner.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="de" if language == "en" else "en")
    client.force_login(learner)
    new = "another-long-passphrase"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": new, "password2": new}
        )
    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == [learner.email] and f'<html lang="{language}">' in html_of(notice)
    assert "127.0.0.1" in notice.body  # where the change came from
    if language == "en":
        assert notice.subject == "[Preceptor] Your password has been changed"
        assert notice.body.startswith("Hello,\n\nThe following change was made to your account:")
        assert "Hello from" not in notice.body and settings.SUPPORT_EMAIL in notice.body


def test_the_account_already_exists_mail_speaks_the_owners_language(learner, django_capture_on_commit_callbacks):
    learner.language = "de"
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_ACCEPT_LANGUAGE="en").post(reverse("account_signup"), {**SIGN_UP, "email": learner.email})
    [message] = mail.outbox
    assert message.to == [learner.email] and '<html lang="de">' in html_of(message)


def test_an_unknown_address_gets_the_visitors_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_ACCEPT_LANGUAGE="de").post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert '<html lang="de">' in html_of(message)


ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"
# allauth's own versions of these only include ours (``email_confirmation_message.txt`` and its subject).
INCLUDES_OURS = {
    "account/email/email_confirmation_signup_message.txt",
    "account/email/email_confirmation_signup_subject.txt",
}


def test_every_allauth_message_has_our_own_wording():
    """allauth's German catalogue says "du"; ours says "Sie". Each message it can send has our template."""
    names = [
        str(path.relative_to(ALLAUTH_TEMPLATES))
        for folder in ("account/email", "mfa/email")
        for path in sorted((ALLAUTH_TEMPLATES / folder).glob("*.txt"))
    ]
    assert "account/email/password_changed_message.txt" in names and "mfa/email/totp_activated_message.txt" in names
    ours = Path(settings.BASE_DIR) / "preceptor" / "templates"
    missing = [name for name in names if name not in INCLUDES_OURS and not (ours / name).exists()]
    assert not missing, f"allauth's wording still used: {missing}"
    assert get_template("account/email/password_changed_message.txt").origin.name == str(
        ours / "account/email/password_changed_message.txt"
    )


def where_am_i(request):
    return HttpResponse(f"{translation.get_language()} {timezone.get_current_timezone_name()}")


def where_am_i_varying(request):
    response = where_am_i(request)
    response["Vary"] = "Origin"
    return response


# for the tests below marked with this module as their URLconf
urlpatterns = [path("where", where_am_i), path("where-varying", where_am_i_varying)]


@pytest.mark.parametrize(
    "accept, cookie, shown", [("de-DE,de;q=0.9", "", "de"), ("de-DE", "en", "en"), ("fr", "", "en")]
)
def test_a_visitor_sees_the_cookies_language_then_the_browsers_and_the_response_says_which(accept, cookie, shown):
    client = Client()
    if cookie:
        client.cookies[COOKIE] = cookie
    response = client.get(reverse("catalog:list"), HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(response) == shown and response["Content-Language"] == shown
    assert "Accept-Language" in response["Vary"]


@pytest.mark.urls(__name__)
def test_a_request_without_a_session_cookie_reads_no_session_for_its_language(client, django_assert_num_queries):
    """A visitor's request that no view asks the user of is answered without a session lookup or "Vary: Cookie"."""
    with django_assert_num_queries(0):
        response = client.get("/where", HTTP_ACCEPT_LANGUAGE="de")
    assert response.content == b"de UTC" and response["Content-Language"] == "de"
    assert response["Vary"] == "Accept-Language"


@pytest.mark.urls(__name__)
def test_a_members_saved_language_and_zone_win_over_the_browser_and_a_visitor_after_them_gets_neither(client, learner):
    learner.language, learner.time_zone = "de", "Asia/Tokyo"
    learner.save(update_fields=["language", "time_zone"])
    client.force_login(learner)
    response = client.get("/where", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response.content == b"de Asia/Tokyo" and response["Content-Language"] == "de"
    assert "Cookie" in response["Vary"]
    assert Client().get("/where", HTTP_ACCEPT_LANGUAGE="en-GB").content == b"en UTC"  # same thread, nothing left over


@pytest.mark.urls(__name__)
def test_a_vary_header_the_view_set_is_kept_and_accept_language_added(client):
    response = client.get("/where-varying", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Vary"] == "Origin, Accept-Language" and response["Content-Language"] == "de"


@pytest.mark.urls(__name__)
def test_the_remembered_choice_of_language_follows_the_languages_offered(client):
    """The browser's language is remembered per cookie and Accept-Language (decision 0040), never across a change
    of the languages the site offers."""
    assert client.get("/where", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content == b"de UTC"
    with override_settings(LANGUAGES=[("en", "English")]):
        assert client.get("/where", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content == b"en UTC"
    assert client.get("/where", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content == b"de UTC"
    client.cookies[COOKIE] = "en"
    assert client.get("/where", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9").content == b"en UTC"
