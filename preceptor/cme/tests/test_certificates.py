"""Certificates and their pages: docs/requirements.md, CME requirements 14, 15, 17, and access for owner, other
member and anonymous visitor."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from preceptor.cme.certificates import CertificateError, certificate_fields, certificate_pdf
from preceptor.cme.models import Activity, Claim
from preceptor.cme.services import claim_revoke, credit_claim


def pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing: .ci/run installs it")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def pdf_png(data: bytes, resolution: int = 60) -> bytes:
    done = subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), "-singlefile"], input=data, capture_output=True, check=True
    )
    return done.stdout


@pytest.fixture
def claim(ready, activity) -> Claim:
    return credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))[0]


def test_req14_ama_certificate_pdf_has_every_required_field(claim):
    text = pdf_text(certificate_pdf(claim))
    for expected in (
        "Certificate of Completion",
        "Dr. Paul Pro",
        "CME Consultants",
        "Heart Rhythm Basics",
        "Learning format: enduring material",
        f"Completed: {timezone.localtime(claim.completed_at):%d %B %Y}",
        "1.75 AMA PRA Category 1 Credits™",
        "through the joint providership of CME Consultants and Preceptor",
        "designates this enduring material for a maximum of 2",
        str(claim.certificate_id),
        f"/certificates/{claim.certificate_id}/",
    ):
        assert expected in text, expected


def test_req14_live_certificate_states_location_and_dates(claim):
    activity = claim.activity
    activity.format = Activity.Format.LIVE
    activity.location = "Vienna, Austria"
    activity.live_starts_on = timezone.localdate()
    activity.save()
    text = pdf_text(certificate_pdf(claim))
    assert "Location: Vienna, Austria" in text and f"Date: {activity.live_starts_on:%d %B %Y}" in text


@pytest.mark.parametrize("blank", ["learner_name", "location"])
def test_req14_a_missing_field_fails_generation(claim, blank):
    if blank == "location":
        claim.activity.format = Activity.Format.LIVE
        claim.activity.location = ""
        claim.activity.live_starts_on = timezone.localdate()
    else:
        claim.learner_name = " "
    with pytest.raises(CertificateError) as error:
        certificate_fields(claim)
    assert ("name" if blank == "learner_name" else "location") in str(error.value)
    with pytest.raises(CertificateError):
        certificate_pdf(claim)


def test_req15_separate_ecmec_certificate_with_the_amount_earned_and_statement(ready, activity):
    today = timezone.localdate()
    activity.eaccme_credits = Decimal("1.5")
    activity.eaccme_event_code = "ELM-2026-1"
    activity.eaccme_granted_on = today - timedelta(days=1)
    activity.eaccme_valid_until = today + timedelta(days=365)
    activity.save()
    claims = {c.credit_type: c for c in credit_claim(user=ready, activity=activity, credits=Decimal("1.25"))}
    assert claims["ecmec"].certificate_id != claims["ama"].certificate_id
    text = pdf_text(certificate_pdf(claims["ecmec"]))
    assert "1.25 European CME credits (ECMEC®s)" in text
    assert "designated for a maximum of 1.5 European CME credits" in text
    assert "claim only those hours of credit" in text
    assert "1 ECMEC® = 1 AMA PRA Category 1 Credit™" in text
    assert "designates this" not in text and "awarded 1.25 AMA" not in text  # no AMA credit on the ECMEC® one


def test_participation_certificate_has_no_ama_credit_wording(pro_member, activity):
    from preceptor.cme.tests.conftest import evaluated, passed, studied

    studied(pro_member, activity)

    passed(pro_member, activity)
    evaluated(pro_member, activity)
    [claim] = credit_claim(user=pro_member, activity=activity, credits=Decimal("1"))
    text = pdf_text(certificate_pdf(claim))
    assert "Certificate of Participation" in text and "1 hour of participation" in text
    assert "AMA PRA" not in text


def test_req17_verification_is_public_and_the_id_is_stable_when_regenerated(claim, client):
    first = certificate_pdf(claim)
    claim.refresh_from_db()
    again = certificate_pdf(claim)
    assert first == again  # same content, same id: rendering again changes nothing
    response = client.get(f"/certificates/{claim.certificate_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    for expected in (
        "Dr. Paul Pro",
        "Heart Rhythm Basics",
        "1.75",
        "Valid certificate",
        claim.completed_at.strftime("%Y"),
    ):
        assert expected in html
    assert response["X-Robots-Tag"] == "noindex"
    assert client.get("/certificates/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_req17_pdf_carries_a_qr_code_of_the_verification_url(claim):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is missing: .ci/run installs it")
    from PIL import Image

    png = pdf_png(certificate_pdf(claim))
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    corner = image.crop((int(width * 0.8), int(height * 0.65), width, height))
    dark = sum(corner.histogram()[:100])
    assert dark > 200  # the QR code's modules are in the bottom-right corner


def test_revocation_is_audited_and_shown_on_the_verification_page(claim, client, staff):
    client.force_login(staff)
    response = client.post(
        "/staff/cme/",
        {"revoke": "1", "revoke-certificate": str(claim.certificate_id), "revoke-reason": "Claimed twice."},
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(f"/certificates/{claim.certificate_id}/").content.decode()
    assert "This certificate was revoked" in html and "Claimed twice." in html
    assert "REVOKED" in pdf_text(certificate_pdf(Claim.objects.get(pk=claim.pk)))


@pytest.mark.parametrize("who, status", [("owner", 200), ("outsider", 404), ("anonymous", 302), ("staff", 200)])
def test_certificate_pdf_access(claim, client, request, who, status):
    if who == "owner":
        client.force_login(claim.user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(f"/cme/certificates/{claim.certificate_id}.pdf")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who, status", [("owner", 302), ("outsider", 404), ("anonymous", 302)])
def test_only_the_owner_can_amend_a_claim(claim, client, request, who, status):
    if who == "owner":
        client.force_login(claim.user)
    elif who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(f"/cme/claims/{claim.certificate_id}/amend/", {"amend-credits": "1.5"})
    assert response.status_code == status
    claim.refresh_from_db()
    assert claim.claimed_credits == (Decimal("1.5") if who == "owner" else Decimal("1.75"))


def test_amend_refuses_bad_amounts_with_a_message(claim, client):
    client.force_login(claim.user)
    response = client.post(f"/cme/claims/{claim.certificate_id}/amend/", {"amend-credits": "1.3"}, follow=True)
    assert "quarter steps" in response.content.decode()
    claim.refresh_from_db()
    assert claim.claimed_credits == Decimal("1.75")


def test_a_revoked_claim_cannot_be_amended(claim, staff):
    from preceptor.cme.services import ClaimRefused, claim_amend

    claim_revoke(claim=claim, reason="Wrong activity.", actor=staff)
    with pytest.raises(ClaimRefused):
        claim_amend(claim=claim, credits=Decimal("1"), actor=claim.user)


@pytest.mark.parametrize("who, status", [("pro_member", 200), ("outsider", 200), ("anonymous", 302)])
def test_claim_page_needs_a_login_and_shows_only_ones_own_claims(claim, client, request, who, status):
    if who != "anonymous":
        client.force_login(claim.user if who == "pro_member" else request.getfixturevalue(who))
    response = client.get(claim.activity.get_absolute_url())
    assert response.status_code == status
    if who == "outsider":
        assert str(claim.certificate_id) not in response.content.decode()
