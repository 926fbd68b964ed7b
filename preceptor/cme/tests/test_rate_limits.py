"""Certificate and transcript PDFs are rendered on request, so each member gets a limited number an hour."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from preceptor.cme import views
from preceptor.cme.services import credit_claim
from preceptor.core.ratelimit import Rate


@pytest.fixture
def certificate_url(ready, activity):
    [claim] = credit_claim(user=ready, activity=activity, credits=Decimal("1"))
    return f"/cme/certificates/{claim.certificate_id}.pdf"


def test_certificate_pdfs_are_limited_per_member_with_retry_after(client, monkeypatch, ready, certificate_url):
    monkeypatch.setattr(views, "CERTIFICATE_PDF_RATE", Rate(2, 3600))
    client.force_login(ready)
    for _ in range(2):
        assert client.get(certificate_url)["Content-Type"] == "application/pdf"

    refused = client.get(certificate_url)

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "Too many requests" in refused.content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=1)):
        assert client.get(certificate_url).status_code == 200


def test_another_member_and_a_visitor_get_no_certificate_and_use_up_nothing(
    client, monkeypatch, ready, outsider, certificate_url
):
    monkeypatch.setattr(views, "CERTIFICATE_PDF_RATE", Rate(1, 3600))
    response = client.get(certificate_url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(outsider)
    for _ in range(3):
        assert client.get(certificate_url).status_code == 404
    client.force_login(ready)
    assert client.get(certificate_url).status_code == 200


def test_transcript_pdfs_are_limited_per_member_and_the_page_itself_is_not(client, monkeypatch, ready):
    monkeypatch.setattr(views, "TRANSCRIPT_PDF_RATE", Rate(1, 3600))
    client.force_login(ready)
    assert client.get("/cme/?format=pdf")["Content-Type"] == "application/pdf"

    refused = client.get("/cme/?format=pdf")

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get("/cme/").status_code == 200
    assert client.get("/cme/?format=csv").status_code == 200
    client.logout()
    assert client.get("/cme/?format=pdf").status_code == 302
