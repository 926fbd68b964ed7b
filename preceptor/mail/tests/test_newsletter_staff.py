"""The newsletter pages under /staff/newsletters/: the newsletter editor writes, previews, tests and schedules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from preceptor.core.models import AuditEvent
from preceptor.mail.models import EmailPreference, Newsletter

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(staff_in):
    return staff_in("Newsletter editor")


def test_the_editor_writes_previews_and_sends_a_test_to_themselves_only(
    client, editor, learner, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=learner, newsletter=True)
    client.force_login(editor)
    response = client.post(
        "/staff/newsletters/new/",
        {"subject": "Spring", "mailing_list": "newsletter", "body": "Hello **all**\n\n<script>alert(1)</script>"},
    )
    newsletter = Newsletter.objects.get()
    assert response.status_code == 302 and response.url == f"/staff/newsletters/{newsletter.public_id}/"
    page = client.get(response.url).content.decode()
    assert "Hello <strong>all</strong>" in page and "<script>alert(1)" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/newsletters/{newsletter.public_id}/test/")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [editor.email] and "[Test] Spring" in message.subject
    html = message.alternatives[0][0]
    assert "/mail/o/" not in html and "/mail/c/" not in html  # a test copy is neither tracked nor counted
    assert newsletter.deliveries.count() == 0
    assert AuditEvent.objects.filter(action="mail.newsletter_test_sent", actor=editor).exists()


def test_scheduling_for_later_sends_nothing_yet_and_editing_takes_it_back_to_draft(client, editor, learner):
    EmailPreference.objects.create(user=learner, newsletter=True)
    newsletter = Newsletter.objects.create(subject="Spring", body="Hello")
    client.force_login(editor)
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": later}).status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED and mail.outbox == []
    client.post(
        f"/staff/newsletters/{newsletter.public_id}/",
        {"subject": "Spring!", "mailing_list": "newsletter", "body": "Hello again"},
    )
    newsletter.refresh_from_db()
    assert (newsletter.status, newsletter.subject, newsletter.send_at) == (Newsletter.Status.DRAFT, "Spring!", None)


def test_a_time_in_the_past_is_refused_and_an_empty_time_sends_now(
    client, editor, learner, django_capture_on_commit_callbacks
):
    EmailPreference.objects.create(user=learner, newsletter=True)
    newsletter = Newsletter.objects.create(subject="Spring", body="Hello")
    client.force_login(editor)
    past = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": past})
    assert response.status_code == 400
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": ""})
    assert response.status_code == 302
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    assert [m.to for m in mail.outbox] == [[learner.email]]
    page = client.get(f"/staff/newsletters/{newsletter.public_id}/").content.decode()
    assert "Delivery report" in page and 'name="body"' not in page  # sent: no more editing


def test_a_sent_newsletter_cannot_be_changed_or_scheduled_again(client, editor):
    newsletter = Newsletter.objects.create(subject="Old", body="Sent", status=Newsletter.Status.SENT)
    client.force_login(editor)
    response = client.post(
        f"/staff/newsletters/{newsletter.public_id}/", {"subject": "New", "mailing_list": "newsletter", "body": "x"}
    )
    assert response.status_code == 409
    client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": ""})
    newsletter.refresh_from_db()
    assert (newsletter.subject, newsletter.status) == ("Old", Newsletter.Status.SENT)


def test_other_staff_roles_and_members_cannot_open_the_pages(client, staff_in, learner):
    newsletter = Newsletter.objects.create(subject="Spring", body="Hello")
    for user in (staff_in("Content editor"), learner):
        client.force_login(user)
        assert client.get("/staff/newsletters/").status_code == 403
        assert client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": ""}).status_code == 403
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_the_list_page_stays_within_its_query_budget(client, editor, django_assert_max_num_queries):
    for n in range(20):
        Newsletter.objects.create(subject=f"Issue {n}", body="Hello")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get("/staff/newsletters/")
    assert response.status_code == 200 and "Issue 19" in response.content.decode()


def test_a_scheduled_newsletter_can_be_taken_back_to_draft(client, editor):
    newsletter = Newsletter.objects.create(subject="Spring", body="Hello")
    client.force_login(editor)
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"send_at": later})
    assert "Unschedule" in client.get(f"/staff/newsletters/{newsletter.public_id}/").content.decode()
    assert client.post(f"/staff/newsletters/{newsletter.public_id}/send/", {"unschedule": "1"}).status_code == 302
    newsletter.refresh_from_db()
    assert (newsletter.status, newsletter.send_at) == (Newsletter.Status.DRAFT, None)
    assert AuditEvent.objects.filter(action="mail.newsletter_unscheduled", actor=editor).exists()
