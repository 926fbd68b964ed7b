"""The newsletter journey in a browser: the newsletter editor writes a newsletter, reads the preview, sends a test
to themself, schedules it for now, and reads the delivery report; the page fits a phone."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client

from preceptor.conftest import make_staff
from preceptor.mail.models import EmailPreference, Newsletter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(new_page, user, base):
    client = Client()
    client.force_login(user)
    page = new_page()
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return page


def test_an_editor_writes_tests_and_sends_a_newsletter(live_server, new_page, screenshot, learner):
    base = live_server.url
    EmailPreference.objects.create(user=learner, newsletter=True)
    editor = make_staff("editor@example.org", "Nora News", "Newsletter editor")
    page = signed_in(new_page, editor, base)
    page.goto(f"{base}/staff/")
    page.get_by_role("link", name="Newsletters").click()
    page.get_by_role("link", name="Write a newsletter").click()
    page.get_by_label("Subject").fill("Three new cardiology courses")
    page.get_by_label("Text").fill(
        "This month: **atrial fibrillation**.\n\n- Heart block\n- [ECG basics](https://example.org/ecg/)"
    )
    screenshot(page, "01-writing")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/staff/newsletters/*/")
    assert page.locator(".prose strong").inner_text() == "atrial fibrillation"
    page.get_by_role("button", name="Send a test to editor@example.org").click()
    page.get_by_text("A test copy is on its way").wait_for()
    screenshot(page, "02-preview-and-test")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_role("heading", name="Delivery report").wait_for()
    screenshot(page, "03-report")
    assert Newsletter.objects.get().status == Newsletter.Status.SENT
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", learner.email]

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "04-report-on-a-phone")
