"""A Pro member searches, opens a course, plays a lesson, leaves, comes back to the same second, completes the
course, fails the post-test, retakes it after the cool-down (frozen time) and passes. A trial member meets a
locked lesson. Screenshots go to test-artifacts/."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from preceptor.catalog.models import LessonProgress
from preceptor.conftest import PASSWORD, wait_until
from preceptor.quizzes.models import Attempt, Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")  # "My learning"


def video_time(page) -> float:
    return page.locator("#lesson-video").evaluate("video => video.currentTime")


def answer(page, *, correctly: bool):
    attempt = Attempt.objects.get(submitted_at__isnull=True)
    for qid in attempt.layout["questions"]:
        options = list(Option.objects.filter(question_id=qid))
        chosen = [o for o in options if o.is_correct] if correctly else [next(o for o in options if not o.is_correct)]
        for option in chosen:
            page.locator(f"#o{option.pk}").check()


def test_search_watch_resume_complete_fail_wait_and_pass(
    live_server, new_page, screenshot, course, pro_member, learner
):
    base = live_server.url
    page = new_page()
    sign_in(page, base, pro_member.email)

    # Search and open the course
    page.goto(f"{base}/courses/")
    page.get_by_label("Search courses").fill("fibrillation")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".course-card").count() == 1
    screenshot(page, "01-search")
    page.get_by_role("link", name="Heart Rhythm Basics").first.click()
    screenshot(page, "02-course")
    page.get_by_role("link", name="Start the course").click()

    # Play, then leave mid-video
    wait_until(
        lambda: page.locator("#lesson-video").evaluate(
            "video => video.readyState >= 1 && video.dataset.playerReady === '1'"
        ),
        what="the video",
    )
    page.evaluate("(() => { const v = document.getElementById('lesson-video'); v.muted = true; return v.play(); })()")
    wait_until(lambda: video_time(page) > 4, timeout=20, what="the video")
    left_at = video_time(page)
    screenshot(page, "03-playing")
    page.goto(f"{base}/courses/heart-rhythm/")  # leaving sends the position (pagehide, keepalive)
    deadline = time.monotonic() + 10
    while not LessonProgress.objects.filter(user=pro_member, position_seconds__gt=3).exists():
        assert time.monotonic() < deadline, "the player did not report the position on leaving"
        time.sleep(0.1)
    page.reload()

    # Come back: the player resumes within 2 seconds of where the member left
    page.get_by_role("link", name="Continue").click()
    wait_until(lambda: video_time(page) > 0, what="the resumed video")
    resumed_at = video_time(page)
    assert abs(resumed_at - left_at) <= 2, (left_at, resumed_at)
    assert "Resuming at" in page.content()
    screenshot(page, "04-resumed")

    # Watch to the end (at double speed) and finish the readings
    page.evaluate(
        "(() => { const v = document.getElementById('lesson-video'); v.muted = true; v.playbackRate = 2;"
        " return v.play(); })()"
    )
    page.wait_for_selector("#player-status:has-text('Completed.')", timeout=30_000)
    page.get_by_role("link", name="Next →").click()
    page.get_by_role("button", name="Mark as done").click()
    page.get_by_role("button", name="Mark as done").click()
    page.wait_for_url(f"{base}/courses/heart-rhythm/")
    assert "100%" in page.locator(".progress-card").inner_text()
    screenshot(page, "05-course-complete")

    # Fail the post-test
    page.get_by_role("link", name="Post-test", exact=True).click()
    assert "70%" in page.locator(".pass-mark").inner_text()
    screenshot(page, "06-quiz-start")
    page.get_by_role("button", name="Start the quiz").click()
    answer(page, correctly=False)
    page.get_by_role("button", name="Submit answers").click()
    assert page.get_by_role("heading", name="Not passed this time").is_visible()
    screenshot(page, "07-failed")
    page.get_by_role("link", name="Back to the quiz").click()
    assert page.get_by_text("You can try again from").is_visible()

    # An hour later the member may try again, and passes
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=True):
        page.reload()
        page.get_by_role("button", name="Try again").click()
        answer(page, correctly=True)
        page.get_by_role("button", name="Submit answers").click()
        assert page.get_by_role("heading", name="You passed").is_visible()
        screenshot(page, "08-passed")

    # A trial member meets the lock on the second lesson
    trial = new_page()
    sign_in(trial, base, learner.email)
    trial.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
    assert trial.get_by_role("heading", name="This lesson is part of Pro").is_visible()
    screenshot(trial, "09-trial-locked")
