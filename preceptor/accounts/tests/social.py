"""Fixtures and helpers for the social sign-in tests: the fake provider (``fake_provider.py``) configured as the
institution's OpenID Connect server or as Facebook, through the same environment variables production uses."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.providers.facebook import flows as facebook_flows
from allauth.socialaccount.providers.facebook.views import FacebookOAuth2Adapter

from preceptor.accounts.tests.fake_provider import CLIENT_ID, CLIENT_SECRET, FakeProvider
from preceptor.config.env import social_providers

INSTITUTION = "St. Example University Hospital"


def _configure(settings, monkeypatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"  # the live server and the test client speak plain HTTP


@pytest.fixture
def oidc(settings, monkeypatch):
    """The institution's OpenID Connect server (OIDC_*)."""
    fake = FakeProvider().start()
    env = {"OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_SERVER_URL": fake.url}
    _configure(settings, monkeypatch, {**env, "OIDC_NAME": INSTITUTION})
    settings.OIDC_CLIENT_ID, settings.OIDC_NAME = CLIENT_ID, INSTITUTION
    fake.identity = {
        "sub": "u-1001",
        "email": "nora.institution@example.org",
        "email_verified": True,
        "name": "Dr. Nora Institution",
        "given_name": "Nora",
        "family_name": "Institution",
    }
    yield fake
    fake.stop()


@pytest.fixture
def facebook(settings, monkeypatch):
    """Facebook (FACEBOOK_*): allauth takes Facebook's addresses from module constants read at import, so the test
    points them at the fake here (and only here)."""
    fake = FakeProvider().start()
    _configure(settings, monkeypatch, {"FACEBOOK_CLIENT_ID": CLIENT_ID, "FACEBOOK_CLIENT_SECRET": CLIENT_SECRET})
    settings.FACEBOOK_CLIENT_ID = CLIENT_ID
    monkeypatch.setattr(FacebookOAuth2Adapter, "authorize_url", f"{fake.url}/dialog/oauth")
    monkeypatch.setattr(FacebookOAuth2Adapter, "access_token_url", f"{fake.url}/oauth/access_token")
    monkeypatch.setattr(facebook_flows, "GRAPH_API_URL", fake.url)
    fake.identity = {
        "sub": "10220000000001",
        "email": "fb.member@example.org",
        "name": "Fiona Facebook",
        "given_name": "Fiona",
        "family_name": "Facebook",
    }
    yield fake
    fake.stop()


def provider_round_trip(client, login_url: str, data: dict[str, str] | None = None):
    """What a browser does: POST our login view, follow its redirect to the provider (which approves at once) and
    the provider's redirect back to our callback. Returns the callback's response."""
    started = client.post(login_url, data or {})
    assert started.status_code == 302, started
    answer = requests.get(started["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")
