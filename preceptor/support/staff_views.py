"""The support desk for staff with the Support role (``support.handle_ticket``): the queue with search and
filters, a ticket with its whole thread, replies, internal notes, canned replies, status, priority, assignee."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.core.http import AuthenticatedHttpRequest, permission_required
from preceptor.support.forms import StaffReplyForm, StaffSearchForm, TicketUpdateForm
from preceptor.support.models import HANDLE_PERMISSION, CannedReply, Ticket
from preceptor.support.selectors import staff_tickets, ticket_thread
from preceptor.support.services import AttachmentRefused, ticket_answer_send, ticket_update

PAGE_SIZE = 50


@permission_required(HANDLE_PERMISSION)
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tickets = staff_tickets(
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        topic=filters.get("topic", ""),
        priority=filters.get("priority"),
        mine_for=request.user if filters.get("mine") else None,
        overdue=bool(filters.get("overdue")),
    )
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "now": timezone.now(), "filters": query.urlencode()}
    response = render(request, "support/staff_queue.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _ticket_page(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    reply_form: StaffReplyForm | None = None,
    update_form: TicketUpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "thread": ticket_thread(ticket, staff=True),
        "reply_form": reply_form or StaffReplyForm(),
        "update_form": update_form
        or TicketUpdateForm(
            initial={"status": ticket.status, "priority": ticket.priority, "assignee": ticket.assignee_id}
        ),
        "canned": list(CannedReply.objects.all()),
        "overdue": ticket.overdue(),
    }
    response = render(request, "support/staff_ticket.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _ticket(public_id: str) -> Ticket:
    return get_object_or_404(Ticket.objects.select_related("user", "assignee", "data_request"), public_id=public_id)


@permission_required(HANDLE_PERMISSION)
@require_GET
def ticket(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    return _ticket_page(request, _ticket(public_id))


@permission_required(HANDLE_PERMISSION)
@require_POST
def reply(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    found = _ticket(public_id)
    form = StaffReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_answer_send(
                ticket=found,
                author=request.user,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                status=form.cleaned_data["status"],
                files=form.files_list(),
            )
        except AttachmentRefused as refusal:
            form.add_error("attachment", str(refusal))
        else:
            if form.cleaned_data["internal"]:
                messages.success(request, _("The note is saved."))
            else:
                messages.success(request, _("The reply is on its way to %(email)s.") % {"email": found.email})
            return redirect("support:staff_ticket", public_id=found.public_id)
    return _ticket_page(request, found, reply_form=form, status=400)


@permission_required(HANDLE_PERMISSION)
@require_POST
def update(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    found = _ticket(public_id)
    form = TicketUpdateForm(request.POST)
    if not form.is_valid():
        return _ticket_page(request, found, update_form=form, status=400)
    ticket_update(
        ticket=found,
        actor=request.user,
        status=form.cleaned_data["status"],
        priority=form.cleaned_data["priority"],
        assignee=form.cleaned_data["assignee"],
    )
    messages.success(request, _("The ticket is updated."))
    return redirect("support:staff_ticket", public_id=found.public_id)
