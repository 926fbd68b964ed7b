"""The legal-request journey in a browser: one privacy officer records a court order with a secrecy review date,
cannot approve it themself, a second officer approves it, and the member's ledger stays silent until the date."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from preceptor.conftest import make_staff
from preceptor.privacy.models import Disclosure, LegalRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(new_page, user, base):
    client = Client()
    client.force_login(user)
    page = new_page()
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return page


def test_two_officers_release_a_secret_court_order(live_server, new_page, screenshot, learner):
    base = live_server.url
    first = make_staff("officer-one@example.org", "Olga One", "Privacy officer")
    second = make_staff("officer-two@example.org", "Otto Two", "Privacy officer")

    page = signed_in(new_page, first, base)
    page.goto(f"{base}/staff/privacy/legal/new/")
    page.get_by_label("Authority").fill("Amtsgericht Berlin-Mitte")
    page.get_by_label("Reference").fill("4 Cg 12/26")
    page.get_by_label("Legal basis").fill("§ 101 UrhG")
    page.get_by_label("What was requested").fill("Name and e-mail address of the account")
    page.get_by_label("Members concerned").fill(f"{learner.email}\nnobody@example.org")
    page.get_by_label("Reasons for the decision").fill("A valid order naming the account.")
    page.get_by_label("Data disclosed").fill("Name, e-mail address")
    page.get_by_label("Secrecy review date").fill("2099-01-01")
    page.get_by_role("button", name="Record for approval").click()
    assert "No member has these addresses: nobody@example.org" in page.locator("main").inner_text()
    screenshot(page, "01-unknown-member-explained")
    page.get_by_label("Members concerned").fill(learner.email)
    page.get_by_role("button", name="Record for approval").click()
    page.wait_for_url("**/staff/privacy/legal/*/")
    assert page.get_by_role("button", name="Approve and release").count() == 0
    screenshot(page, "02-recorded-waits-for-a-second-officer")

    detail = page.url
    page = signed_in(new_page, second, base)
    page.goto(detail)
    page.get_by_role("button", name="Approve and release").click()
    page.wait_for_url(detail)
    assert "Approved and released" in page.content()
    screenshot(page, "03-approved")
    assert LegalRequest.objects.get().status == LegalRequest.Status.RELEASED
    assert Disclosure.objects.get(user=learner).restricted

    page = signed_in(new_page, learner, base)
    page.goto(f"{base}/settings/data/")
    assert "Amtsgericht" not in page.content()
