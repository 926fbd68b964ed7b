"""The support desk's personal data: tickets (who wrote, about what), their messages and attachments. Kept while
a ticket is open and ``RETENTION_SUPPORT_TICKETS_MONTHS`` after it was closed; exported with the account; erased
with it (a ticket that became a data request keeps the request itself in the privacy app, not the ticket)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_noop

from preceptor.core.personal_data import (
    AfterEvent,
    Audience,
    DataCategory,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    row,
)
from preceptor.support.models import Attachment, Message, Ticket

RETENTION = Period(amount=24, unit="months", setting="RETENTION_SUPPORT_TICKETS_MONTHS")
_CLOSED = gettext_noop("the ticket is closed")

PERSONAL_DATA = [
    PersonalData(
        model=Ticket,
        name=gettext_noop("Support tickets"),
        fields=(
            "reference",
            "name",
            "email",
            "language",
            "topic",
            "subject",
            "status",
            "priority",
            "assignee",
            "created_at",
            "updated_at",
            "first_response_due_at",
            "first_responded_at",
            "closed_at",
            "data_request",
        ),
        purpose=gettext_noop("Answering the questions you send us through the contact form or by e-mail."),
        purposes=(Purpose.ACCOUNT, Purpose.DATA_RIGHTS),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGITIMATE_INTEREST),
        basis_note=gettext_noop("answering visitors who are not members is in our and their legitimate interest"),
        categories=(DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.COMMUNICATION),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(AfterEvent(period=RETENTION, anchor="closed_at", event=_CLOSED),),
        erasure="delete",
        processors=("email",),
        audiences=(Audience.STAFF,),
    ),
    PersonalData(
        model=Message,
        name=gettext_noop("Support messages"),
        fields=("ticket", "author", "kind", "channel", "body", "created_at"),
        purpose=gettext_noop("What you wrote to us and what we answered, so that we can follow the conversation."),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGITIMATE_INTEREST),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(AfterEvent(period=RETENTION, anchor="ticket__closed_at", event=_CLOSED),),
        erasure="delete",
        processors=("email",),
        audiences=(Audience.STAFF,),
    ),
    PersonalData(
        model=Attachment,
        name=gettext_noop("Support attachments"),
        fields=("message", "file", "filename", "content_type", "size", "created_at"),
        purpose=gettext_noop("Screenshots and documents you sent with a question."),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGITIMATE_INTEREST),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(AfterEvent(period=RETENTION, anchor="message__ticket__closed_at", event=_CLOSED),),
        erasure="delete",
        audiences=(Audience.STAFF,),
    ),
]


def _tickets(user: Any) -> Any:
    return Ticket.objects.filter(Q(user=user) | Q(user__isnull=True, email__iexact=user.email))


def export_user(user: Any) -> dict[str, Any]:
    tickets = _tickets(user).prefetch_related("messages__attachments").order_by("created_at")
    return {
        "support_tickets": [
            {
                **row(t, ("reference", "topic", "subject", "status", "email", "name", "created_at", "closed_at")),
                "messages": [
                    {
                        **row(m, ("kind", "channel", "body", "created_at")),
                        "attachments": [row(a, ("filename", "content_type", "size")) for a in m.attachments.all()],
                    }
                    for m in t.messages.all()
                    if m.kind != Message.Kind.NOTE
                ],
            }
            for t in tickets
        ]
    }


def erase_user(user: Any) -> list[str]:
    # Attachments' files go with their rows (support.apps: post_delete); messages and attachments cascade.
    for attachment in Attachment.objects.filter(message__ticket__in=_tickets(user)):
        attachment.file.delete(save=False)
    _tickets(user).delete()
    Message.objects.filter(author=user).update(author=None)  # staff's own answers in others' tickets stay
    return []
