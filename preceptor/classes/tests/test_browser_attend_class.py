"""A trial member buys a class with the demo provider (which seats them), receives the 24-hour reminder (frozen time),
joins the meeting (a local BigBlueButton double that checks checksums, on another origin: the CSP is enforced and
the class page admits that host in form-action); the teacher accepts the terms, sees the roster and starts the
meeting; the member then finds that teacher in their disclosure ledger. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from preceptor.catalog.tests.test_browser_learning import sign_in
from preceptor.classes import services
from preceptor.classes.models import Attendance, Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buy_sign_up_reminder_join_roster_and_ledger(
    live_server, new_page, screenshot, settings, fake_bbb, live_class, learner, teacher, terms
):
    settings.DEBUG = True  # the demo checkout runs only in debug mode
    base = settings.SITE_URL = live_server.url  # the meeting's logout URL leads back here
    page = new_page()
    sign_in(page, base, learner.email)

    page.goto(f"{base}/classes/")
    screenshot(page, "01-classes")
    page.get_by_role("link", name="ECG clinic").first.click()
    assert "Buy this class" in page.content()
    screenshot(page, "02-class-for-a-trial-member")
    page.get_by_label("Demo").check()
    page.get_by_role("button", name="Buy this class").click()
    screenshot(page, "03-demo-checkout")
    page.get_by_role("button", name="Pay").click()
    page.wait_for_url(f"{base}{live_class.get_absolute_url()}")
    page.wait_for_selector("text=You are signed up.")  # the purchase seats the buyer: no second step
    assert page.get_by_role("button", name="Sign up").count() == 0
    screenshot(page, "04-signed-up")
    assert Registration.objects.get(user=learner).status == "registered"
    assert [m.subject for m in mail.outbox if m.attachments] == ["[Preceptor] Your seat is booked: ECG clinic"]

    mail.outbox.clear()
    services.reminders_send(now=live_class.starts_at - timedelta(hours=23))
    [reminder] = mail.outbox
    assert reminder.to == [learner.email] and reminder.subject == "[Preceptor] Tomorrow: ECG clinic"
    assert live_class.get_absolute_url() in reminder.body

    with time_machine.travel(live_class.starts_at - timedelta(minutes=5), tick=True):
        page.reload()
        screenshot(page, "05-class-open")
        page.get_by_role("button", name="Join the class").click()  # the CSP is enforced: form-action admits BBB
        page.wait_for_url(f"{fake_bbb.url}/api/join?**")
        assert "You joined as Lena Learner (viewer)" in page.inner_text("#joined")
        screenshot(page, "05-meeting-room")
        assert Attendance.objects.filter(registration__user=learner, left_at__isnull=True).count() == 1
        page.get_by_role("link", name="Leave the meeting").click()  # the logout URL's page posts back at once
        page.wait_for_selector("text=You left the class. You can join again while it runs.")
        assert page.url == f"{base}{live_class.get_absolute_url()}"
        screenshot(page, "05-left-the-meeting")
    assert Attendance.objects.get(registration__user=learner).left_at is not None

    teacher_page = new_page()
    sign_in(teacher_page, base, teacher.email)
    teacher_page.goto(f"{base}/teach/")
    screenshot(teacher_page, "06-teacher-before-terms")
    teacher_page.get_by_role("link", name="Read the terms").click()
    teacher_page.get_by_label("I accept these terms").check()
    teacher_page.get_by_role("button", name="Accept").click()
    teacher_page.get_by_role("link", name="Roster and attendance").click()
    roster = teacher_page.inner_text("table.roster")
    assert "Lena Learner" in roster and learner.email in roster
    screenshot(teacher_page, "07-roster")
    teacher_page.goto(f"{base}/teach/")
    teacher_page.get_by_role("button", name="Start / join").click()
    teacher_page.wait_for_url(f"{fake_bbb.url}/api/join?**")
    assert "You joined as Prof. Tina Teacher (moderator)" in teacher_page.inner_text("#joined")

    page.goto(f"{base}/settings/data/")
    ledger = page.inner_text("main")
    assert "Prof. Tina Teacher (teacher of “ECG clinic”)" in ledger and "Name and e-mail address" in ledger
    screenshot(page, "08-disclosure-ledger")
