"""The member's transcript: docs/requirements.md, CME requirement 35, and who may see it."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from preceptor.cme.models import Claim
from preceptor.cme.services import claim_revoke, credit_claim
from preceptor.cme.tests.test_certificates import pdf_text


@pytest.fixture
def claims(ready, activity, staff):
    [kept] = credit_claim(user=ready, activity=activity, credits=Decimal("1.75"))
    Claim.objects.filter(pk=kept.pk).update(completed_at=datetime(2026, 3, 10, 12, tzinfo=UTC))
    old = Claim.objects.create(
        user=ready,
        activity=activity,
        credit_type="ecmec",
        claimed_credits=Decimal("1"),
        minutes=60,
        completed_at=datetime(2025, 5, 2, 12, tzinfo=UTC),
        learner_name="Paul Pro",
    )
    claim_revoke(claim=old, reason="Entered in error.", actor=staff)
    return kept, old


def test_req35_transcript_lists_each_completion_with_totals_and_filters_by_date(client, ready, claims):
    kept, _revoked = claims
    client.force_login(ready)
    html = client.get("/cme/").content.decode()
    for expected in (
        "2026-03-10",
        "Heart Rhythm Basics",
        "Enduring material",
        "AMA PRA Category 1 Credit™",
        "1.75",
        "CME Consultants",
        f"/certificates/{kept.certificate_id}/",
        f"/cme/certificates/{kept.certificate_id}.pdf",
    ):
        assert expected in html, expected
    assert "2025-05-02" in html and "revoked" in html  # shown, struck through, not counted
    assert 'id="credits-data"' in html and '"labels": ["2026"]' in html
    filtered = client.get("/cme/?start=2026-01-01&end=2026-12-31").content.decode()
    assert "2026-03-10" in filtered and "2025-05-02" not in filtered
    bad = client.get("/cme/?start=2026-12-31&end=2026-01-01")
    assert bad.status_code == 200 and "The start must not be after the end." in bad.content.decode()


def test_req35_transcript_exports_csv_and_pdf(client, ready, claims):
    kept, _revoked = claims
    client.force_login(ready)
    response = client.get("/cme/?start=2026-01-01&end=2026-12-31&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["completed"], row["title"], row["format"], row["credits"], row["provider"]) == (
        "2026-03-10",
        "Heart Rhythm Basics",
        "Enduring material",
        "1.75",
        "CME Consultants",
    )
    assert row["url"].endswith(f"/certificates/{kept.certificate_id}/")
    pdf = client.get("/cme/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert (
        "CME transcript" in text and "Heart Rhythm Basics" in text and "2026 · AMA PRA Category 1 Credit™: 1.75" in text
    )
    assert "2025-05-02" not in text  # revoked certificates are left out of the printed transcript


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_a_transcript_shows_only_ones_own_credits(client, request, claims, who):
    kept, _ = claims
    if who == "anonymous":
        assert client.get("/cme/").status_code == 302
        return
    client.force_login(request.getfixturevalue(who))
    html = client.get("/cme/").content.decode()
    assert str(kept.certificate_id) not in html and "No credit claimed" in html
    assert str(kept.certificate_id) not in client.get("/cme/?format=csv").content.decode()


def test_identity_page_saves_details_and_records_consent(client, pro_member):
    client.force_login(pro_member)
    assert client.get("/cme/identity/").status_code == 200
    response = client.post(
        "/cme/identity/",
        {
            "identity-first_name": "Paul",
            "identity-last_name": "Pro",
            "identity-birth_month": "4",
            "identity-birth_day": "9",
            "identity-npi": "1234567893",
            "identity-pars_consent": "on",
        },
    )
    assert response.status_code == 302
    pro_member.cme_identity.refresh_from_db()
    assert pro_member.cme_identity.pars_consent_at is not None
    bad = client.post(
        "/cme/identity/", {"identity-first_name": "Paul", "identity-last_name": "Pro", "identity-npi": "1234567890"}
    )
    assert "not a valid NPI" in bad.content.decode()
    assert client.get("/cme/identity/").status_code == 200


def pdf_words(data: bytes) -> list[tuple[float, float, float, float, str]]:
    """Each word of the PDF with its box (x min, y min, x max, y max), from ``pdftotext -bbox``."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing: .ci/run installs it")
    done = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(pattern, done.stdout.decode())]


def test_the_transcript_pdf_wraps_long_cells_inside_their_columns(client, ready, claims, activity):
    activity.course.title = "Atrial fibrillation and flutter: rate, rhythm and the anticoagulation decisions after them"
    activity.course.save()
    client.force_login(ready)
    words = pdf_words(client.get("/cme/?format=pdf").content)
    text = " ".join(w[4] for w in words)
    assert "anticoagulation" in text and "Enduring" in text and "material" in text
    overlaps = [
        (a[4], b[4])
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if abs(a[1] - b[1]) < 1 and a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5  # same line, boxes cross
    ]
    assert overlaps == []
    page_width = 595.3  # A4 in points: nothing runs off the page either
    assert max(w[2] for w in words) < page_width - 20


def test_the_identity_page_says_optional_once_per_field(client, pro_member):
    client.force_login(pro_member)
    html = client.get("/cme/identity/").content.decode()
    labels = re.findall(r"<label [^>]*>(.*?)</label>", html, flags=re.S)
    year = [label for label in labels if "Year of birth" in label]
    assert len(year) == 1 and year[0].count("optional") == 1
    assert not [label for label in labels if label.lower().count("optional") > 1]


def test_an_activity_titled_like_a_formula_comes_out_of_the_transcript_csv_as_text(client, ready, claims, activity):
    activity.course.title = '=HYPERLINK("http://x")'
    activity.course.save()
    client.force_login(ready)
    rows = list(csv.DictReader(io.StringIO(client.get("/cme/?format=csv").content.decode())))
    assert rows and {row["title"] for row in rows} == {'\'=HYPERLINK("http://x")'}
