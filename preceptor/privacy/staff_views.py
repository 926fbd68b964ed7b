"""Back office for privacy: the record of processing activities and the data-request queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from preceptor.core.erasure import erasure_tasks_open
from preceptor.core.http import AuthenticatedHttpRequest, permission_required, staff_may
from preceptor.core.services import audit_event_record
from preceptor.privacy import policy
from preceptor.privacy.forms import ExtensionForm, LegalRequestForm, LegalReviewForm, StaffRequestForm
from preceptor.privacy.models import DataRequest, LegalRequest
from preceptor.privacy.services import (
    LEGAL_REQUEST_PERMISSION,
    FourEyesError,
    data_request_extend,
    data_request_receive,
    legal_request_approve,
    legal_request_decline,
    legal_request_record,
)


@permission_required("privacy.view_processing_record")
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    audit_event_record(action="privacy.processing_record_viewed", actor=request.user)
    return render(
        request,
        "privacy/staff_record.html",
        {
            "record": policy.processing_record_json(),
            "policy_outdated": policy.published_policy_outdated(),
            "may_publish": staff_may(request.user, POLICY_PERMISSION),
        },
    )


@permission_required("privacy.manage_data_requests")
def requests_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data_request_receive(user=form.cleaned_data["member"], kind=form.cleaned_data["kind"], actor=request.user)
        messages.success(request, _("The request is in the queue."))
        return redirect("privacy:staff_requests")
    open_requests = list(
        DataRequest.objects.filter(status=DataRequest.Status.PENDING).select_related("user").order_by("due_at")
    )
    # The queue shows members' e-mail addresses: who looked, and at whose, is on the record.
    audit_event_record(
        action="privacy.data_requests_viewed",
        actor=request.user,
        data={"requests": [str(r.public_id) for r in open_requests]},
    )
    return render(
        request,
        "privacy/staff_requests.html",
        {"form": form, "requests": open_requests, "erasure_tasks": erasure_tasks_open()},
    )


@permission_required("privacy.manage_data_requests")
def extend(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    data_request = get_object_or_404(DataRequest, public_id=public_id, status=DataRequest.Status.PENDING)
    form = ExtensionForm(request.POST or None, data_request=data_request)
    if request.method == "POST" and form.is_valid():
        data_request_extend(
            request=data_request,
            months=form.cleaned_data["months"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("The deadline is extended and the member has been told why."))
        return redirect("privacy:staff_requests")
    audit_event_record(
        action="privacy.data_request_viewed", actor=request.user, subject=data_request.user, target=data_request
    )
    return render(request, "privacy/staff_extend.html", {"form": form, "data_request": data_request})


# --- Legal requests: one officer records, a second approves (``services.legal_request_approve``) ----------------
@permission_required(LEGAL_REQUEST_PERMISSION)
def legal_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list(LegalRequest.objects.select_related("recorded_by", "reviewed_by").annotate(concerned=Count("members")))
    return render(request, "privacy/staff_legal_list.html", {"legal_requests": rows})


@permission_required(LEGAL_REQUEST_PERMISSION)
def legal_request_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LegalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        legal_request = legal_request_record(
            authority=data["authority"],
            reference=data["reference"],
            legal_basis=data["legal_basis"],
            scope=data["scope"],
            members=data["emails"],
            decision=data["decision"],
            reasoning=data["reasoning"],
            disclosed=data["disclosed"],
            secret_until=data["secret_until"],
            actor=request.user,
        )
        messages.success(request, _("Recorded. A second privacy officer must approve it before anything is released."))
        return redirect("privacy:staff_legal_detail", public_id=legal_request.public_id)
    return render(request, "privacy/staff_legal_new.html", {"form": form})


@permission_required(LEGAL_REQUEST_PERMISSION)
def legal_request_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    legal_request = get_object_or_404(
        LegalRequest.objects.select_related("recorded_by", "reviewed_by"), public_id=public_id
    )
    may_review = legal_request.status == LegalRequest.Status.PENDING and legal_request.recorded_by_id != request.user.pk
    return _legal_request_page(request, legal_request, LegalReviewForm(), may_review=may_review)


def _legal_request_page(
    request: AuthenticatedHttpRequest,
    legal_request: LegalRequest,
    form: LegalReviewForm,
    *,
    may_review: bool,
    error: str = "",
) -> HttpResponse:
    members = list(legal_request.members.order_by("email"))
    # The page names the members concerned: who looked is on the record.
    audit_event_record(
        action="privacy.legal_request_viewed",
        actor=request.user,
        target=legal_request,
        data={"members": [m.pk for m in members]},
    )
    context = {"legal_request": legal_request, "members": members, "form": form, "may_review": may_review}
    return render(request, "privacy/staff_legal_detail.html", {**context, "error": error}, status=400 if error else 200)


def _legal_request_review(request: AuthenticatedHttpRequest, public_id: str, *, declining: bool) -> HttpResponse:
    legal_request = get_object_or_404(LegalRequest, public_id=public_id)
    form = LegalReviewForm(request.POST, declining=declining)
    error = ""
    if form.is_valid():
        try:
            if declining:
                legal_request_decline(legal_request=legal_request, actor=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Declined: nothing was released."))
            else:
                legal_request_approve(legal_request=legal_request, actor=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Approved. Each member concerned has a ledger entry."))
            return redirect("privacy:staff_legal_detail", public_id=legal_request.public_id)
        except FourEyesError:
            error = _("You recorded this request: a second privacy officer must approve or decline it.")
        except ValueError:
            error = _("This request was already decided.")
    return _legal_request_page(request, legal_request, form, may_review=not error, error=error)


@permission_required(LEGAL_REQUEST_PERMISSION)
@require_POST
def legal_request_approve_view(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    return _legal_request_review(request, public_id, declining=False)


@permission_required(LEGAL_REQUEST_PERMISSION)
@require_POST
def legal_request_decline_view(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    return _legal_request_review(request, public_id, declining=True)


POLICY_PERMISSION = "privacy.add_policyversion"


@permission_required("privacy.view_processing_record", POLICY_PERMISSION)
def policy_draft(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The privacy policy as it would be published now (generated from the declarations, with the prose of the
    version in force), and the form that publishes it as a new version (``privacy.add_policyversion`` only)."""
    from django.conf import settings
    from django.utils import timezone

    from preceptor.privacy.forms import PolicyPublishForm
    from preceptor.privacy.selectors import current_policy
    from preceptor.privacy.services import policy_version_create

    current = current_policy()
    may_publish = staff_may(request.user, POLICY_PERMISSION)
    initial_prose = current.prose if current else {}
    initial = {
        f"prose_{key}_{code}": (initial_prose.get(key) or {}).get(code, "")
        for key in policy.SECTIONS
        for code, _name in settings.LANGUAGES
    }
    form = PolicyPublishForm(
        request.POST or None,
        initial={"effective_on": timezone.localdate(), **initial},
        sections=policy.SECTIONS,
        languages=list(settings.LANGUAGES),
        today=timezone.localdate(),
    )
    if request.method == "POST":
        if not may_publish:
            raise PermissionDenied
        if form.is_valid():
            published = policy_version_create(
                effective_on=form.cleaned_data["effective_on"],
                material=form.cleaned_data["material"],
                summary=form.cleaned_data["summary"],
                prose=form.prose(),
                actor=request.user,
            )
            messages.success(
                request, _("Version %(version)s of the privacy policy is published.") % {"version": published.version}
            )
            return redirect("privacy:staff_record")
    language = (request.LANGUAGE_CODE or "en")[:2]
    return render(
        request,
        "privacy/staff_policy.html",
        {
            "form": form,
            "may_publish": may_publish,
            "current": current,
            "policy_outdated": policy.published_policy_outdated(),
            "draft": mark_safe(policy.policy_render(prose=initial_prose, language=language)),  # noqa: S308 -- our template
        },
    )
