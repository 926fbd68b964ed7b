"""A new member's journey from sign-up to certificate, in which every step is reached by the page's main button:
the test clicks only the one primary button (``.btn-primary``) in each page's main content. Filling in a form
is the member's own work; choosing a course from the catalogue and a plan from the price list are the member's
choices (the test picks the course by its title, and the monthly plan's button). Screenshots at 1280 and 390
pixels wide go to test-artifacts/test_sign_up_to_certificate_by_the_main_button_only/."""

from __future__ import annotations

import contextlib
import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.services import prices_ensure
from preceptor.catalog.models import LessonProgress
from preceptor.cme.models import Claim, Provider
from preceptor.cme.tests.conftest import make_activity
from preceptor.conftest import video_watch_to_completion, wait_until
from preceptor.quizzes.models import Attempt, Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}


def main_button(page):
    """The page's main button: the only visible primary button in its main content."""
    buttons = page.locator("main .btn-primary:visible")
    wait_until(lambda: buttons.count() > 0, what=f"a main button on {page.url}")
    assert buttons.count() == 1, f"{page.url}: {buttons.all_inner_texts()}"
    return buttons.first


def click_main(page, expected: str) -> None:
    button = main_button(page)
    assert button.inner_text().strip() == expected, (page.url, button.inner_text())
    button.click()
    page.wait_for_load_state()


def answer_correctly(page) -> None:
    attempt = Attempt.objects.get(submitted_at__isnull=True)
    for qid in attempt.layout["questions"]:
        for option in Option.objects.filter(question_id=qid, is_correct=True):
            page.locator(f"#o{option.pk}").check()


def test_sign_up_to_certificate_by_the_main_button_only(
    live_server, new_page, screenshot, settings, course, tmp_path, request
):
    settings.DEBUG = True  # the demo checkout runs only in debug mode
    prices_ensure()
    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    activity = make_activity(course, provider)
    base = live_server.url
    page = new_page()
    shots = []
    later = contextlib.ExitStack()  # time travel, undone at the end
    request.addfinalizer(later.close)

    def shoot(name: str) -> None:
        shots.append(screenshot(page, f"{len(shots) // 2 + 1:02d}-{name}"))
        page.set_viewport_size(NARROW)
        shots.append(screenshot(page, f"{len(shots) // 2 + 1:02d}-{name}-390"))
        page.set_viewport_size(WIDE)

    # A visitor signs up from the front page.
    page.goto(f"{base}/")
    click_main(page, "Start your 7-day free trial")
    page.get_by_label("Full name").fill("Dr. Jo Journey")
    page.get_by_label("E-mail address").fill("jo@example.org")
    page.get_by_label("Password").fill("journey-passphrase-2026")
    page.get_by_label("Date of birth").fill("1984-02-29")
    shoot("signup")
    click_main(page, "Create account")
    page.wait_for_url(f"{base}/accounts/confirm-email/")

    # The e-mail's link, then the confirmation signs the new member in, on "My learning".
    deadline = time.monotonic() + 10
    while not mail.outbox:
        assert time.monotonic() < deadline, "no confirmation e-mail"
        time.sleep(0.1)
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", base, link))
    shoot("confirm")
    click_main(page, "Confirm")
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", name="My learning").is_visible()
    shoot("my-learning-new")
    click_main(page, "Browse the courses")

    # The member chooses a course and starts it: the first lesson is free.
    page.locator(".course-card").filter(has_text="Heart Rhythm Basics").get_by_role(
        "link", name="Heart Rhythm Basics"
    ).click()
    shoot("course")
    click_main(page, "Start the course")
    # The page says so once the server counted the lesson complete (a wait, not a speed goal).
    video_watch_to_completion(page)
    assert LessonProgress.objects.filter(lesson__slug="twelve-leads", completed_at__isnull=False).exists()
    shoot("video-watched")
    click_main(page, "Next →")

    # The next lesson is Pro: the member upgrades (demo provider) and is led back to learning.
    assert page.get_by_role("heading", name="This lesson is part of Pro").is_visible()
    shoot("locked")
    click_main(page, "Become a Pro member")
    shoot("pricing")
    page.locator(".plan").filter(has_text="Monthly").locator(".btn-primary").click()
    shoot("demo-checkout")
    click_main(page, "Pay €29.00 (demo)")
    assert page.get_by_text("Welcome to Pro!").is_visible()
    shoot("pro")
    click_main(page, "Continue learning")
    page.wait_for_url(f"{base}/")
    shoot("my-learning-pro")
    click_main(page, "Continue")

    # The rest of the lessons, read as long as a member would (the clock moves on: claims count measured time).
    assert page.get_by_text("Count the QRS complexes.").is_visible()
    later.enter_context(time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True))
    click_main(page, "Mark as done · next lesson")
    shoot("last-lesson")
    later.enter_context(time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True))
    click_main(page, "Mark as done")

    # Every lesson done: the post-test.
    page.wait_for_url(f"{base}/courses/heart-rhythm/")
    assert "100%" in page.locator(".progress-card").inner_text()
    shoot("course-done")
    click_main(page, "Take the post-test")
    click_main(page, "Start the quiz")
    answer_correctly(page)
    click_main(page, "Submit answers")
    assert page.get_by_role("heading", name="You passed").is_visible()
    shoot("passed")
    click_main(page, "Evaluate and claim your credit")

    # The evaluation, then the claim.
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
    shoot("evaluation")
    click_main(page, "Submit the evaluation")
    page.get_by_text("Thank you: your evaluation is recorded.").wait_for()
    credits = page.get_by_label("Credits to claim")
    if not credits.input_value():  # nothing proposed: the member types the smallest amount
        credits.fill("0.25")
    page.get_by_label("I claim only the credit commensurate").check()
    shoot("claim")
    click_main(page, "Claim credit and issue my certificate")
    page.get_by_text("Your certificate is ready.").wait_for()
    shoot("claimed")
    claim = Claim.objects.get(user__email="jo@example.org")

    with page.expect_download() as download_info:
        click_main(page, "Download certificate (PDF)")
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # Back on the course page and on "My learning", the main button is now the certificate.
    page.goto(f"{base}/courses/heart-rhythm/")
    assert main_button(page).get_attribute("href") == reverse("cme:certificate_pdf", args=[claim.certificate_id])
    page.goto(f"{base}/")
    assert main_button(page).inner_text().strip() == "Download your certificate"
    shoot("my-learning-certificate")
    assert all(shot.stat().st_size > 5_000 for shot in shots)
