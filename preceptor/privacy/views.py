from __future__ import annotations

from typing import cast

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.accounts.models import User
from preceptor.accounts.services import account_statistics_set
from preceptor.core.http import AuthenticatedHttpRequest
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.privacy import consent, hooks, statistics
from preceptor.privacy.forms import ErasureForm, StatisticsForm
from preceptor.privacy.models import ConsentRecord, DataRequest, PolicyVersion
from preceptor.privacy.selectors import current_policy, disclosures_grouped, needs_acknowledgement, pending_erasure
from preceptor.privacy.services import (
    consent_decide,
    data_export_request,
    erasure_cancel,
    erasure_request,
    policy_acknowledge,
)

GPC_SUPPORT_SINCE = "2026-11-25"
EXPORT_RATE = Rate(5, 60 * 60)  # a copy of one's data: 5 an hour per member


def policy_blocks(text: str) -> list[tuple[str, object]]:
    """The policy text as (kind, content) blocks: headings, paragraphs and bullet lists."""
    text = text.replace("{support_email}", settings.SUPPORT_EMAIL)
    blocks: list[tuple[str, object]] = []
    for chunk in (c.strip() for c in text.split("\n\n")):
        if not chunk:
            continue
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if all(line.startswith("•") for line in lines):
            blocks.append(("list", [line.lstrip("• ").strip() for line in lines]))
        elif len(lines) == 1 and len(chunk) < 60 and not chunk.endswith((".", ":")):
            blocks.append(("heading", chunk))
        else:
            blocks.append(("paragraph", " ".join(lines)))
    return blocks


@require_GET
def policy(request: HttpRequest, version: str | None = None) -> HttpResponse:
    shown = get_object_or_404(PolicyVersion, version=version) if version else current_policy()
    if shown is None:
        raise Http404
    # A generated version is shown as published, in the visitor's language (English when it has none); a version
    # typed as text (2017) is split into headings, paragraphs and lists.
    rendered = shown.rendered.get((request.LANGUAGE_CODE or "en")[:2]) or shown.rendered.get("en", "")
    blocks = [] if rendered else policy_blocks(shown.body)
    return render(
        request,
        "privacy/policy.html",
        {
            "title": _("Privacy policy") if rendered or not blocks else blocks[0][1],
            "rendered": mark_safe(rendered),  # noqa: S308 -- our template's output, stored when it was published
            "blocks": blocks[1:],
            "shown": shown,
            "current": current_policy(),
            "history": PolicyVersion.objects.filter(effective_on__lte=timezone.localdate()),
        },
    )


@login_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy_obj = needs_acknowledgement(request.user)
    if policy_obj is not None:
        policy_acknowledge(user=request.user, policy=policy_obj)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)  # a URL, never a view name: redirect("1024") would look one up (500)


def _preferences_context(request: HttpRequest) -> dict:
    state = consent.of(request)
    rows = []
    for name in consent.offered():
        purpose = consent.PURPOSES[name]
        refused_by_signal = state.gpc and name in consent.MARKETING and name not in state.granted
        rows.append(
            {
                "name": name,
                "label": purpose["label"],
                "description": purpose["description"],
                "granted": name in state.granted,
                "refused_by_signal": refused_by_signal,
            }
        )
    return {
        "rows": rows,
        "state": state,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "language_cookie": settings.LANGUAGE_COOKIE_NAME,
        "consent_cookie": consent.COOKIE,
        "consent_days": consent.MAX_AGE // 86400,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "statistics_cookie": statistics.COOKIE,
        "statistics_days": statistics.MAX_AGE // 86400,
        "counted": _counted(request),
        "statistics_signal": statistics.signal_refuses(request),
    }


def _counted(request: HttpRequest) -> bool:
    """Whether this browser's (and, signed in, this member's) visits are counted: the choice the form shows."""
    if statistics.browser_opted_out(request):
        return False
    user = request.user
    return not (user.is_authenticated and not getattr(user, "counted_in_statistics", True))


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/cookies.html", _preferences_context(request))


@login_required
@require_GET
def settings_privacy(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _preferences_context(request)
    labels = {name: purpose["label"] for name, purpose in consent.PURPOSES.items()}
    context["records"] = [
        {"record": r, "allowed": [labels.get(name, name) for name in r.granted]}
        for r in ConsentRecord.objects.filter(user=request.user)[:20]
    ]
    return render(request, "privacy/settings_privacy.html", context)


@require_POST
def consent_decision(request: HttpRequest) -> HttpResponse:
    """``action`` = accept_all, reject_all or custom (with one ``purpose`` field per granted purpose).
    Works without JavaScript; CSRF-protected; withdrawal deletes that purpose's cookies in this response."""
    action = request.POST.get("action", "")
    if action not in ("accept_all", "reject_all", "custom"):
        return HttpResponseBadRequest("Unknown action.")
    surface = request.POST.get("surface", "preferences")[:20]
    record = consent_decide(
        request=request, action=action, surface=surface, chosen=set(request.POST.getlist("purpose"))
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("privacy:cookies")
    response = HttpResponseRedirect(target)  # a URL, never a view name: redirect("1024") would look one up (500)
    granted = frozenset(record.granted)
    consent.write(response, record_id=str(record.pk), granted=granted, denied=frozenset(record.denied))
    consent.delete_tracker_cookies(request, response, frozenset(consent.PURPOSES) - granted)
    messages.success(request, _("Your privacy choices have been saved."))
    return response


@require_POST
def statistics_choice(request: HttpRequest) -> HttpResponse:
    """ "Don't count me", without JavaScript: this browser gets a cookie that says only ``off`` (or loses it);
    a signed-in member's choice is also kept on the account, so it follows them to other browsers."""
    form = StatisticsForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("privacy:cookies")
    if not form.is_valid():
        messages.error(request, _("Choose whether your visits are counted in our statistics."))
        return HttpResponseRedirect(target)
    counted: bool = form.cleaned_data["counted"]
    if request.user.is_authenticated:
        account_statistics_set(user=cast(User, request.user), counted=counted)
    response = HttpResponseRedirect(target)  # a URL, never a view name
    statistics.write(response, counted=counted)
    if counted:
        messages.success(request, _("Your visits are counted in our statistics again."))
    else:
        messages.success(request, _("Your visits are no longer counted in our statistics."))
    return response


@require_GET
def gpc_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"gpc": True, "lastUpdate": GPC_SUPPORT_SINCE})


def _confirms_erasure(request: HttpRequest) -> bool:
    """A confirmed request to delete the account: allauth asks for the password again (``/accounts/reauthenticate/``,
    throttled there) unless the member re-authenticated in the last few minutes, then replays this POST."""
    return request.method == "POST" and request.POST.get("action") == "erase" and bool(request.POST.get("confirm"))


@login_required
@reauthentication_required(enabled=_confirms_erasure)
def settings_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Download a copy, delete the account (after re-entering the password, with a 7-day cool-off), and the
    ledger of who received the member's data."""
    pending = pending_erasure(request.user)
    choices = [choice for choice in hooks.erasure_choices.call(request.user) if choice is not None]
    form = ErasureForm(choices=choices)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "export":
            refused = rate_limited(request, action="privacy.export", rate=EXPORT_RATE)
            if refused:
                return refused
            data_request, archive = data_export_request(user=request.user)
            response = HttpResponse(archive, content_type="application/zip")
            name = f"preceptor-data-{data_request.received_at:%Y-%m-%d}.zip"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
        if action == "erase":
            form = ErasureForm(request.POST, choices=choices)
            if form.is_valid():
                erasure_request(user=request.user, options=form.options())
                logout(request)
                messages.success(
                    request,
                    _(
                        "Your account will be deleted in 7 days, and you are signed out everywhere. We have sent "
                        "you an e-mail about it. To keep your account, sign in before then and choose "
                        "“Keep my account”."
                    ),
                )
                return redirect("account_login")
        elif action == "cancel" and pending:
            erasure_cancel(request=pending, actor=request.user)
            messages.success(request, _("The deletion of your account is cancelled."))
            return redirect("privacy:data")
        elif action not in ("export", "erase"):
            return HttpResponseBadRequest("Unknown action.")
    return render(
        request,
        "privacy/settings_data.html",
        {
            "form": form,
            "pending": pending,
            "disclosures": disclosures_grouped(user=request.user),
            "requests": DataRequest.objects.filter(user=request.user)[:10],
        },
    )
