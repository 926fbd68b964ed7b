"""In the browser, against the local fake provider: sign up with the institution's OpenID Connect server, sign out
and in again with it; connect Facebook, take its picture as the profile photo (served from our own address: no
reader's browser contacts Facebook), then disconnect Facebook and the photo is gone. Screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount

from preceptor.accounts.models import User
from preceptor.accounts.tests.social import INSTITUTION
from preceptor.conftest import PASSWORD, make_member
from preceptor.site.tests.test_browser_crawl import OFFENDERS_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_a_phone(page) -> list[str]:
    """The elements that stick out of a 390-pixel-wide screen (none, for a page that fits)."""
    page.set_viewport_size({"width": 390, "height": 844})
    offenders = page.evaluate(OFFENDERS_JS, 390)
    page.set_viewport_size({"width": 1280, "height": 900})
    return offenders


def test_signing_up_and_in_with_the_institution(live_server, new_page, screenshot, oidc):
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    screenshot(page, "01-sign-in-with-providers")
    page.get_by_role("button", name=f"Continue with {INSTITUTION}").click()

    # The provider approved at once and sent the browser back: our sign-up form, with the name it sent.
    page.wait_for_url(f"{base}/accounts/3rdparty/signup/")
    assert page.get_by_label("Full name").input_value() == "Dr. Nora Institution"
    assert page.get_by_label("E-mail address").input_value() == "nora.institution@example.org"
    page.get_by_label("Date of birth").fill("1985-04-12")
    screenshot(page, "02-sign-up-form")
    assert fits_a_phone(page) == []
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My learning").is_visible()
    user = User.objects.get(email="nora.institution@example.org")
    assert SocialAccount.objects.filter(user=user, provider="institution").exists()

    page.goto(f"{base}/settings/account/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name=f"Continue with {INSTITUTION}").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My learning").is_visible()
    assert User.objects.count() == 1
    # Our pages asked the provider in the browser only to authorize; the tokens went server to server.
    assert oidc.paths("/authorize") and all(
        "python-requests" in s.headers["user-agent"]
        for s in oidc.seen
        if s.path in ("/token", "/userinfo", "/.well-known/openid-configuration")
    )


def test_facebook_picture_as_profile_photo_served_by_us_and_removed_on_disconnect(
    live_server, new_page, screenshot, facebook
):
    base = live_server.url
    member = make_member("fiona@example.org", "Fiona Member")
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/settings/profile/")
    page.get_by_role("link", name="Use your Facebook profile picture").click()
    page.wait_for_url(f"{base}/settings/profile/facebook-photo/")
    assert "Your name and this photo become visible together" in page.content()
    screenshot(page, "01-told-before-connecting")
    page.get_by_role("button", name="Continue with Facebook").click()

    page.wait_for_url(f"{base}/settings/profile/facebook-photo/")
    assert "Your Facebook account is now connected." in page.content()
    page.get_by_label("Who sees the photo").select_option("public")
    screenshot(page, "02-connected-choose-audience")
    assert fits_a_phone(page) == []
    page.get_by_role("button", name="Use my Facebook picture").click()
    page.wait_for_url(f"{base}/settings/profile/")
    assert facebook.paths("/picture/") == ["/picture/me.jpg"]  # copied once, by the server
    handle = User.objects.get(pk=member.pk).profile.handle

    # A reader (another browser, not signed in) sees the photo from our address; their browser never asks Facebook.
    reader = new_page()
    requested: list[str] = []
    reader.on("request", lambda request: requested.append(request.url))
    reader.goto(f"{base}/u/{handle}/")
    photo = reader.locator("img.profile-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 400
    assert re.match(rf"^{re.escape(base)}/u/{handle}/photo\.jpg", photo.evaluate("img => img.currentSrc"))
    assert requested and not [url for url in requested if url.startswith(facebook.url)]
    assert len(facebook.paths("/picture/")) == 1
    screenshot(reader, "03-public-profile-with-photo")

    # Disconnecting Facebook removes the photo.
    page.goto(f"{base}/accounts/3rdparty/")
    screenshot(page, "04-connected-accounts")
    assert fits_a_phone(page) == []
    page.get_by_label(re.compile("Facebook")).check()
    page.get_by_role("button", name="Disconnect").click()
    page.wait_for_url(f"{base}/accounts/3rdparty/")
    assert "The account has been disconnected." in page.content()
    reader.goto(f"{base}/u/{handle}/")
    assert reader.locator("img.profile-photo").count() == 0
    assert not User.objects.get(pk=member.pk).profile.avatar
