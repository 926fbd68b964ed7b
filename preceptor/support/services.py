"""Every write of the support desk: a ticket opened from the contact form, replies and notes, staff changes,
and replies that arrive by e-mail (``inbound_receive``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from preceptor.core.http import absolute_url
from preceptor.core.mail import email_queue, email_render
from preceptor.core.services import audit_event_record, domain_event_record
from preceptor.privacy.services import data_request_receive
from preceptor.support.attachments import AttachmentRefused, CheckedFile, attachments_check
from preceptor.support.inbound import InboundMail, Refused, reference_from, reply_address, trim_quoted
from preceptor.support.models import Attachment, Message, Ticket
from preceptor.support.selectors import support_staff

if TYPE_CHECKING:
    from preceptor.accounts.models import User

__all__ = ["AttachmentRefused", "Refused"]

GOAL = "contact_enquiry"  # the first-party statistics goal and the ad conversion (analytics.conversions)


def _files_store(message: Message, files: list[CheckedFile]) -> None:
    for checked in files:
        attachment = Attachment(
            message=message, filename=checked.filename, content_type=checked.content_type, size=len(checked.content)
        )
        attachment.file.save(checked.filename, ContentFile(checked.content), save=False)
        attachment.save()


def _mail(ticket: Ticket, template: str, context: dict[str, Any]) -> None:
    """To the ticket's member (or visitor), answerable: the reply address threads the answer into the ticket."""
    url = absolute_url(reverse("support:ticket", args=[ticket.public_id])) if ticket.user_id else ""
    email_queue(
        email_render(
            template_prefix=f"support/email/{template}",
            to=ticket.email,
            context={"ticket": ticket, "ticket_url": url, **context},
            language=ticket.language or None,
            reply_to=[reply_address(ticket.reference)],
            headers={"X-Preceptor-Ticket": ticket.reference},
        )
    )


def _staff_alert(ticket: Ticket, *, first: bool) -> None:
    """Support staff learn that a member wrote: the ticket's assignee, or, while nobody is assigned, everyone who
    handles tickets. The e-mail names the ticket and links to it in the desk; what the member wrote stays there."""
    if ticket.assignee_id and ticket.assignee and ticket.assignee.is_active:
        recipients = [ticket.assignee]
    else:  # the roles that answer tickets (superusers see the desk, but are not written to for every ticket)
        recipients = list(support_staff(superusers=False).exclude(pk=ticket.user_id or 0))
    url = absolute_url(reverse("support:staff_ticket", args=[ticket.public_id]))
    for staff in recipients:
        email_queue(
            email_render(
                template_prefix="support/email/staff_alert",
                to=staff.email,
                context={"ticket": ticket, "first": first, "staff_url": url},
                language=staff.language or None,
            )
        )


@transaction.atomic
def ticket_create(
    *,
    user: User | None,
    name: str,
    email: str,
    topic: str,
    subject: str,
    body: str,
    files: Sequence[tuple[str, bytes]] = (),
    privacy_kind: str = "",
    language: str = "",
    now: Any = None,
) -> Ticket:
    """A question from the contact form: the ticket and its first message, the confirmation e-mail with the
    reference, the "contact enquiry" goal (an ad conversion only where the member's consent allows), and for a
    privacy request a data request in the privacy queue. ``AttachmentRefused`` when a file may not be taken."""
    checked = attachments_check(list(files))
    now = now or timezone.now()
    ticket = Ticket.objects.create(
        user=user,
        name=name or (user.full_name if user else ""),
        email=user.email if user else email,
        language=language or (user.language if user else "") or translation.get_language() or "",
        topic=topic,
        subject=subject,
        created_at=now,
        updated_at=now,
        first_response_due_at=now + timedelta(hours=settings.SUPPORT_FIRST_RESPONSE_HOURS),
    )
    message = Message.objects.create(ticket=ticket, author=user, kind=Message.Kind.MEMBER, body=body, created_at=now)
    _files_store(message, checked)
    if topic == Ticket.Topic.PRIVACY:
        ticket.data_request = data_request_receive(
            user=user, kind=privacy_kind or "export", actor=None, verified=False, via="support", now=now
        )
        ticket.save(update_fields=["data_request"])
    audit_event_record(action="support.ticket_created", actor=user, subject=user, target=ticket)
    domain_event_record(kind=GOAL, reference=f"ticket-{ticket.reference}", user=user, data={"topic": topic})
    _mail(ticket, "received", {"message": message})
    _staff_alert(ticket, first=True)
    return ticket


def _touch(ticket: Ticket, *, status: str, now: Any) -> None:
    ticket.status = status
    ticket.updated_at = now
    ticket.closed_at = now if status == Ticket.Status.CLOSED else None
    ticket.save(update_fields=["status", "updated_at", "closed_at", "first_responded_at"])


@transaction.atomic
def ticket_answer_send(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    internal: bool = False,
    status: str = "",
    files: Sequence[tuple[str, bytes]] = (),
    now: Any = None,
) -> Message:
    """Staff write in a ticket: a reply, e-mailed to the member (the first one stops the overdue clock; the
    ticket then waits on the member unless ``status`` says otherwise), or an internal note the member never sees."""
    checked = attachments_check(list(files))
    now = now or timezone.now()
    kind = Message.Kind.NOTE if internal else Message.Kind.STAFF
    message = Message.objects.create(ticket=ticket, author=author, kind=kind, body=body, created_at=now)
    _files_store(message, checked)
    if internal:
        _touch(ticket, status=status or ticket.status, now=now)
        return message
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
    _touch(ticket, status=status or Ticket.Status.WAITING, now=now)
    audit_event_record(action="support.ticket_answered", actor=author, subject=ticket.user, target=ticket)
    _mail(ticket, "reply", {"message": message, "files": [c.filename for c in checked]})
    return message


@transaction.atomic
def ticket_reply_record(
    *,
    ticket: Ticket,
    author: User | None,
    body: str,
    channel: str = Message.Channel.WEB,
    files: Sequence[tuple[str, bytes]] = (),
    now: Any = None,
) -> Message:
    """The member (or the visitor, by e-mail) writes again: the ticket is open again, even if it was solved."""
    checked = attachments_check(list(files))
    now = now or timezone.now()
    message = Message.objects.create(
        ticket=ticket, author=author, kind=Message.Kind.MEMBER, channel=channel, body=body, created_at=now
    )
    _files_store(message, checked)
    status = Ticket.Status.NEW if ticket.status == Ticket.Status.NEW else Ticket.Status.OPEN
    _touch(ticket, status=status, now=now)
    _staff_alert(ticket, first=False)
    return message


@transaction.atomic
def ticket_update(
    *, ticket: Ticket, actor: User, status: str, priority: int, assignee: User | None, now: Any = None
) -> Ticket:
    """Staff change a ticket's status, priority or assignee (each change is audited)."""
    now = now or timezone.now()
    changes = {
        key: [str(old), str(new)]
        for key, old, new in (
            ("status", ticket.status, status),
            ("priority", ticket.priority, priority),
            ("assignee", ticket.assignee_id, assignee.pk if assignee else None),
        )
        if old != new
    }
    if not changes:
        return ticket
    ticket.priority = priority
    ticket.assignee = assignee
    ticket.save(update_fields=["priority", "assignee"])
    _touch(ticket, status=status, now=now)
    audit_event_record(action="support.ticket_changed", actor=actor, subject=ticket.user, target=ticket, data=changes)
    return ticket


@transaction.atomic
def inbound_receive(*, mail: InboundMail) -> Message:
    """A reply by e-mail: threaded into its ticket by the signed reply address, its quoted history trimmed.
    ``Refused`` (nothing stored) for no or a forged reference, a sender who is not the ticket's, an empty reply
    or an attachment that breaks the limits."""
    reference = reference_from(mail.recipients)
    if reference is None:
        raise Refused("no valid ticket reference among the recipients")
    ticket = Ticket.objects.select_related("user").filter(reference=reference).first()
    if ticket is None:
        raise Refused("no such ticket")
    senders = {ticket.email.lower()} | ({ticket.user.email.lower()} if ticket.user else set())
    if mail.sender.lower() not in senders:
        raise Refused("the sender is not the ticket's")
    body = trim_quoted(mail.stripped or mail.text)
    if not body and not mail.files:
        raise Refused("the reply is empty")
    files = [(f.filename, f.content) for f in mail.files]
    try:
        return ticket_reply_record(
            ticket=ticket,
            author=ticket.user,
            body=body,
            channel=Message.Channel.EMAIL,
            files=files,
        )
    except AttachmentRefused as exc:
        raise Refused(str(exc)) from exc
