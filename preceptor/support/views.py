"""The contact form, the confirmation, a member's tickets, attachments, and the help articles (page and the JSON
the contact form's script asks while the member types the subject)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.core.http import AuthenticatedHttpRequest, media_response
from preceptor.core.ratelimit import Rate, hit, rate_limited, too_many_requests
from preceptor.core.text import render_markdown
from preceptor.support.forms import ContactForm, ReplyForm
from preceptor.support.models import HelpArticle
from preceptor.support.selectors import (
    attachment_for,
    help_articles,
    help_search,
    member_ticket,
    member_tickets,
    ticket_thread,
)
from preceptor.support.services import AttachmentRefused, ticket_create, ticket_reply_record

CONTACT_IP_RATE = Rate(5, 60 * 60)  # new tickets from one client address: 5 an hour
CONTACT_ADDRESS_RATE = Rate(3, 60 * 60)  # and for one e-mail address: 3 an hour
REPLY_RATE = Rate(20, 60 * 60)
HELP_RATE = Rate(120, 60)
SESSION_KEY = "support_ticket_sent"


def _contact_page(request: HttpRequest, form: ContactForm, status: int = 200) -> HttpResponse:
    articles = help_articles(get_language())[:6]
    response = render(request, "support/contact.html", {"form": form, "articles": articles}, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    signed_in = request.user.is_authenticated
    if request.method != "POST":
        return _contact_page(request, ContactForm(signed_in=signed_in))
    refused = rate_limited(request, action="support.contact", rate=CONTACT_IP_RATE, per="ip")
    if refused:
        return refused
    form = ContactForm(request.POST, request.FILES, signed_in=signed_in)
    if not form.is_valid():
        return _contact_page(request, form, status=400)
    if form.is_spam():  # answered like a real submission, so the robot learns nothing; nothing is stored
        request.session[SESSION_KEY] = ""
        return redirect("support:sent")
    user = request.user if request.user.is_authenticated else None
    address = user.email if user else form.cleaned_data["email"]
    retry_after = hit(action="support.contact_address", key=f"email:{address.lower()}", rate=CONTACT_ADDRESS_RATE)
    if retry_after:
        return too_many_requests(request, retry_after)
    try:
        ticket = ticket_create(
            user=user,
            name=form.cleaned_data.get("name", ""),
            email=address,
            topic=form.cleaned_data["topic"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["message"],
            files=form.files_list(),
            privacy_kind=form.cleaned_data["privacy_kind"],
            language=get_language() or "",
        )
    except AttachmentRefused as refusal:
        form.add_error("attachment", str(refusal))
        return _contact_page(request, form, status=400)
    request.session[SESSION_KEY] = ticket.reference
    return redirect("support:sent")


@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    if SESSION_KEY not in request.session:
        return redirect("support:contact")
    reference = request.session[SESSION_KEY]
    response = render(request, "support/sent.html", {"reference": reference})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets = list(member_tickets(request.user)[:200])
    response = render(request, "support/ticket_list.html", {"tickets": tickets})
    response["Cache-Control"] = "private, no-store"
    return response


def _ticket_page(request: AuthenticatedHttpRequest, public_id: str, form: ReplyForm, status: int = 200) -> HttpResponse:
    ticket = member_ticket(request.user, public_id)
    if ticket is None:
        raise Http404
    context = {"ticket": ticket, "thread": ticket_thread(ticket, staff=False), "form": form}
    response = render(request, "support/ticket_detail.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    return _ticket_page(request, public_id, ReplyForm())


@login_required
@require_POST
def ticket_reply(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    ticket = member_ticket(request.user, public_id)
    if ticket is None:
        raise Http404
    refused = rate_limited(request, action="support.reply", rate=REPLY_RATE)
    if refused:
        return refused
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket_reply_record(
                ticket=ticket, author=request.user, body=form.cleaned_data["body"], files=form.files_list()
            )
        except AttachmentRefused as refusal:
            form.add_error("attachment", str(refusal))
        else:
            messages.success(request, _("Your reply is with our support team."))
            return redirect("support:ticket", public_id=ticket.public_id)
    return _ticket_page(request, public_id, form, status=400)


@require_GET
def attachment(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """A ticket's file, for its member and support staff only (404 for everyone else, so nobody learns it
    exists); always downloaded, never shown inline."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    found = attachment_for(request.user, public_id)
    if found is None:
        raise Http404
    try:
        return media_response(
            request,
            found.file,
            content_type=found.content_type,
            filename=found.filename,
            attachment=True,
            cache_control="private, no-store",
        )
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc


@require_GET
def help_json(request: HttpRequest) -> HttpResponse:
    """``?q=words`` → ``{"results": [{"title", "url"}]}``: the help articles that may answer the question."""
    refused = rate_limited(request, action="support.help", rate=HELP_RATE, per="ip")
    if refused:
        return refused
    query = request.GET.get("q", "")[:200]
    results = [
        {"title": a.title, "url": reverse("support:help_article", args=[a.slug])}
        for a in help_search(query, language=get_language())
    ]
    return JsonResponse({"results": results})


@require_GET
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(HelpArticle, slug=slug, published=True)
    others = help_articles(article.language).exclude(pk=article.pk)[:8]
    context = {"article": article, "body": render_markdown(article.body), "others": others}
    return render(request, "support/help_article.html", context)
