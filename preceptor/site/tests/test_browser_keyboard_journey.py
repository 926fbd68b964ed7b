"""A Pro member with no mouse (WCAG 2.1.1 Keyboard, issue 20): signs in, plays the lesson video, marks the reading
done, answers the post-test, fills in the evaluation and claims credit — every control reached with Tab (or the arrow
keys inside a radio group) and worked with Enter or Space. The test never clicks: ``tab_to`` presses Tab until the
wanted control has the focus and fails if it is not among the page's tab stops."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from preceptor.catalog.models import LessonProgress
from preceptor.cme.models import Claim, Provider
from preceptor.cme.tests.conftest import make_activity
from preceptor.conftest import PASSWORD, video_watch_to_completion, wait_until
from preceptor.quizzes.models import Attempt, Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = "(selector) => document.activeElement !== null && document.activeElement.matches(selector)"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Tab forward until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab on {page.url}")


def arrow_to(page, selector: str, limit: int = 10) -> None:
    """Inside a radio group (one tab stop): the arrow keys move the choice until ``selector`` is chosen."""
    for _ in range(limit):
        if page.evaluate(FOCUSED, selector):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{selector} is not reached with the arrow keys on {page.url}")


def press_on(page, selector: str, key: str = "Enter") -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press(key)


def test_a_member_signs_in_learns_answers_and_claims_credit_with_the_keyboard_alone(
    live_server, new_page, course, pro_member, request
):
    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    activity = make_activity(course, provider)
    base = live_server.url
    page = new_page()
    later = contextlib.ExitStack()
    request.addfinalizer(later.close)

    # Sign in.
    page.goto(f"{base}/accounts/login/?next=/courses/heart-rhythm/")
    tab_to(page, "input[name=login]")
    page.keyboard.type(pro_member.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/courses/heart-rhythm/"

    # The first lesson's video: focused, played and paused with the space bar (the browser's own controls); then
    # watched to the end at double speed (a wait, not a keyboard step).
    press_on(page, "main .btn-primary")  # Start the course
    wait_until(
        lambda: page.evaluate("() => document.querySelector('video').dataset.playerReady === '1'"), what="player"
    )
    tab_to(page, "video#lesson-video")
    page.keyboard.press("Space")
    wait_until(lambda: page.evaluate("() => !document.querySelector('video').paused"), what="the video playing")
    page.keyboard.press("Space")
    wait_until(lambda: page.evaluate("() => document.querySelector('video').paused"), what="the video paused")
    video_watch_to_completion(page)
    assert LessonProgress.objects.filter(lesson__slug="twelve-leads", completed_at__isnull=False).exists()

    # The reading lessons, done as long as a member would read them (the clock moves on).
    press_on(page, "main .btn-primary")  # Next →
    later.enter_context(time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True))
    press_on(page, "main .btn-primary")  # Mark as done · next lesson
    later.enter_context(time_machine.travel(timezone.now() + timedelta(minutes=5), tick=True))
    press_on(page, "main .btn-primary")  # Mark as done
    assert page.url == f"{base}/courses/heart-rhythm/"

    # The post-test: radio groups by the arrow keys, checkboxes by the space bar.
    press_on(page, "main .btn-primary")  # Take the post-test
    press_on(page, "main .btn-primary")  # Start the quiz
    attempt = Attempt.objects.get(submitted_at__isnull=True)
    for qid in attempt.layout["questions"]:
        options = Option.objects.filter(question_id=qid)
        correct = [option for option in options if option.is_correct]
        if page.locator(f"#o{correct[0].pk}").get_attribute("type") == "radio":
            tab_to(page, f"input[name='{page.locator(f'#o{correct[0].pk}').get_attribute('name')}']")
            arrow_to(page, f"#o{correct[0].pk}")
            page.keyboard.press("Space")
        else:
            for option in correct:
                tab_to(page, f"#o{option.pk}")
                page.keyboard.press("Space")
    press_on(page, "main button.btn-primary")
    assert page.get_by_role("heading", name="You passed").is_visible()

    # The evaluation and the claim.
    press_on(page, "main .btn-primary")
    for question in activity.evaluation_questions.all():
        name = f"evaluation-q{question.pk}"
        if question.kind in ("objective", "rating", "yes_no"):
            value = "5" if question.kind != "yes_no" else ("yes" if question.topic == "change" else "no")
            tab_to(page, f"input[name='{name}']")
            arrow_to(page, f"input[name='{name}'][value='{value}']")
            page.keyboard.press("Space")
            if question.kind == "yes_no" and question.topic == "change":
                tab_to(page, f"textarea[name='{name}_comment']")
                page.keyboard.type("Check the QT interval on every admission ECG.")
        else:
            tab_to(page, f"textarea[name='{name}']")
            page.keyboard.type("Clear and practical.")
    tab_to(page, "main form button.btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Thank you: your evaluation is recorded.").wait_for()
    tab_to(page, "input[name$='credits']")
    if not page.evaluate("() => document.activeElement.value"):  # nothing proposed: the smallest amount
        page.keyboard.type("0.25")
    tab_to(page, "input[type=checkbox][name$='confirm']")
    page.keyboard.press("Space")
    press_on(page, "main form button.btn-primary")
    page.get_by_text("Your certificate is ready.").wait_for()
    assert Claim.objects.filter(user=pro_member).exists()
