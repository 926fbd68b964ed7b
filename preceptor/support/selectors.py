"""Reads of the support desk: whose tickets a member sees, the staff queue with its search and filters, who may
see an attachment, and the help articles that match what a member types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from preceptor.core.http import staff_may
from preceptor.support.models import HANDLE_PERMISSION, Attachment, HelpArticle, Message, Ticket

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

HELP_RESULTS = 5


def may_handle(user: _User | AnonymousUser) -> bool:
    return staff_may(user, HANDLE_PERMISSION)


def support_staff(*, superusers: bool = True) -> QuerySet[Any]:
    """Active staff who may answer tickets (through a role group, directly, or — with ``superusers`` — as
    superusers)."""
    app_label, codename = HANDLE_PERMISSION.split(".")
    perm = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )
    if superusers:
        perm |= Q(is_superuser=True)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(perm).distinct().order_by("full_name", "email")


def _verified_addresses(user: _User) -> list[str]:
    from allauth.account.models import EmailAddress

    return list(EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True))


def member_tickets(user: _User) -> QuerySet[Ticket]:
    """The member's tickets: those they opened signed in, and those a visitor opened from one of their verified
    addresses."""
    condition = Q(user=user)
    for address in _verified_addresses(user):
        condition |= Q(user__isnull=True, email__iexact=address)
    return Ticket.objects.filter(condition).annotate(message_count=Count("messages")).order_by("-updated_at")


def member_ticket(user: _User, public_id: Any) -> Ticket | None:
    return member_tickets(user).filter(public_id=public_id).first()


def ticket_thread(ticket: Ticket, *, staff: bool) -> list[Message]:
    """The messages in order, with their attachments; internal notes only for staff."""
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    if not staff:
        messages = messages.exclude(kind=Message.Kind.NOTE)
    return list(messages)


def attachment_for(user: _User | AnonymousUser, public_id: Any) -> Attachment | None:
    """The attachment, if ``user`` may have it: support staff, or the ticket's member (not a staff note's file)."""
    attachment = Attachment.objects.select_related("message__ticket").filter(public_id=public_id).first()
    if attachment is None or not user.is_authenticated:
        return None
    if may_handle(user):
        return attachment
    if attachment.message.kind == Message.Kind.NOTE:
        return None
    if member_tickets(user).filter(pk=attachment.message.ticket_id).exists():
        return attachment
    return None


def staff_tickets(
    *,
    query: str = "",
    status: str = "",
    topic: str = "",
    priority: int | None = None,
    assignee: Any = None,
    mine_for: _User | None = None,
    overdue: bool = False,
) -> QuerySet[Ticket]:
    """The queue: unfinished tickets first by default (``status`` "" means new, open and waiting; "all" means
    every status), searched in reference, subject, address, name and message text."""
    tickets = Ticket.objects.select_related("assignee", "user").annotate(message_count=Count("messages"))
    if status == "all":
        pass
    elif status:
        tickets = tickets.filter(status=status)
    else:
        tickets = tickets.filter(status__in=(Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING))
    if topic:
        tickets = tickets.filter(topic=topic)
    if priority:
        tickets = tickets.filter(priority=priority)
    if assignee is not None:
        tickets = tickets.filter(assignee=assignee)
    if mine_for is not None:
        tickets = tickets.filter(assignee=mine_for)
    if overdue:
        tickets = tickets.filter(
            first_responded_at__isnull=True,
            first_response_due_at__lt=timezone.now(),
            status__in=(Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING),
        )
    query = query.strip()
    if query:
        matching = Message.objects.filter(body__icontains=query).values("ticket_id")
        tickets = tickets.filter(
            Q(reference__iexact=query.lstrip("#"))
            | Q(subject__icontains=query)
            | Q(email__icontains=query)
            | Q(name__icontains=query)
            | Q(pk__in=matching)
        )
    return tickets.order_by("-priority", "first_response_due_at")


def help_articles(language: str) -> QuerySet[HelpArticle]:
    """The published help articles in ``language``, or in English where that language has none."""
    published = HelpArticle.objects.filter(published=True)
    own = published.filter(language=language)
    return own if language == "en" or own.exists() else published.filter(language="en")


def help_search(query: str, *, language: str, limit: int = HELP_RESULTS) -> list[HelpArticle]:
    """Published articles in ``language`` (see ``help_articles``) whose title, keywords or text contain the
    query's words (words of three letters or more; the more words match, the higher), best first."""
    words = [w for w in query.lower().split() if len(w) >= 3][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word) | Q(keywords__icontains=word) | Q(body__icontains=word)
    candidates = list(help_articles(language).filter(condition)[:50])

    def score(article: HelpArticle) -> int:
        title, keywords, body = article.title.lower(), article.keywords.lower(), article.body.lower()
        return sum(3 * (w in title) + 2 * (w in keywords) + (w in body) for w in words)

    return sorted(candidates, key=lambda a: (-score(a), a.position, a.title))[:limit]
