"""A trial member upgrades through the demo provider, sees Pro content and a receipt, cancels, keeps access
until the period ends (frozen time), then loses it. Screenshots go to test-artifacts/."""

from datetime import timedelta

import pytest
import time_machine

from preceptor.billing.models import Subscription
from preceptor.billing.services import prices_ensure
from preceptor.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upgrade_see_pro_content_and_receipt_cancel_keep_until_period_end_then_lose(
    live_server, new_page, screenshot, settings, course, learner
):
    settings.DEBUG = True  # the demo checkout runs only in debug mode
    prices_ensure()
    base = live_server.url
    page = new_page()

    def sign_in():
        page.context.clear_cookies()  # a month on, the session has expired anyway: sign in afresh
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("E-mail address").fill(learner.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")  # "My learning"

    sign_in()

    page.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
    assert page.get_by_role("heading", name="This lesson is part of Pro").is_visible()
    page.get_by_role("link", name="Become a Pro member").click()
    screenshot(page, "01-pricing")
    page.locator(".plan").filter(has_text="Monthly").get_by_role("button").click()
    assert page.get_by_text("Demo — no money moves").is_visible()
    screenshot(page, "02-demo-checkout")
    page.get_by_role("button", name="Pay €29.00 (demo)").click()
    assert page.get_by_text("Welcome to Pro!").is_visible()
    assert page.locator("table.data").get_by_text("€29.00").is_visible()
    screenshot(page, "03-pro-with-receipt")

    page.get_by_role("link", name="View", exact=True).click()
    assert page.get_by_role("heading", name="Receipt").is_visible()
    screenshot(page, "04-receipt")

    page.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
    assert page.get_by_text("Count the QRS complexes.").is_visible()

    page.goto(f"{base}/billing/")
    page.get_by_role("link", name="Cancel membership").click()
    page.get_by_role("heading", name="Cancel your membership?").wait_for()  # the click starts the navigation only
    assert page.get_by_role("heading", name="Cancel your membership?").is_visible()
    assert page.get_by_text("can resume the membership").is_visible()
    screenshot(page, "05-cancel-confirmation")
    page.get_by_role("button", name="Yes, cancel my membership").click()
    assert page.get_by_text("and can resume it until then.").first.is_visible()
    page.get_by_role("button", name="Resume membership").click()
    assert page.get_by_text("Your membership is resumed").is_visible()
    assert not Subscription.objects.get(user=learner).cancel_at_period_end
    page.get_by_role("link", name="Cancel membership").click()
    page.get_by_role("button", name="Yes, cancel my membership").click()
    assert page.get_by_role("button", name="Resume membership").is_visible()
    screenshot(page, "05-cancelled")

    period_end = Subscription.objects.get(user=learner).current_period_end
    with time_machine.travel(period_end - timedelta(hours=1), tick=True):
        sign_in()
        page.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
        assert page.get_by_text("Count the QRS complexes.").is_visible()
    with time_machine.travel(period_end + timedelta(minutes=1), tick=True):
        sign_in()
        page.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
        assert page.get_by_role("heading", name="This lesson is part of Pro").is_visible()
        screenshot(page, "06-after-period-end")
        page.goto(f"{base}/billing/")
        assert page.get_by_role("link", name="See plans and prices").is_visible()
