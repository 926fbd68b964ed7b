"""A reading page reports, every 15 s while it is visible, that it is open, and the server measures the time
(decision 0020). The page's timers run on a controlled clock; the server counts its own time."""

import pytest

from preceptor.catalog.models import LessonProgress
from preceptor.conftest import PASSWORD, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visible_reading_page_reports_and_the_server_measures_the_time(live_server, new_page, course, pro_member):
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(pro_member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

    page.clock.install()
    page.goto(f"{base}/courses/heart-rhythm/rate-and-rhythm/")
    wait_until(lambda: pro_member.enrollments.exists(), what="the lesson reported as opened")
    assert not LessonProgress.objects.filter(user=pro_member).exists()  # nothing before the first report
    page.clock.run_for(15_000)
    wait_until(
        lambda: LessonProgress.objects.filter(user=pro_member, measured_seconds__gt=0).exists(),
        what="the first report",
    )
    progress = LessonProgress.objects.get(user=pro_member)
    assert progress.lesson.slug == "rate-and-rhythm" and progress.measured_seconds <= 30
    assert progress.completed_at is None  # measuring is not completing
    reported = progress.updated_at
    page.close(run_before_unload=True)  # hidden: one last report, sent while the page goes away
    wait_until(
        lambda: LessonProgress.objects.get(pk=progress.pk).updated_at > reported,
        what="the report when the page is hidden",
    )
