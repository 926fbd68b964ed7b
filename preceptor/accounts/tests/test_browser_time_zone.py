"""The browser's time zone becomes the member's at sign-up (a static script fills a hidden field; no inline
script), and the account page offers it when the member's setting differs."""

import pytest

from preceptor.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_in_vienna_signs_up_with_vienna_time(live_server, new_page, screenshot):
    page = new_page(timezone_id="Europe/Vienna")
    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("input[name=time_zone]").input_value() == "Europe/Vienna"
    page.get_by_label("Full name").fill("Dr. Vera Vienna")
    page.get_by_label("E-mail address").fill("vera@example.org")
    page.get_by_label("Password").fill("journey-passphrase-2026")
    page.get_by_label("Date of birth").fill("1985-04-12")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    assert User.objects.get(email="vera@example.org").time_zone == "Europe/Vienna"


def test_the_account_page_offers_the_browsers_zone_in_one_click(live_server, new_page, learner):
    from preceptor.conftest import PASSWORD

    page = new_page(timezone_id="Asia/Tokyo")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/settings/account/")
    page.get_by_role("button", name="Use Asia/Tokyo (your browser's time zone)").click()
    assert page.locator("select[name=time_zone]").input_value() == "Asia/Tokyo"
    page.get_by_role("button", name="Save details").click()
    page.wait_for_url(f"{live_server.url}/settings/account/")
    learner.refresh_from_db()
    assert learner.time_zone == "Asia/Tokyo"
