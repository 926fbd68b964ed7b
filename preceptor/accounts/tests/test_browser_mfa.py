"""A staff member without two-factor sign-in opens the admin with STAFF_REQUIRE_MFA on: the admin's login is the
site's sign-in, the admin sends them to set up an authenticator app (QR code shown under the enforced CSP),
then staff pages ask for a code; the next sign-in asks for it too, and a recovery code works instead.
Screenshots go to test-artifacts/."""

import re
import time

import pytest

from preceptor.accounts.tests.test_mfa import totp
from preceptor.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_code(secret: str) -> str:
    """The app's current code, waiting out the last two seconds of a step so it is still valid when posted."""
    while time.time() % 30 > 28:
        time.sleep(0.2)
    return totp(secret, time.time())


def test_staff_set_up_an_authenticator_from_the_admin_and_sign_in_with_it(
    live_server, new_page, screenshot, staff, settings
):
    settings.STAFF_REQUIRE_MFA = True
    base = live_server.url
    page = new_page()

    page.goto(f"{base}/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fadmin%2F$"))
    page.get_by_label("E-mail").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # No authenticator yet: the admin sends staff to set one up; allauth asks for the password first.
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert "Staff pages need two-factor sign-in" in page.content()
    screenshot(page, "01-why-and-password-again")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(f"{base}/accounts/2fa/totp/activate/")
    qr = page.locator("img.qr-code")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "02-scan-the-code")
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(fresh_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    page.wait_for_url(f"{base}/accounts/2fa/recovery-codes/")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    screenshot(page, "03-recovery-codes")

    # This session signed in before the authenticator existed: staff pages ask for a code once.
    page.goto(f"{base}/staff/")
    page.wait_for_url(re.compile(r"/accounts/2fa/reauthenticate/\?next=%2Fstaff%2F$"))
    screenshot(page, "04-code-for-staff-pages")
    page.get_by_label("Code").fill(fresh_code(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/staff/")

    # The next sign-in asks for the second factor; a recovery code does instead of the app.
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("E-mail").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
    screenshot(page, "05-second-factor-at-sign-in")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/admin/")
    assert page.get_by_role("heading", name="Preceptor administration").is_visible()
