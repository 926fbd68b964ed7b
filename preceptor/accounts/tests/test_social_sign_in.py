"""Signing up and in with an institution's OpenID Connect server (and Facebook), end to end against the local fake
provider: the state and PKCE checks, the sign-up form's age check, no take-over of an existing account, no token
kept, and what the privacy registry exports and erases."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from preceptor.accounts.models import User
from preceptor.accounts.tests.social import INSTITUTION, provider_round_trip
from preceptor.config.env import social_providers
from preceptor.conftest import make_member
from preceptor.privacy import registry

pytestmark = pytest.mark.django_db

OIDC_LOGIN = reverse("openid_connect_login", kwargs={"provider_id": "institution"})
SIGNUP = reverse("socialaccount_signup")


def sign_up(client, fake, *, date_of_birth="1984-02-29", **changes):
    """Through the provider to our sign-up form, then send it."""
    response = provider_round_trip(client, OIDC_LOGIN)
    assert response.status_code == 302 and response["Location"] == SIGNUP
    form = client.get(SIGNUP)
    assert form.status_code == 200
    data = {
        "full_name": form.context["form"]["full_name"].value(),
        "email": form.context["form"]["email"].value(),
        "date_of_birth": date_of_birth,
        "time_zone": "Europe/Vienna",
        **changes,
    }
    return client.post(SIGNUP, data)


def signed_in_as(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_without_client_ids_no_provider_is_on_and_the_sign_in_page_offers_none(client, monkeypatch):
    for name in ("FACEBOOK", "GOOGLE", "OIDC"):
        monkeypatch.delenv(f"{name}_CLIENT_ID", raising=False)
        monkeypatch.delenv(f"{name}_CLIENT_SECRET", raising=False)
    monkeypatch.delenv("OIDC_SERVER_URL", raising=False)
    assert social_providers() == {}
    page = client.get(reverse("account_login")).content.decode()
    assert "Continue with" not in page


@pytest.mark.parametrize(
    "env",
    [
        {"FACEBOOK_CLIENT_ID": "1234"},
        {"GOOGLE_CLIENT_SECRET": "s"},
        {"OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"},
        {"OIDC_SERVER_URL": "https://idp.example.org/realms/staff"},
    ],
)
def test_a_half_configured_provider_stops_the_start_with_a_clear_message(monkeypatch, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=r"_CLIENT_|OIDC_SERVER_URL"):
        social_providers()


def test_each_configured_provider_gets_a_button_and_its_sign_in_origin_is_admitted_for_forms(client, oidc, facebook):
    response = client.get(reverse("account_login"))
    page = response.content.decode()
    assert f"Continue with {INSTITUTION}" in page and "Continue with Facebook" in page
    assert "Continue with Google" not in page
    form_action = next(
        d for d in response["Content-Security-Policy"].split("; ") if d.startswith("form-action")
    ).split()
    assert oidc.url in form_action and facebook.url in form_action
    assert "Continue with Facebook" in client.get(reverse("account_signup")).content.decode()


def test_google_uses_pkce_and_its_sign_in_page_is_admitted_for_forms(client, settings, monkeypatch):
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "1234.apps.googleusercontent.com")
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "google-secret")
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    assert settings.SOCIALACCOUNT_PROVIDERS["google"]["OAUTH_PKCE_ENABLED"] is True
    response = client.get(reverse("account_login"))
    assert "Continue with Google" in response.content.decode()
    assert "https://accounts.google.com" in response["Content-Security-Policy"]
    started = client.post(reverse("google_login"))
    query = parse_qs(urlsplit(started["Location"]).query)
    assert started["Location"].startswith("https://accounts.google.com/")
    assert query["state"][0] and query["code_challenge_method"] == ["S256"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}


def test_a_get_on_the_login_view_only_asks_to_continue(client, oidc):
    response = client.get(OIDC_LOGIN)
    assert response.status_code == 200
    assert f"Continue to {INSTITUTION}" in response.content.decode()
    assert oidc.url in response["Content-Security-Policy"]
    assert oidc.paths("/authorize") == []


def test_signing_up_and_then_in_with_the_institution(client, oidc):
    response = sign_up(client, oidc)
    assert response.status_code == 302 and response["Location"] == reverse("site:home")
    user = User.objects.get(email="nora.institution@example.org")
    assert user.full_name == "Dr. Nora Institution" and user.time_zone == "Europe/Vienna"
    assert user.age_verified_at is not None and not user.has_usable_password()
    assert user.profile.avatar_visibility == "private"  # profiles as for any new member
    assert signed_in_as(client) == user
    assert EmailAddress.objects.get(user=user).verified  # the institution vouched for the address
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("institution", "u-1001")
    assert not SocialToken.objects.exists()  # used once, never kept

    # State and PKCE: the authorize request carried both; the token request proved the verifier.
    authorize = next(seen for seen in oidc.seen if seen.path == "/authorize")
    assert authorize.query["state"] and authorize.query["code_challenge_method"] == "S256"
    token = next(seen for seen in oidc.seen if seen.path == "/token")
    assert token.form["code_verifier"]

    client.post(reverse("account_logout"))
    assert signed_in_as(client) is None
    response = provider_round_trip(client, OIDC_LOGIN)
    assert response.status_code == 302 and response["Location"] == reverse("site:home")
    assert signed_in_as(client) == user
    assert User.objects.count() == 1


def test_the_sign_up_form_checks_the_age_and_keeps_nothing_when_under_age(client, oidc):
    response = sign_up(client, oidc, date_of_birth="2024-01-01")
    assert response.status_code == 200
    assert "at least 13 years old" in response.content.decode()
    assert not User.objects.filter(email="nora.institution@example.org").exists()
    assert not SocialAccount.objects.exists()


def test_a_callback_with_a_state_we_did_not_issue_is_refused(client, oidc, caplog):
    started = client.post(OIDC_LOGIN)
    answer = requests.get(started["Location"], allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    query = parse_qs(back.query)
    response = client.get(back.path, {"code": query["code"][0], "state": "forged-state"})
    assert response.status_code == 401
    assert "Sign-in did not work" in response.content.decode()
    assert oidc.paths("/token") == []  # the code was never exchanged
    assert "Sign-in with openid_connect failed" in caplog.text and query["code"][0] not in caplog.text
    assert signed_in_as(client) is None and not User.objects.exists()


def test_a_wrong_pkce_verifier_is_refused_by_the_provider_and_nothing_signs_in(client, oidc, monkeypatch):
    from allauth.socialaccount.providers.oauth2 import client as oauth2_client

    original = oauth2_client.OAuth2Client.get_access_token

    def tampered(self, code, pkce_code_verifier=None, extra_data=None):
        return original(self, code, pkce_code_verifier="not-the-verifier", extra_data=extra_data)

    monkeypatch.setattr(oauth2_client.OAuth2Client, "get_access_token", tampered)
    response = provider_round_trip(client, OIDC_LOGIN)
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert signed_in_as(client) is None and not User.objects.exists()


def test_an_existing_account_with_the_same_verified_address_is_not_taken_over(
    client, oidc, django_capture_on_commit_callbacks
):
    owner = make_member("nora.institution@example.org", "Nora Owner")
    response = provider_round_trip(client, OIDC_LOGIN)
    # Not signed in as the owner: the visitor is asked to sign up, as anyone new.
    assert response["Location"] == SIGNUP and signed_in_as(client) is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, oidc)
    # The page answers like any sign-up ("check your inbox"); the owner gets an e-mail; nothing is connected.
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1 and User.objects.get().full_name == "Nora Owner"
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "already" in mail.outbox[0].body


def test_an_unverified_address_from_the_provider_is_confirmed_by_email_first(
    client, oidc, django_capture_on_commit_callbacks
):
    oidc.identity["email_verified"] = False
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, oidc)
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_as(client) is None
    assert not EmailAddress.objects.get(email="nora.institution@example.org").verified
    assert "confirm" in mail.outbox[-1].body.lower()


def test_the_data_export_lists_connected_accounts_and_erasure_removes_them(client, oidc):
    sign_up(client, oidc)
    user = User.objects.get(email="nora.institution@example.org")
    exported = registry.export_user(user)["accounts"]["connected_accounts"]
    assert [(a["provider"], a["uid"]) for a in exported] == [("institution", "u-1001")]
    assert exported[0]["extra_data"]["userinfo"]["name"] == "Dr. Nora Institution"
    assert exported[0]["tokens"] == []
    registry.erase_user(user)
    assert not SocialAccount.objects.filter(user=user).exists()


def test_the_registry_declares_connected_accounts_and_their_tokens():
    declared = {d.model for app in registry.registry() for d in app.declarations}
    assert {SocialAccount, SocialToken} <= declared
    assert registry.declaration_problems() == []


def test_the_connections_page_lists_the_account_and_offers_the_other_providers(client, oidc, facebook):
    sign_up(client, oidc)
    page = client.get(reverse("socialaccount_connections"))
    text = page.content.decode()
    assert INSTITUTION in text and "Continue with Facebook" in text
    assert facebook.url in page["Content-Security-Policy"]


def test_an_address_typed_instead_of_the_providers_is_added_unconfirmed_and_the_confirmed_one_stays_primary(
    client, oidc
):
    sign_up(client, oidc, email="nora.private@example.org")
    user = signed_in_as(client)
    assert user is not None and user.email == "nora.institution@example.org"
    addresses = {a.email: (a.verified, a.primary) for a in EmailAddress.objects.filter(user=user)}
    assert addresses == {"nora.institution@example.org": (True, True), "nora.private@example.org": (False, False)}
