"""A Pro member passes the post-test, fills in the evaluation, claims 1.75 credits, downloads the certificate,
and the verification page shows it to an anonymous visitor. The PDF is rendered to PNG (pdftoppm) next to the
screenshots in test-artifacts/ so that it can be looked at."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from preceptor.catalog.tests.test_browser_learning import answer, sign_in
from preceptor.cme.models import Claim
from preceptor.cme.tests.conftest import physician
from preceptor.conftest import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pass_evaluate_claim_download_and_verify(live_server, new_page, screenshot, activity, pro_member, tmp_path):
    physician(pro_member)
    base = live_server.url
    page = new_page()
    sign_in(page, base, pro_member.email)

    page.goto(f"{base}{activity.course.get_absolute_url()}")
    accreditation = page.locator("#accreditation")
    assert "Minimum passing score" in accreditation.inner_text() and "70%" in accreditation.inner_text()
    assert "joint providership of CME Consultants and Preceptor" in accreditation.inner_text()
    screenshot(page, "01-course-accreditation")

    # The post-test: the pass mark is stated before the first attempt.
    page.get_by_role("link", name="Post-test", exact=True).first.click()
    assert page.locator(".pass-mark").inner_text() == "70%"
    page.get_by_role("button", name="Start the quiz").click()
    answer(page, correctly=True)
    page.get_by_role("button", name="Submit answers").click()
    assert "100%" in page.locator(".result").inner_text()

    # The evaluation, then the claim.
    page.goto(f"{base}{activity.get_absolute_url()}")
    screenshot(page, "02-evaluation")
    for question in activity.evaluation_questions.all():
        name = f"evaluation-q{question.pk}"
        if question.kind in ("objective", "rating"):
            page.locator(f"input[name='{name}'][value='5']").check()
        elif question.kind == "yes_no":
            page.locator(f"input[name='{name}'][value='{'yes' if question.topic == 'change' else 'no'}']").check()
            if question.topic == "change":
                page.locator(f"textarea[name='{name}_comment']").fill("Check the QT interval on every admission ECG.")
        else:
            page.locator(f"textarea[name='{name}']").fill("Clear and practical.")
    page.get_by_role("button", name="Submit the evaluation").click()
    page.wait_for_selector("text=Thank you: your evaluation is recorded.")

    page.get_by_label("Credits to claim").fill("1.75")
    page.get_by_label("I claim only the credit commensurate").check()
    screenshot(page, "03-claim")
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    # No lesson time was measured: more than a quarter hour needs the member's reason (decision 0020).
    page.wait_for_selector("text=Your measured learning time is 0 minutes")
    assert not Claim.objects.exists()
    reason = "Studied the printed course notes and the guideline it cites before the post-test."
    page.get_by_label("How you spent more time than was measured").fill(reason)
    page.get_by_role("button", name="Claim credit and issue my certificate").click()
    page.wait_for_selector("text=Your certificate is ready.")
    screenshot(page, "04-claimed")
    claim = Claim.objects.get(user=pro_member)
    assert claim.claimed_credits == Decimal("1.75") and claim.credit_type == "ama" and claim.time_reason == reason

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        folder = screenshot(page, "05-after-download").parent
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf_path), str(folder / "06-certificate")], check=True
        )
        assert (folder / "06-certificate.png").stat().st_size > 10_000
    else:
        pytest.fail("pdftoppm is missing: apt-get install -y poppler-utils (.ci/run does this)")

    # Anyone can verify it, without signing in.
    visitor = new_page()
    visitor.goto(f"{base}/certificates/{claim.certificate_id}/")
    text = visitor.locator("main").inner_text() if visitor.locator("main").count() else visitor.inner_text("body")
    for expected in ("Valid certificate", "Paul Pro", "Heart Rhythm Basics", "1.75"):
        assert expected in text
    screenshot(visitor, "07-verification")

    # The transcript lists it.
    page.goto(f"{base}/cme/")
    assert "Heart Rhythm Basics" in page.locator("table.transcript").inner_text()
    wait_until(lambda: page.locator("#credits-chart").evaluate("chart => chart.width > 0"), what="the chart")
    screenshot(page, "08-transcript")
