from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.mail.forms import EmailPreferenceForm
from preceptor.mail.models import MailingList
from preceptor.mail.selectors import preferences_for
from preceptor.mail.services import click_record, mailing_list_unsubscribe, open_record
from preceptor.mail.tokens import read_unsubscribe_token

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    preference = preferences_for(request.user)
    form = EmailPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your e-mail preferences have been saved."))
        return redirect("mail:preferences")
    return render(request, "mail/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: mail clients POST without a session or CSRF token; the HMAC token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """POST unsubscribes at once (one click in the mail client, or the button here). A GET only asks."""
    parsed = read_unsubscribe_token(token)
    if parsed is None:
        return HttpResponseBadRequest(_("This unsubscribe link is not valid."))
    user_id, mailing_list = parsed
    if request.method == "POST":
        mailing_list_unsubscribe(user_id=user_id, mailing_list=mailing_list)
        return render(request, "mail/unsubscribed.html", {"list": MailingList(mailing_list).label})
    return render(request, "mail/unsubscribe.html", {"list": MailingList(mailing_list).label, "token": token})


@require_GET
def open_pixel(request: HttpRequest, token: str) -> HttpResponse:
    if not open_record(token=token, user_agent=request.headers.get("User-Agent", "")):
        raise Http404  # not one of our pixels: an unsubscribe or click token, or a forgery
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def click(request: HttpRequest, token: str) -> HttpResponse:
    target = click_record(token=token)
    if target is None:
        raise Http404
    return redirect(target)
