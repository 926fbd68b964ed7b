"""The lesson page's outline follows the video: when the progress reports complete the lesson, "n of m lessons
done", the progress bar and the lesson's tick change without a reload; on the last lesson the main button becomes
the course's next step. Screenshots go to test-artifacts/."""

import pytest

from preceptor.catalog.models import LessonProgress
from preceptor.catalog.tests.test_browser_learning import sign_in
from preceptor.catalog.tests.test_views import make_the_video_the_last_lesson
from preceptor.conftest import video_watch_to_completion, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finishing_the_video_updates_lessons_done_and_the_tick_without_a_reload(
    live_server, new_page, screenshot, course, pro_member
):
    base = live_server.url
    page = new_page()
    sign_in(page, base, pro_member.email)
    page.goto(f"{base}/courses/heart-rhythm/twelve-leads/")
    sidebar = page.locator(".lesson-sidebar")
    assert sidebar.locator("[data-lessons-done]").inner_text() == "0 of 3 lessons done"
    current = sidebar.locator(".outline-lesson.is-current")
    assert "✓" not in current.inner_text()
    page.evaluate("window.notReloaded = true")  # gone if the page reloads

    play_to_the_end(page)
    wait_until(lambda: "1 of 3" in sidebar.locator("[data-lessons-done]").inner_text(), what="the lessons-done line")
    screenshot(page, "01-completed")

    assert sidebar.locator("[data-lessons-done]").inner_text() == "1 of 3 lessons done"
    assert page.evaluate("window.notReloaded") is True
    assert "is-done" in (current.get_attribute("class") or "")
    assert current.locator(".lesson-state").inner_text() == "✓"
    assert current.locator(".visually-hidden").inner_text() == "(completed)"
    assert current.locator(".badge").count() == 0
    assert sidebar.locator("progress").evaluate("bar => bar.value") == 33
    assert LessonProgress.objects.filter(user=pro_member, completed_at__isnull=False).count() == 1

    page.reload()  # what the server renders agrees with what the script showed
    assert sidebar.locator("[data-lessons-done]").inner_text() == "1 of 3 lessons done"
    assert sidebar.locator(".outline-lesson.is-current .lesson-state").inner_text() == "✓"


def play_to_the_end(page):
    video_watch_to_completion(page)


def test_finishing_the_last_video_makes_the_main_button_the_post_test_without_a_reload(
    live_server, new_page, screenshot, course, pro_member
):
    make_the_video_the_last_lesson(course, pro_member)
    base = live_server.url
    page = new_page()
    sign_in(page, base, pro_member.email)
    page.goto(f"{base}/courses/heart-rhythm/twelve-leads/")
    button = page.locator("main .btn-primary")
    assert button.count() == 1
    assert button.inner_text() == "Back to the course"
    page.evaluate("window.notReloaded = true")  # gone if the page reloads

    play_to_the_end(page)
    wait_until(lambda: button.inner_text() == "Take the post-test", what="the main button")
    screenshot(page, "02-last-lesson-next-step")

    assert page.evaluate("window.notReloaded") is True
    assert button.count() == 1
    assert button.get_attribute("href") == "/courses/heart-rhythm/quizzes/post-test/"
    button.click()
    page.wait_for_url(f"{base}/courses/heart-rhythm/quizzes/post-test/")


def test_a_seek_to_the_end_counts_only_what_is_then_played(live_server, new_page, course, pro_member):
    """The player counts played time, not jumps: skipping to the last two seconds and playing them reports about
    two seconds, and the lesson stays incomplete."""
    base = live_server.url
    page = new_page()
    sign_in(page, base, pro_member.email)
    page.goto(f"{base}/courses/heart-rhythm/twelve-leads/")
    video = page.locator("#lesson-video")
    wait_until(lambda: video.evaluate("v => v.readyState >= 1 && v.dataset.playerReady === '1'"), what="the video")
    page.evaluate(
        "(() => { const v = document.getElementById('lesson-video'); v.muted = true; v.currentTime = v.duration - 2;"
        " return v.play(); })()"
    )
    wait_until(lambda: video.evaluate("v => v.ended"), timeout=30, what="the end of the video")
    wait_until(lambda: LessonProgress.objects.filter(user=pro_member).exists(), what="the report at the end")
    progress = LessonProgress.objects.get(user=pro_member)
    assert progress.watched_seconds <= 3, progress.watched_seconds
    assert progress.position_seconds > 14
    assert progress.completed_at is None
    assert "Completed." not in page.locator("#player-status").inner_text()
