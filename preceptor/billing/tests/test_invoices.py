"""Receipts are invoices usable for reimbursement: numbered in sequence without gaps (once, never reused), the
seller from the settings and the member's billing details as they were when issued, as a PDF that only its
owner and staff who may see receipts download."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.models import BillingDetails, InvoiceCounter, Receipt
from preceptor.billing.providers import registry
from preceptor.billing.providers.base import RemotePayment
from preceptor.billing.services import invoice_issue, payment_sync
from preceptor.billing.tests.conftest import buy
from preceptor.cme.tests.test_certificates import pdf_text
from preceptor.conftest import make_staff
from preceptor.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def pay(user, reference: str, amount: int = 1900, paid_at=None) -> Receipt:
    """A one-off payment as the demo provider reports it (what a class purchase records)."""
    return payment_sync(
        provider=registry.get("demo"),
        remote=RemotePayment(
            provider_id=reference,
            user_id=user.pk,
            customer_id="",
            subscription_id="",
            description="Class: ECG clinic",
            amount=amount,
            currency="EUR",
            paid_at=paid_at or timezone.now(),
        ),
    )


def test_each_payment_gets_the_next_number_of_its_year_once(learner, outsider):
    year = timezone.localtime().year
    first, second = pay(learner, "order:a"), pay(outsider, "order:b")
    assert (first.invoice_number, second.invoice_number) == (f"{year}-000001", f"{year}-000002")
    again = pay(learner, "order:a")  # the same payment synced again: the same invoice
    assert again.pk == first.pk and again.invoice_number == first.invoice_number
    assert invoice_issue(receipt=again).invoice_number == first.invoice_number
    assert InvoiceCounter.objects.get(year=year).last == 2
    last_year = pay(learner, "order:c", paid_at=timezone.now() - timedelta(days=366))
    assert last_year.invoice_number.endswith("-000001") and not last_year.invoice_number.startswith(str(year))


def test_a_payment_that_is_rolled_back_leaves_no_gap(learner):
    with pytest.raises(RuntimeError), transaction.atomic():
        pay(learner, "order:lost")
        raise RuntimeError("the payment's transaction fails after the number was taken")
    assert not Receipt.objects.exists()
    assert pay(learner, "order:kept").invoice_number.endswith("-000001")


def test_a_payment_of_nothing_is_no_invoice(learner):
    assert pay(learner, "order:free", amount=0).invoice_number is None


def test_the_invoice_keeps_the_seller_and_buyer_as_they_were_when_issued(settings, learner):
    settings.BILLING_SELLER_NAME = "Preceptor Test GmbH"
    settings.BILLING_SELLER_ADDRESS = "Teststraße 5 · 80331 München · Germany"
    settings.BILLING_SELLER_VAT_ID = "DE123456789"
    settings.BILLING_VAT_PERCENT = 19
    BillingDetails.objects.create(user=learner, name="Dr. Lena Learner", address="Klinikweg 2\n20095 Hamburg")
    receipt = pay(learner, "order:a", amount=1900)
    settings.BILLING_SELLER_NAME = "Someone Else Ltd"
    BillingDetails.objects.filter(user=learner).update(name="Changed")
    receipt.refresh_from_db()
    assert receipt.invoice_seller == {
        "name": "Preceptor Test GmbH",
        "address": "Teststraße 5\n80331 München\nGermany",
        "vat_id": "DE123456789",
        "vat_percent": "19",
    }
    assert receipt.invoice_buyer["name"] == "Dr. Lena Learner"
    assert (receipt.net_display, receipt.vat_display) == ("€15.97", "€3.03")  # 19.00 includes 19 % VAT


def test_billing_details_are_validated_and_the_errors_explained(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("billing:details"), {"name": "Lena", "address": "Only one line", "vat_id": "123456789"}
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "at least the street and the postcode and town" in text and "the country code, then the number" in text
    assert 'aria-invalid="true"' in text or "field-error" in text
    assert not BillingDetails.objects.exists()


def test_saved_details_complete_earlier_invoices_once_and_leave_others_alone(client, learner):
    older = pay(learner, "order:before")  # no address given yet: name and e-mail only
    client.force_login(learner)
    response = client.post(
        reverse("billing:details"),
        {
            "name": " Dr.  Lena Learner ",
            "organisation": "Klinikum Nord",
            "address": "Klinikweg 2\n\n20095 Hamburg\nGermany",
            "vat_id": "de 123 456 789",
        },
    )
    assert response.status_code == 302
    details = BillingDetails.objects.get(user=learner)
    assert (details.name, details.vat_id, details.address) == (
        "Dr. Lena Learner",
        "DE123456789",
        "Klinikweg 2\n20095 Hamburg\nGermany",
    )
    older.refresh_from_db()
    assert older.invoice_buyer["organisation"] == "Klinikum Nord" and "Hamburg" in older.invoice_buyer["address"]
    client.post(reverse("billing:details"), {"name": "New Name", "address": "Elsewhere 1\n10115 Berlin"})
    older.refresh_from_db()
    assert older.invoice_buyer["name"] == "Dr. Lena Learner"  # an invoice with an address keeps it
    assert pay(learner, "order:after").invoice_buyer["name"] == "New Name"
    assert AuditEvent.objects.filter(action="billing.details_saved", subject=learner).count() == 2


def test_the_invoice_pdf_names_seller_buyer_number_and_vat(client, settings, learner):
    settings.BILLING_SELLER_NAME = "Preceptor Test GmbH"
    settings.BILLING_SELLER_VAT_ID = "DE123456789"
    BillingDetails.objects.create(
        user=learner, name="Dr. Lena Learner", organisation="Klinikum Nord", address="Klinikweg 2\n20095 Hamburg"
    )
    receipt = pay(learner, "order:a")
    client.force_login(learner)
    response = client.get(reverse("billing:invoice_pdf", args=[receipt.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    for fact in (
        "Invoice",
        receipt.invoice_number,
        "Preceptor Test GmbH",
        "DE123456789",
        "Klinikum Nord",
        "Dr. Lena Learner",
        "20095 Hamburg",
        "Class: ECG clinic",
        "Net amount €15.97",
        "VAT 19 % €3.03",
        "Total €19.00",
    ):
        assert fact in text, fact


def test_only_the_owner_and_staff_who_may_see_receipts_download_the_invoice(client, learner, outsider, staff):
    receipt = pay(learner, "order:a")
    url = reverse("billing:invoice_pdf", args=[receipt.public_id])
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(make_staff("editor@example.org", "Ed Editor", "Content editor"))  # staff, not this permission
    assert client.get(url).status_code == 404
    support = make_staff("support@example.org", "Sue Support", "Support")  # answers billing questions
    for reader in (support, staff):
        client.force_login(reader)
        assert client.get(url).status_code == 200
        assert AuditEvent.objects.filter(action="billing.invoice_downloaded", actor=reader, subject=learner).exists()


def test_the_billing_page_links_each_invoice_and_the_receipt_shows_it(client, prices, learner):
    buy(client, learner)
    receipt = Receipt.objects.get(user=learner)
    page = client.get(reverse("billing:overview")).content.decode()
    assert reverse("billing:invoice_pdf", args=[receipt.public_id]) in page and "Billing details for invoices" in page
    detail = client.get(receipt.get_absolute_url()).content.decode()
    assert receipt.invoice_number in detail and "Download the invoice (PDF)" in detail
    assert "Add your billing details" in detail
