from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.billing.providers import registry
from preceptor.billing.providers.base import ProviderError
from preceptor.billing.selectors import has_bought
from preceptor.billing.services import order_checkout_start, order_create
from preceptor.classes import bbb, hooks, services
from preceptor.classes.forms import BuyForm, RecordingForm, TermsForm
from preceptor.classes.ics import class_ics
from preceptor.classes.meetings import meeting_origin, teacher_join_url
from preceptor.classes.models import LiveClass, Registration, Teacher
from preceptor.classes.rosters import roster_csv
from preceptor.classes.selectors import (
    Seats,
    classes_published,
    current_terms,
    has_accepted_current_terms,
    may_attend,
    recorded_classes,
    registration_for,
    taught_by,
    teacher_for,
    upcoming_classes,
    with_my_registration,
)
from preceptor.core.hooks import panels
from preceptor.core.http import AuthenticatedHttpRequest, absolute_url, permission_required
from preceptor.core.middleware import csp_admit

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

logger = logging.getLogger(__name__)


def _class_or_404(slug: str) -> WithAnnotations[LiveClass, Seats]:
    return get_object_or_404(classes_published(), slug=slug)


@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    """Upcoming and recorded classes; each marks the viewer's own place and the single-class price."""
    upcoming = with_my_registration(upcoming_classes(), request.user)
    recorded = with_my_registration(recorded_classes(), request.user)
    return render(request, "classes/list.html", {"upcoming": list(upcoming), "recorded": list(recorded)})


def _providers() -> list[tuple[str, str]]:
    return [(p.name, p.label) for p in registry.available()]


@require_GET
def class_detail(request: HttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    registration = registration_for(request.user, live_class)
    now = timezone.now()
    user = request.user
    shown = panels(hooks.class_panels.call(live_class, user))
    is_open = live_class.joinable(now)
    context = {
        "panels": shown,
        "accredited_content": any(p.ad_free for p in shown),
        "live_class": live_class,
        "registration": registration,
        "seats_left": max(0, live_class.capacity - live_class.taken),
        "may_attend": user.is_authenticated and may_attend(user, live_class),
        "bought": user.is_authenticated and has_bought(user, live_class.item),
        "is_open": is_open,
        "is_over": now >= live_class.ends_at or bool(live_class.ended_at),
        "buy_form": BuyForm(providers=_providers()),
        "minutes": registration.minutes_attended if registration else 0,
    }
    response = render(request, "classes/detail.html", context)
    if is_open and registration is not None and registration.status == Registration.Status.REGISTERED:
        _admit_meeting_hosts(response, [live_class])  # the page shows the join form
    seated = registration is not None and registration.status != Registration.Status.CANCELLED
    if (
        live_class.price_amount
        and not (seated or context["is_over"] or context["may_attend"])
        and user.is_authenticated
    ):
        registry.admit_redirects(response, registry.available())  # the page shows the Buy form (as the template)
    return response


def _admit_meeting_hosts(response: HttpResponse, classes: list[LiveClass]) -> None:
    """Let this page's join forms reach the meeting: the join POST answers with a redirect to the meeting host,
    and Chromium checks a form submission's redirects against ``form-action`` (else ``'self'`` only)."""
    origins = sorted({origin for c in classes if (origin := meeting_origin(c))})
    if origins:
        csp_admit(response, "form-action", origins)


@login_required
@require_POST
def signup_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    try:
        registration = services.registration_create(user=request.user, live_class=live_class)
    except services.SignupRefused as refused:
        messages.error(request, str(refused))
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, _("You are signed up. Add the class to your calendar."))
        else:
            messages.info(request, _("The class is full: you are on the waitlist and will be told if a seat frees up."))
    return redirect(live_class)


@login_required
@require_POST
def cancel_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    registration = registration_for(request.user, live_class)
    if registration is None or registration.status == Registration.Status.CANCELLED:
        raise Http404
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your place is cancelled."))
    return redirect(live_class)


@login_required
@require_POST
def buy_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    if live_class.price_amount is None:
        raise Http404
    form = BuyForm(request.POST, providers=_providers())
    if not form.is_valid():
        messages.error(request, _("Please choose a payment method."))
        return redirect(live_class)
    if may_attend(request.user, live_class):
        messages.info(request, _("This class is already open to you."))
        return redirect(live_class)
    order = order_create(
        user=request.user,
        item=live_class.item,
        description=f"Class: {live_class.title}"[:200],
        amount=live_class.price_amount,
        currency=live_class.price_currency,
    )
    provider = registry.get(form.cleaned_data["provider"])
    request.session[order.return_session_key] = live_class.get_absolute_url()
    try:
        return redirect(order_checkout_start(provider=provider, request=request, order=order))
    except ProviderError:
        logger.exception("classes: checkout with %s failed", provider.name)
        messages.error(request, _("The payment service is not reachable right now. Please try again in a minute."))
        return redirect(live_class)


@require_GET
def ics_view(request: HttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    response = HttpResponse(class_ics(live_class), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{live_class.slug}.ics"'
    return response


@login_required
@require_POST
def join_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    live_class = _class_or_404(slug)
    registration = registration_for(request.user, live_class)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        raise Http404
    now = timezone.now()
    if not live_class.joinable(now):
        messages.info(request, _("The class opens 15 minutes before it starts."))
        return redirect(live_class)
    try:
        url = services.attendance_join(registration=registration, now=now)
    except bbb.BBBError:
        logger.exception("classes: BigBlueButton join failed for %s", live_class.slug)
        messages.error(request, _("The meeting server is not reachable right now. Please try again in a minute."))
        return redirect(live_class)
    if not url:
        messages.error(request, _("The meeting address is not set yet. Please write to support."))
        return redirect(live_class)
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def left_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Where the meeting sends members when they leave (its logout URL, a GET): the page posts back at once
    (by script, or the member's click), and the POST records the leaving time. A GET changes nothing."""
    live_class = _class_or_404(slug)
    if request.method == "GET":
        return render(request, "classes/left.html", {"live_class": live_class})
    registration = registration_for(request.user, live_class)
    if registration is not None:
        services.attendance_leave(registration=registration)
        messages.info(request, _("You left the class. You can join again while it runs."))
    return redirect(live_class)


@require_GET
def teacher_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The teacher page's old address: a public teacher section is on the teacher's member page (decision 0021),
    so this moves there for good; any other slug is the same 404 as a teacher who does not exist (no enumeration)."""
    teacher = get_object_or_404(
        Teacher.objects.select_related("user__profile"),
        slug=slug,
        is_public=True,
        user__is_active=True,
        user__profile__isnull=False,
    )
    return HttpResponsePermanentRedirect(teacher.get_absolute_url())


# --- teachers -------------------------------------------------------------------------------------------


def _teacher_or_404(request: AuthenticatedHttpRequest) -> Teacher:
    teacher = teacher_for(request.user)  # not stored on a GET: unsaved until the teacher first POSTs
    if teacher is None:
        raise Http404
    return teacher


@login_required
@require_GET
def teach_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    teacher = _teacher_or_404(request)
    classes = list(taught_by(teacher)) if teacher.pk else []
    response = render(
        request,
        "classes/teach.html",
        {
            "teacher": teacher,
            "classes": classes,
            "accepted": has_accepted_current_terms(request.user),
            "terms": current_terms(),
            "now": timezone.now(),
        },
    )
    _admit_meeting_hosts(response, [c for c in classes if not c.ended_at])  # their "Start / join" forms
    return response


@login_required
@require_POST
def teacher_visibility_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The teacher shows or hides their public teacher page (the "public" box ticked or not)."""
    _teacher_or_404(request)
    is_public = request.POST.get("is_public") == "on"
    services.teacher_visibility_set(user=request.user, is_public=is_public)
    if is_public:
        messages.success(request, _("Your teacher page is now public."))
    else:
        messages.success(request, _("Your teacher page is now hidden."))
    return redirect("classes:teach")


@login_required
@require_http_methods(["GET", "POST"])
def terms_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _teacher_or_404(request)
    terms = current_terms()
    if terms is None:
        raise Http404
    form = TermsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.teacher_ensure(user=request.user)
        services.terms_accept(user=request.user, terms=terms)
        messages.success(request, _("Thank you. Your rosters are now available."))
        return redirect("classes:teach")
    accepted = has_accepted_current_terms(request.user)
    return render(request, "classes/terms.html", {"terms": terms, "form": form, "accepted": accepted})


def _taught_class(request: AuthenticatedHttpRequest, slug: str) -> tuple[Teacher, LiveClass]:
    teacher = _teacher_or_404(request)
    if teacher.pk is None:  # no class can be taught by a teacher page that is not stored yet
        raise Http404
    live_class = get_object_or_404(LiveClass, slug=slug, teachers=teacher)
    return teacher, live_class


@login_required
@require_GET
def roster_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    teacher, live_class = _taught_class(request, slug)
    if not has_accepted_current_terms(request.user):
        messages.info(request, _("Please accept the teacher terms before you see any member's details."))
        return redirect("classes:terms")
    if request.GET.get("format") == "csv":
        rows = services.roster_disclose(live_class=live_class, teacher=teacher, channel="Roster CSV export")
        response = HttpResponse(roster_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="roster-{live_class.slug}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response
    rows = services.roster_disclose(live_class=live_class, teacher=teacher, channel="Roster page")
    waiting = live_class.registrations.filter(status=Registration.Status.WAITLISTED).count()
    response = render(request, "classes/roster.html", {"live_class": live_class, "rows": rows, "waiting": waiting})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def teacher_join_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    teacher, live_class = _taught_class(request, slug)
    try:
        url = teacher_join_url(teacher=teacher, live_class=live_class)
    except bbb.BBBError:
        logger.exception("classes: BigBlueButton start failed for %s", live_class.slug)
        messages.error(request, _("The meeting server is not reachable right now."))
        return redirect("classes:teach")
    return redirect(url or absolute_url(live_class.get_absolute_url()))


@login_required
@require_POST
def end_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    _teacher, live_class = _taught_class(request, slug)
    try:
        services.live_class_end(live_class=live_class, actor=request.user)
    except bbb.BBBError:
        logger.exception("classes: BigBlueButton end failed for %s", live_class.slug)
        messages.error(request, _("The meeting server did not answer; the class is not ended yet."))
        return redirect("classes:teach")
    messages.success(request, _("The class is ended; attendance is complete."))
    return redirect("classes:teach")


@permission_required("classes.publish_recording")
@require_http_methods(["GET", "POST"])
def recording_view(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Staff publish a class's recording: it becomes its own course for registrants and Pro members."""
    live_class = get_object_or_404(LiveClass, slug=slug)
    if live_class.recording_id:
        messages.info(request, _("This class already has its recording."))
        return redirect(live_class)
    form = RecordingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course = services.recording_publish(
            live_class=live_class,
            video=data["video"],
            captions=data["captions"],
            duration_seconds=data["duration"],
            transcript=data["transcript"],
        )
        messages.success(request, _("The recording is published."))
        return redirect(course)
    return render(request, "classes/recording.html", {"live_class": live_class, "form": form})
