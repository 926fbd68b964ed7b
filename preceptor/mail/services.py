"""Marketing e-mail: preferences, RFC 8058 one-click unsubscribe, and tracking only under consent."""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.core.mail import email_queue
from preceptor.core.services import audit_event_record
from preceptor.mail.messages import marketing_message, newsletter_body_html, newsletter_message
from preceptor.mail.models import (
    CampaignCounter,
    EmailEvent,
    EmailPreference,
    Newsletter,
    NewsletterDelivery,
    SuppressedAddress,
)
from preceptor.mail.selectors import newsletter_recipients, newsletter_report, tracking_granted
from preceptor.mail.suppression import address_hash, normalise, refused_among, suppressed
from preceptor.mail.tokens import CLICK_SALT
from preceptor.privacy.selectors import member_grants

logger = logging.getLogger(__name__)

MACHINE_OPENERS = ("googleimageproxy", "yahoomailproxy", "outlook", "apple mail privacy", "mailprivacy")


@transaction.atomic
def mailing_list_unsubscribe(*, user_id: int, mailing_list: str) -> bool:
    if not User.objects.filter(pk=user_id).exists():  # a link in an old e-mail of an erased member: nothing to stop
        return False
    preference, _ = EmailPreference.objects.get_or_create(user_id=user_id)
    if not getattr(preference, mailing_list):
        return False
    setattr(preference, mailing_list, False)
    preference.save(update_fields=[mailing_list, "updated_at"])
    # The delivery report counts the unsubscribe against the last newsletter of this list the member got.
    last = (
        NewsletterDelivery.objects.filter(
            user_id=user_id, newsletter__mailing_list=mailing_list, status=NewsletterDelivery.Status.SENT
        )
        .order_by("-sent_at", "-pk")
        .first()
    )
    if last is not None and last.unsubscribed_at is None:
        last.unsubscribed_at = timezone.now()
        last.save(update_fields=["unsubscribed_at"])
    audit_event_record(
        action="mail.unsubscribed", subject=preference.user, target=preference, data={"list": mailing_list}
    )
    return True


@transaction.atomic
def marketing_send(
    *, user: User, mailing_list: str, campaign: str, subject: str, text: str, links: dict[str, str] | None = None
) -> bool:
    """Queue the marketing message (``messages.marketing_message``), sent after commit; False when the member
    does not want this list."""
    message = marketing_message(
        user=user, mailing_list=mailing_list, campaign=campaign, subject=subject, text=text, links=links
    )
    if message is None:
        return False
    email_queue(message)
    return True


def _count(campaign: str, kind: str) -> None:
    updated = CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)
    if not updated:
        CampaignCounter.objects.get_or_create(campaign=campaign, kind=kind)
        CampaignCounter.objects.filter(campaign=campaign, kind=kind).update(count=F("count") + 1)


@transaction.atomic
def open_record(*, token: str, user_agent: str) -> bool:
    """Count the open; False, counting nothing, when the token is not an open pixel's (forged, or another kind
    of token signed with the same salt, such as a click link's)."""
    try:
        payload = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError):
        return False
    if not (isinstance(payload, list) and len(payload) == 2):
        return False
    campaign, user_id = payload
    if not isinstance(campaign, str) or not isinstance(user_id, int):
        return False
    machine = any(marker in user_agent.lower() for marker in MACHINE_OPENERS)
    kind = EmailEvent.Kind.MACHINE_OPEN if machine else EmailEvent.Kind.OPEN
    _count(campaign, kind)
    user = User.objects.filter(pk=user_id).first()
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=campaign, kind=kind)
    return True


@transaction.atomic
def click_record(*, token: str) -> str | None:
    """Count the click and answer the link's target if the token is ours and the target is http(s); otherwise
    None (no open redirect)."""
    try:
        data = signing.loads(token, salt=CLICK_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):  # an open pixel's token (a list) signed with the same salt
        return None
    url = data.get("u", "")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        return None
    _count(data.get("c", ""), EmailEvent.Kind.CLICK)
    user = User.objects.filter(pk=data["r"]).first() if data.get("r") else None
    if user and member_grants(user, "email_tracking"):
        EmailEvent.objects.create(user=user, campaign=data.get("c", ""), kind=EmailEvent.Kind.CLICK, url=url[:500])
    return url


@transaction.atomic
def suppression_add(*, address: str, reason: str, subject: User | None = None) -> SuppressedAddress | None:
    """Put ``address`` on the suppression list as a keyed hash (once: a repeat returns the entry already there);
    None for a blank address or an erased account's tombstone (``…@invalid``), which no mail reaches."""
    if not address.strip() or normalise(address).endswith("@invalid"):
        return None
    existing = suppressed(address)
    if existing is not None:
        return existing
    entry = SuppressedAddress.objects.create(address_hash=address_hash(address), reason=reason)
    audit_event_record(action="mail.address_suppressed", subject=subject, target=entry, data={"reason": reason})
    return entry


# --- Newsletters ------------------------------------------------------------------------------------------
class NewsletterStateError(ValueError):
    """The newsletter is no longer in a state that allows this (it is being sent or was sent)."""


@transaction.atomic
def newsletter_create(*, subject: str, body: str, mailing_list: str, actor: User) -> Newsletter:
    newsletter = Newsletter.objects.create(subject=subject, body=body, mailing_list=mailing_list)
    audit_event_record(action="mail.newsletter_created", actor=actor, target=newsletter)
    return newsletter


@transaction.atomic
def newsletter_update(*, newsletter: Newsletter, subject: str, body: str, mailing_list: str, actor: User) -> Newsletter:
    """Change a draft or a scheduled newsletter (a scheduled one goes back to draft: it is scheduled again once
    read again)."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not newsletter.editable:
        raise NewsletterStateError(newsletter.status)
    newsletter.subject, newsletter.body, newsletter.mailing_list = subject, body, mailing_list
    newsletter.status, newsletter.send_at = Newsletter.Status.DRAFT, None
    newsletter.save(update_fields=["subject", "body", "mailing_list", "status", "send_at", "updated_at"])
    audit_event_record(action="mail.newsletter_changed", actor=actor, target=newsletter)
    return newsletter


@transaction.atomic
def newsletter_test_send(*, newsletter: Newsletter, actor: User) -> None:
    """The newsletter to the staff member's own address, marked as a test, without tracking."""
    email_queue(newsletter_message(newsletter=newsletter, user=actor, test=True))
    audit_event_record(action="mail.newsletter_test_sent", actor=actor, target=newsletter)


@transaction.atomic
def newsletter_schedule(*, newsletter: Newsletter, send_at: datetime, actor: User) -> Newsletter:
    """Send at ``send_at`` (now, or earlier: at once). The beat task ``newsletters_due_task`` starts it."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if not newsletter.editable:
        raise NewsletterStateError(newsletter.status)
    newsletter.status, newsletter.send_at = Newsletter.Status.SCHEDULED, send_at
    newsletter.save(update_fields=["status", "send_at", "updated_at"])
    audit_event_record(
        action="mail.newsletter_scheduled", actor=actor, target=newsletter, data={"send_at": send_at.isoformat()}
    )
    if send_at <= timezone.now():
        transaction.on_commit(newsletters_due_start)
    return newsletter


@transaction.atomic
def newsletter_schedule_cancel(*, newsletter: Newsletter, actor: User) -> Newsletter:
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if newsletter.status != Newsletter.Status.SCHEDULED:
        raise NewsletterStateError(newsletter.status)
    newsletter.status, newsletter.send_at = Newsletter.Status.DRAFT, None
    newsletter.save(update_fields=["status", "send_at", "updated_at"])
    audit_event_record(action="mail.newsletter_unscheduled", actor=actor, target=newsletter)
    return newsletter


STALLED_AFTER = timedelta(minutes=10)  # a sending newsletter whose batches wrote nothing this long lost its task


def newsletters_due_start(*, now: datetime | None = None) -> int:
    """Start every scheduled newsletter whose time has come: mark it sending and queue its first batch. Safe to
    run from several processes at once (each newsletter is started by one: a conditional update). A newsletter
    still sending whose last batch wrote nothing for ``STALLED_AFTER`` (its next task was lost with a broker or a
    worker) gets its next batch queued again: harmless if the old one still runs, each member is claimed once."""
    from preceptor.core.outbox import task_enqueue
    from preceptor.mail.tasks import newsletter_batch_task

    now = now or timezone.now()
    started = 0
    for pk in Newsletter.objects.filter(status=Newsletter.Status.SCHEDULED, send_at__lte=now).values_list(
        "pk", flat=True
    ):
        if Newsletter.objects.filter(pk=pk, status=Newsletter.Status.SCHEDULED).update(
            status=Newsletter.Status.SENDING, started_at=now
        ):
            started += 1
            task_enqueue(newsletter_batch_task, pk)
    stalled = (
        Newsletter.objects.filter(status=Newsletter.Status.SENDING, started_at__lt=now - STALLED_AFTER)
        .annotate(last=Max("deliveries__created_at"))
        .filter(Q(last__isnull=True) | Q(last__lt=now - STALLED_AFTER))
    )
    for pk in stalled.values_list("pk", flat=True):
        logger.warning("newsletter %s: no batch for %s, queued again", pk, STALLED_AFTER)
        task_enqueue(newsletter_batch_task, pk)
    return started


def newsletter_batch_send(*, newsletter_id: int, batch_size: int | None = None) -> dict[str, int]:
    """Send one batch of a newsletter that is sending; answers the counts and ``more`` (1 when members are left:
    the task queues the next batch).

    Each recipient's delivery row is claimed first (committed, unique per newsletter and member), then the message
    is rendered in the member's language and handed to the mail server on the batch's one connection, then the row
    says ``sent`` or ``failed``. A batch run again after a crash skips every claimed member: a message is sent at
    most once; the one a crash interrupted stays ``sending`` in the report. A suppressed address is recorded as skipped;
    a member who unsubscribed or never ticked the list is not a recipient at all.
    """
    batch_size = batch_size or settings.NEWSLETTER_BATCH_SIZE
    newsletter = Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING).first()
    if newsletter is None:
        return {"sent": 0, "failed": 0, "skipped": 0, "more": 0}
    connection = get_connection()
    connection.open()  # a mail server that is away fails the task (it is retried) before anyone is claimed
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    try:
        claim = uuid.uuid4()  # names this run's rows
        body_html = newsletter_body_html(newsletter)
        batch = list(newsletter_recipients(newsletter)[:batch_size])
        refused = refused_among([user.email for user in batch])
        tracked = tracking_granted([user.pk for user in batch])
        for user in batch:
            try:
                with transaction.atomic():  # committed before the message leaves: a re-run skips this member
                    delivery = NewsletterDelivery.objects.create(newsletter=newsletter, user=user, claim=claim)
            except IntegrityError:
                continue  # another run claimed this member first: theirs to send
            # A broken connection (OSError) stops the batch and fails the task, which is retried: this member's
            # message may or may not have left, so their row stays "sending" and is never sent again.
            status: str
            if user.email in refused:
                status, error = NewsletterDelivery.Status.SKIPPED.value, ""
            else:
                status, error = _newsletter_deliver(newsletter, user, body_html, connection, track=user.pk in tracked)
            NewsletterDelivery.objects.filter(pk=delivery.pk).update(
                status=status, error=error, sent_at=timezone.now() if status == NewsletterDelivery.Status.SENT else None
            )
            counts[str(status)] += 1
    finally:
        connection.close()
    more = newsletter_recipients(newsletter).exists()
    if not more:
        Newsletter.objects.filter(pk=newsletter.pk, status=Newsletter.Status.SENDING).update(
            status=Newsletter.Status.SENT, finished_at=timezone.now()
        )
        audit_event_record(action="mail.newsletter_sent", target=newsletter, data=newsletter_report(newsletter))
    return {**counts, "more": int(more)}


def _newsletter_deliver(
    newsletter: Newsletter, user: User, body_html: str, connection: Any, *, track: bool
) -> tuple[str, str]:
    try:
        message = newsletter_message(newsletter=newsletter, user=user, body_html=body_html, track=track)
        message.connection = connection
        sent = message.send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:  # this address: the next one may go
        return NewsletterDelivery.Status.FAILED, type(exc).__name__
    except OSError:
        raise  # the connection broke: the batch stops (``newsletter_batch_send``)
    except Exception as exc:  # one recipient's failure must not stop the batch; recorded per row
        logger.warning("newsletter %s: sending to member %s failed: %s", newsletter.pk, user.pk, type(exc).__name__)
        return NewsletterDelivery.Status.FAILED, type(exc).__name__[:100]
    return (NewsletterDelivery.Status.SENT, "") if sent else (NewsletterDelivery.Status.FAILED, "refused")


# --- Bounces and complaints --------------------------------------------------------------------------------
@transaction.atomic
def delivery_problem_record(*, address: str, kind: str) -> bool:
    """A permanent bounce or a spam complaint reported for ``address``: put it on the suppression list (reason
    ``bounce`` or ``complaint``); True when it names one of our members (the webhook answers 200 either way)."""
    reason = SuppressedAddress.Reason.COMPLAINT if kind == "complaint" else SuppressedAddress.Reason.BOUNCE
    member = User.objects.filter(email__iexact=normalise(address)).first()
    suppression_add(address=address, reason=reason, subject=member)
    return member is not None
