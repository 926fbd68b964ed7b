"""Back office for privacy: the record of processing activities and the data-request queue."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from preceptor.core.http import AuthenticatedHttpRequest, permission_required
from preceptor.core.services import audit_event_record
from preceptor.privacy.forms import ExtensionForm, StaffRequestForm
from preceptor.privacy.models import DataRequest
from preceptor.privacy.registry import processing_record
from preceptor.privacy.services import data_request_extend, data_request_receive


@permission_required("privacy.view_processing_record")
def record(request: AuthenticatedHttpRequest) -> HttpResponse:
    audit_event_record(action="privacy.processing_record_viewed", actor=request.user)
    return render(request, "privacy/staff_record.html", {"entries": processing_record()})


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
    return render(request, "privacy/staff_requests.html", {"form": form, "requests": open_requests})


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
