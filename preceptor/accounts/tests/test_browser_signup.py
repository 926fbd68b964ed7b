"""Sign up → verification e-mail → verify → sign in with and without "remember me" → edit the profile →
the public page as a visitor, another member and the owner. Screenshots go to test-artifacts/."""

import re
import time

import pytest
from django.core import mail

from preceptor.conftest import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email, password, remember):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    if remember:
        page.get_by_label("Remember me for 30 days").check()
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")  # "My learning"


def session_cookie(page):
    return next(c for c in page.context.cookies() if c["name"] == "sessionid")


def shown_fields(page) -> set[str]:
    return set(page.locator("[data-field]").evaluate_all("els => els.map(e => e.dataset.field)"))


def test_signup_verify_login_edit_profile_and_view_it_as_three_audiences(live_server, new_page, screenshot):
    base = live_server.url
    page = new_page()

    # Sign up
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Full name").fill("Dr. Nora Browser")
    page.get_by_label("E-mail address").fill("nora@example.org")
    page.get_by_label("Password").fill("journey-passphrase-2026")
    page.get_by_label("Date of birth").fill("1985-04-12")
    screenshot(page, "01-signup")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    screenshot(page, "02-verification-sent")

    # Read the verification e-mail and verify
    deadline = time.monotonic() + 10
    while not mail.outbox:
        assert time.monotonic() < deadline, "no verification e-mail"
        time.sleep(0.1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", base, link))
    screenshot(page, "03-confirm")
    page.get_by_role("button", name="Confirm").click()
    # Confirming right after signing up signs the member in, on "My learning"
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My learning").is_visible()
    page.context.clear_cookies()

    # Sign in without "remember me": a browser-session cookie
    sign_in(page, base, "nora@example.org", "journey-passphrase-2026", remember=False)
    assert session_cookie(page)["expires"] == -1
    page.goto(f"{base}/settings/account/")
    screenshot(page, "04-account-trial")
    assert "Free trial" in page.content()
    page.get_by_role("button", name="Sign out").click()

    # Sign in with "remember me": a cookie that outlives the browser, for about 30 days
    sign_in(page, base, "nora@example.org", "journey-passphrase-2026", remember=True)
    days = (session_cookie(page)["expires"] - time.time()) / 86400
    assert 29.9 < days <= 30.01

    # Edit the profile: one field per audience
    page.goto(f"{base}/settings/profile/")
    page.get_by_label("Profile address").fill("nora-browser")
    page.locator("#id_profession").select_option("physician_md_do")
    page.locator("#id_profession_visibility").select_option("public")
    page.locator("#id_specialty").fill("Cardiology")
    page.locator("#id_specialty_visibility").select_option("members")
    page.locator("#id_institution").fill("Private Clinic")
    page.locator("#id_institution_visibility").select_option("private")
    page.locator("#id_bio").fill("I read **ECGs** for fun. <script>alert(1)</script>")
    page.locator("#id_bio_visibility").select_option("public")
    screenshot(page, "05-edit-profile")
    page.get_by_role("button", name="Save profile").click()
    assert "Your profile has been saved." in page.content()

    # The owner sees everything
    page.goto(f"{base}/u/nora-browser/")
    screenshot(page, "06-profile-as-owner")
    assert shown_fields(page) == {"profession", "specialty", "institution", "bio"}
    assert page.locator("[data-field=bio] strong").inner_text() == "ECGs"

    # Another member sees public and members-only fields
    make_member("second@example.org", "Second Member")
    member = new_page()
    sign_in(member, base, "second@example.org", PASSWORD, remember=False)
    member.goto(f"{base}/u/nora-browser/")
    screenshot(member, "07-profile-as-member")
    assert shown_fields(member) == {"profession", "specialty", "bio"}

    # An anonymous visitor sees the public fields only
    visitor = new_page()
    visitor.goto(f"{base}/u/nora-browser/")
    screenshot(visitor, "08-profile-as-visitor")
    assert shown_fields(visitor) == {"profession", "bio"}
    assert "Private Clinic" not in visitor.content()
    assert "Cardiology" not in visitor.content()
    assert visitor.locator("script", has_text="alert(1)").count() == 0
