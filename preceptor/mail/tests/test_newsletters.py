"""Newsletters: sent in batches to the members who ticked the list, each once, skipping unsubscribed and suppressed
addresses, tracked per person only under the e-mail tracking consent, with a delivery report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client, RequestFactory
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.mail import services
from preceptor.mail.models import EmailPreference, Newsletter, NewsletterDelivery, SuppressedAddress
from preceptor.mail.selectors import newsletter_report
from preceptor.mail.services import (
    newsletter_batch_send,
    newsletter_schedule,
    newsletters_due_start,
    suppression_add,
)
from preceptor.mail.tokens import CLICK_SALT, unsubscribe_token
from preceptor.privacy.services import consent_record_create

pytestmark = pytest.mark.django_db

BODY = (
    "Three **new** courses.\n\n[See them](https://example.org/courses/?a=1&b=2) or write to [us](mailto:x@example.org)."
)


def members(count: int, *, start: int = 0, newsletter: bool = True, language: str = "") -> list[User]:
    users = User.objects.bulk_create(
        User(email=f"m{n}@example.org", full_name=f"Member {n}", password="!", language=language)
        for n in range(start, start + count)
    )
    EmailPreference.objects.bulk_create(EmailPreference(user=u, newsletter=newsletter) for u in users)
    return users


def grant_tracking(user: User) -> None:
    request = RequestFactory().post("/privacy/consent/")
    request.user = user
    consent_record_create(request=request, action="custom", surface="settings", granted=frozenset({"email_tracking"}))


def new_newsletter(**kwargs) -> Newsletter:
    return Newsletter.objects.create(**{"subject": "New courses", "body": BODY, **kwargs})


def html_of(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


def test_a_thousand_recipients_are_sent_in_batches_skipping_the_unsubscribed_and_the_suppressed(
    settings, staff, django_capture_on_commit_callbacks
):
    settings.NEWSLETTER_BATCH_SIZE = 100
    wanted = members(1000)
    members(25, start=1000, newsletter=False)  # never ticked the list, or unsubscribed
    suppressed = wanted[::97]  # 11 members, whose addresses are on the suppression list
    for user in suppressed:
        suppression_add(address=user.email, reason=SuppressedAddress.Reason.BOUNCE)
    consenting = wanted[5::50]  # 20 members who granted e-mail tracking
    for user in consenting:
        grant_tracking(user)
    newsletter = new_newsletter()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        newsletter_schedule(newsletter=newsletter, send_at=timezone.now(), actor=staff)

    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT and newsletter.finished_at is not None
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 1000 - len(suppressed)
    assert not {u.email for u in suppressed} & set(recipients)
    assert not any(address.startswith("m10") and len(address) == len("m1000@example.org") for address in recipients)
    deliveries = NewsletterDelivery.objects.filter(newsletter=newsletter)
    assert deliveries.values("claim").distinct().count() == 10  # ten batches of 100
    assert deliveries.count() == 1000
    report = newsletter_report(newsletter)
    assert (report["sent"], report["skipped"], report["failed"], report["sending"]) == (989, 11, 0, 0)

    by_address = {m.to[0]: m for m in mail.outbox}
    for user in wanted:
        message = by_address.get(user.email)
        if message is None:
            continue
        html = html_of(message)
        tokens = re.findall(r'/mail/c/([^/"]+)/', html)
        assert tokens, "the newsletter's web link is a counted link"
        names_recipient = any("r" in signing.loads(t, salt=CLICK_SALT) for t in tokens)
        has_pixel = "/mail/o/" in html
        assert names_recipient is has_pixel is (user in consenting), user.email
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe_token(user.pk, "newsletter") in message.extra_headers["List-Unsubscribe"]


def test_a_batch_run_again_after_a_crash_sends_no_one_twice(settings):
    settings.NEWSLETTER_BATCH_SIZE = 10
    members(25)
    newsletter = new_newsletter(status=Newsletter.Status.SENDING)
    real_send = services._newsletter_deliver
    calls = []

    class WorkerKilled(BaseException):
        pass

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise WorkerKilled  # the worker dies while handing the fourth message over
        return real_send(*args, **kwargs)

    services._newsletter_deliver = crashing
    try:
        with pytest.raises(WorkerKilled):
            newsletter_batch_send(newsletter_id=newsletter.pk)
    finally:
        services._newsletter_deliver = real_send
    assert len(mail.outbox) == 3
    while newsletter_batch_send(newsletter_id=newsletter.pk)["more"]:  # the batch again, then the rest
        pass
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 24  # the one in flight is never sent again
    assert newsletter_report(newsletter)["sending"] == 1
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT


def test_a_refused_recipient_fails_alone_and_a_broken_connection_stops_the_batch(settings, monkeypatch):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    settings.NEWSLETTER_BATCH_SIZE = 10
    users = members(5)
    newsletter = new_newsletter(status=Newsletter.Status.SENDING)
    real = EmailMultiAlternatives.send

    def send(message, fail_silently=False):
        if message.to == [users[1].email]:
            raise smtplib.SMTPRecipientsRefused({users[1].email: (550, b"no such user")})
        if message.to == [users[3].email]:
            raise smtplib.SMTPServerDisconnected("gone")
        return real(message, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        newsletter_batch_send(newsletter_id=newsletter.pk)
    monkeypatch.setattr(EmailMultiAlternatives, "send", real)
    assert newsletter_batch_send(newsletter_id=newsletter.pk)["more"] == 0  # the retry sends the last one
    statuses = dict(NewsletterDelivery.objects.values_list("user__email", "status"))
    assert statuses == {
        users[0].email: "sent",
        users[1].email: "failed",
        users[2].email: "sent",
        users[3].email: "sending",  # may or may not have left: never sent again
        users[4].email: "sent",
    }


def test_each_member_gets_it_in_their_language_with_the_markdown_sanitised():
    [german] = members(1, language="de")
    newsletter = new_newsletter(status=Newsletter.Status.SENDING, body=BODY + "\n\n<script>alert(1)</script>")
    newsletter_batch_send(newsletter_id=newsletter.pk)
    [message] = mail.outbox
    html = html_of(message)
    assert "Abbestellen" in html  # the footer's "Unsubscribe", in German
    assert "<strong>new</strong>" in html and "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="mailto:x@example.org"' in html  # mailto links are left as they are
    assert "**new**" in message.body  # the plain-text part is the Markdown as written
    assert german.email in message.to


def test_one_click_unsubscribe_counts_against_the_last_newsletter_and_stops_the_next():
    [user] = members(1)
    first = new_newsletter(status=Newsletter.Status.SENDING)
    newsletter_batch_send(newsletter_id=first.pk)
    token = unsubscribe_token(user.pk, "newsletter")
    response = Client(enforce_csrf_checks=True).post(
        f"/mail/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert newsletter_report(first)["unsubscribed"] == 1
    second = new_newsletter(status=Newsletter.Status.SENDING)
    mail.outbox.clear()
    newsletter_batch_send(newsletter_id=second.pk)
    assert mail.outbox == [] and not second.deliveries.exists()


def test_opens_and_clicks_reach_the_report_per_person_only_with_consent():
    consenting, _other = members(2)
    grant_tracking(consenting)
    newsletter = new_newsletter(status=Newsletter.Status.SENDING)
    newsletter_batch_send(newsletter_id=newsletter.pk)
    for message in mail.outbox:
        html = html_of(message)
        for pixel in re.findall(r'src="[^"]*(/mail/o/[^"]+\.gif)"', html):
            Client().get(pixel)
        Client().get(re.search(r'(/mail/c/[^/"]+/)', html).group(1))
    report = newsletter_report(newsletter)
    assert (report["opened_by"], report["clicked_by"], report["clicks"]) == (1, 1, 1)
    assert report["clicks_anonymous"] == 2  # the existing rule: clicks of everyone counted without names


def test_a_newsletter_scheduled_for_later_starts_when_its_time_comes(staff, django_capture_on_commit_callbacks):
    members(3)
    newsletter = new_newsletter()
    later = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_schedule(newsletter=newsletter, send_at=later, actor=staff)
    assert newsletters_due_start() == 0 and mail.outbox == []
    assert newsletters_due_start(now=later + timedelta(minutes=1)) == 1
    assert len(mail.outbox) == 3
    assert newsletters_due_start(now=later + timedelta(minutes=2)) == 0  # started once


def test_an_erased_members_deliveries_keep_the_counts_but_not_the_member(learner):
    from preceptor.mail.privacy import erase_user, export_user

    preference = EmailPreference.objects.create(user=learner, newsletter=True)
    newsletter = new_newsletter(status=Newsletter.Status.SENDING)
    newsletter_batch_send(newsletter_id=newsletter.pk)
    assert export_user(learner)["newsletters"][0]["newsletter"] == "New courses"
    erase_user(learner)
    assert newsletter_report(newsletter)["sent"] == 1
    assert not NewsletterDelivery.objects.filter(user=learner).exists()
    assert not EmailPreference.objects.filter(pk=preference.pk).exists()


def test_a_newsletter_whose_next_batch_was_lost_is_picked_up_again(settings):
    settings.NEWSLETTER_BATCH_SIZE = 2
    members(5)
    started = timezone.now() - timedelta(hours=1)
    newsletter = new_newsletter(status=Newsletter.Status.SENDING, started_at=started)
    newsletter_batch_send(newsletter_id=newsletter.pk)  # one batch, then the task queuing the next was lost
    NewsletterDelivery.objects.update(created_at=started)
    assert len(mail.outbox) == 2
    newsletters_due_start(now=started + timedelta(minutes=5))
    assert len(mail.outbox) == 2  # not stalled yet
    newsletters_due_start()
    assert len(mail.outbox) == 5
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
