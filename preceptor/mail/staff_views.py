"""Back office for newsletters: write (Markdown, preview), send a test to oneself, schedule, read the report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from preceptor.core.http import AuthenticatedHttpRequest, permission_required, staff_may
from preceptor.core.text import render_markdown
from preceptor.mail.forms import NewsletterForm, NewsletterScheduleForm
from preceptor.mail.models import Newsletter
from preceptor.mail.selectors import newsletter_report, newsletters_with_counts
from preceptor.mail.services import (
    NewsletterStateError,
    newsletter_create,
    newsletter_schedule,
    newsletter_schedule_cancel,
    newsletter_test_send,
    newsletter_update,
)

NEWSLETTER_PERMISSION = "mail.add_newsletter"
SEND_PERMISSION = "mail.send_newsletter"


@permission_required(NEWSLETTER_PERMISSION)
def newsletters(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "mail/staff_newsletters.html", {"newsletters": newsletters_with_counts()})


@permission_required(NEWSLETTER_PERMISSION)
def newsletter_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        newsletter = newsletter_create(**form.cleaned_data, actor=request.user)
        messages.success(request, _("Draft saved. Check the preview and send yourself a test."))
        return redirect("mail:staff_newsletter", public_id=newsletter.public_id)
    return render(request, "mail/staff_newsletter_new.html", {"form": form})


@permission_required(NEWSLETTER_PERMISSION)
def newsletter_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """The newsletter: its preview and report; while not sent, the form that changes it (a POST) and the test and
    schedule buttons."""
    newsletter = get_object_or_404(Newsletter, public_id=public_id)
    form = NewsletterForm(request.POST or None, instance=newsletter) if newsletter.editable else None
    if request.method == "POST":
        if form is None:
            return _page(request, newsletter, None, status=409)
        if form.is_valid():
            try:
                newsletter_update(newsletter=newsletter, **form.cleaned_data, actor=request.user)
            except NewsletterStateError:
                return _page(request, newsletter, form, status=409)
            messages.success(request, _("Saved."))
            return redirect("mail:staff_newsletter", public_id=newsletter.public_id)
        newsletter.refresh_from_db()  # the preview shows what is saved, not the rejected input
    return _page(request, newsletter, form, status=400 if form is not None and form.errors else 200)


def _page(
    request: AuthenticatedHttpRequest,
    newsletter: Newsletter,
    form: NewsletterForm | None,
    *,
    schedule_form: NewsletterScheduleForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "newsletter": newsletter,
        "form": form,
        "preview": render_markdown(newsletter.body),
        "schedule_form": schedule_form or NewsletterScheduleForm(),
        "may_send": staff_may(request.user, SEND_PERMISSION),
        "report": newsletter_report(newsletter),
    }
    return render(request, "mail/staff_newsletter.html", context, status=status)


@permission_required(NEWSLETTER_PERMISSION)
@require_POST
def newsletter_test(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    newsletter = get_object_or_404(Newsletter, public_id=public_id)
    newsletter_test_send(newsletter=newsletter, actor=request.user)
    messages.success(request, _("A test copy is on its way to %(email)s.") % {"email": request.user.email})
    return redirect("mail:staff_newsletter", public_id=newsletter.public_id)


@permission_required(SEND_PERMISSION)
@require_POST
def newsletter_send(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """Schedule the newsletter (``send_at`` empty: now), or, with ``unschedule``, take it back to draft."""
    newsletter = get_object_or_404(Newsletter, public_id=public_id)
    try:
        if "unschedule" in request.POST:
            newsletter_schedule_cancel(newsletter=newsletter, actor=request.user)
            messages.success(request, _("Not scheduled any more: the newsletter is a draft again."))
            return redirect("mail:staff_newsletter", public_id=newsletter.public_id)
        form = NewsletterScheduleForm(request.POST)
        if not form.is_valid():
            editor = NewsletterForm(instance=newsletter) if newsletter.editable else None
            return _page(request, newsletter, editor, schedule_form=form, status=400)
        newsletter_schedule(newsletter=newsletter, send_at=form.cleaned_data["send_at"], actor=request.user)
    except NewsletterStateError:
        messages.error(request, _("This newsletter is being sent or was sent already."))
        return redirect("mail:staff_newsletter", public_id=newsletter.public_id)
    messages.success(request, _("Scheduled. Members who ticked the list get it, in batches."))
    return redirect("mail:staff_newsletter", public_id=newsletter.public_id)
