"""Bank transfers for staff who hold ``billing.record_transfer``: the invoices waiting for their money, and
recording one as received (the order then takes the path of any confirmed payment)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from preceptor.billing.models import Order
from preceptor.billing.services import order_transfer_record
from preceptor.core.http import AuthenticatedHttpRequest, permission_required

TRANSFER_PERMISSION = "billing.record_transfer"


@permission_required(TRANSFER_PERMISSION)
@require_GET
def transfers(request: AuthenticatedHttpRequest) -> HttpResponse:
    orders = Order.objects.filter(provider="transfer").select_related("user").order_by("status", "-created_at")[:200]
    response = render(request, "billing/staff_transfers.html", {"orders": orders})
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required(TRANSFER_PERMISSION)
@require_POST
def transfer_received(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    order = Order.objects.filter(public_id=public_id, provider="transfer", status=Order.Status.PENDING).first()
    if order is None:
        raise Http404
    order_transfer_record(order=order, actor=request.user)
    messages.success(
        request,
        _("Recorded as paid: %(description)s (%(amount)s).")
        % {"description": order.description, "amount": order.display},
    )
    return redirect("billing:staff_transfers")
