"""A member pays, gives the billing details their employer needs (a wrong entry is explained at the field), and
downloads the invoice made out to them. Screenshots in test-artifacts/."""

import pytest

from preceptor.billing.models import Receipt
from preceptor.billing.services import prices_ensure
from preceptor.catalog.tests.test_browser_learning import sign_in
from preceptor.cme.tests.test_certificates import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pay_give_billing_details_and_download_the_invoice(live_server, new_page, screenshot, settings, learner):
    settings.DEBUG = True  # the demo checkout runs only in debug mode
    prices_ensure()
    base = live_server.url
    page = new_page()
    sign_in(page, base, learner.email)

    page.goto(f"{base}/pricing/")
    page.locator(".plan").filter(has_text="Monthly").get_by_role("button").click()
    page.get_by_role("button", name="Pay €29.00 (demo)").click()
    page.get_by_label("Name on invoices").fill("Dr. Lena Learner")
    page.get_by_label("Organisation").fill("Klinikum Nord")
    page.get_by_label("Postal address").fill("Klinikweg 2")
    page.get_by_label("VAT id").fill("DE12345")
    page.get_by_role("button", name="Save billing details").click()
    assert page.get_by_text("at least the street and the postcode and town").is_visible()
    assert page.get_by_text("the country code, then the number").is_visible()
    screenshot(page, "01-details-explained")
    page.get_by_label("Postal address").fill("Klinikweg 2\n20095 Hamburg\nGermany")
    page.get_by_label("VAT id").fill("DE 123 456 789")
    page.get_by_role("button", name="Save billing details").click()
    assert page.get_by_text("Your billing details are saved").is_visible()
    screenshot(page, "02-details-saved")

    receipt = Receipt.objects.get(user=learner)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Invoice {receipt.invoice_number} (PDF)").click()
    text = pdf_text(open(download.value.path(), "rb").read())  # noqa: SIM115 - read at once
    assert receipt.invoice_number in text and "Klinikum Nord" in text and "DE123456789" in text
    page.get_by_role("link", name="View", exact=True).click()
    assert page.get_by_text("Klinikum Nord").is_visible()
    screenshot(page, "03-receipt-as-invoice")
