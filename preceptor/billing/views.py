from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.billing.forms import BillingDetailsForm, CheckoutForm
from preceptor.billing.invoices import invoice_pdf as invoice_pdf_render
from preceptor.billing.models import Currency, Order, Price, ProviderEvent, Receipt
from preceptor.billing.providers import registry
from preceptor.billing.providers.base import InvalidSignature, ProviderError
from preceptor.billing.providers.demo import DemoProvider
from preceptor.billing.selectors import (
    billing_details_for,
    current_subscription,
    membership_for,
    price_for,
    prices_by_currency,
    receipts_for,
)
from preceptor.billing.services import (
    billing_details_save,
    checkout_start,
    demo_checkout_complete,
    event_handle,
    subscription_cancel,
    subscription_resume,
)
from preceptor.core.http import AuthenticatedHttpRequest, pdf_download, staff_may
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.core.services import audit_event_record

logger = logging.getLogger(__name__)
INVOICE_PDF_RATE = Rate(30, 60 * 60)  # PDFs are rendered on request: 30 invoices an hour per member
DETAILS_FIELDS = ("name", "organisation", "address", "vat_id")


def pricing(request: HttpRequest) -> HttpResponse:
    currency = request.GET.get("currency", "EUR").upper()
    if currency not in Currency.values:
        currency = "EUR"
    table = prices_by_currency()
    membership = membership_for(request.user) if request.user.is_authenticated else None
    providers = registry.available()
    prices = table.get(currency, {})
    response = render(
        request,
        "billing/pricing.html",
        {
            "currency": currency,
            "currencies": [c for c in Currency.values if c in table],
            "prices": prices,
            "providers": providers,
            "membership": membership,
        },
    )
    if prices and membership is not None and not membership.is_pro:
        registry.admit_redirects(response, providers)  # the page shows the checkout forms
    return response


@login_required
@require_POST
def checkout(request: AuthenticatedHttpRequest) -> HttpResponse:
    providers = {p.name: p for p in registry.available()}
    form = CheckoutForm(request.POST, providers=list(providers))
    if not form.is_valid():
        messages.error(request, _("Please choose a plan and a payment method."))
        return redirect("billing:pricing")
    if membership_for(request.user).is_pro and current_subscription(request.user):
        messages.info(request, _("You are already a Pro member."))
        return redirect("billing:overview")
    price = price_for(interval=form.cleaned_data["interval"], currency=form.cleaned_data["currency"])
    if price is None:
        raise Http404
    provider = providers[form.cleaned_data["provider"]]
    try:
        url = checkout_start(provider=provider, request=request, user=request.user, price=price)
    except ProviderError:
        logger.exception("billing: checkout with %s failed", provider.name)
        messages.error(request, _("The payment service is not reachable right now. Please try again in a minute."))
        return redirect("billing:pricing")
    return redirect(url)


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _overview(request, BillingDetailsForm(instance=billing_details_for(request.user)))


def _overview(request: AuthenticatedHttpRequest, details_form: BillingDetailsForm, status: int = 200) -> HttpResponse:
    subscription = current_subscription(request.user)
    provider = registry.get(subscription.provider) if subscription else None
    membership = membership_for(request.user)
    response = render(
        request,
        "billing/overview.html",
        {
            "membership": membership,
            "subscription": subscription,
            "provider": provider,
            "receipts": receipts_for(request.user),
            "details_form": details_form,
        },
        status=status,
    )
    if membership.is_pro and provider is not None and provider.name == "stripe":
        registry.admit_redirects(response, [provider])  # the page shows the manage form (as the template)
    return response


@login_required
@require_POST
def details(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who invoices are made out to; a form with errors is shown again on the billing page, explained."""
    form = BillingDetailsForm(request.POST, instance=billing_details_for(request.user))
    if not form.is_valid():
        messages.error(request, _("Please correct the billing details below."))
        return _overview(request, form, status=400)
    billing_details_save(user=request.user, **{name: form.cleaned_data[name] for name in DETAILS_FIELDS})
    messages.success(request, _("Your billing details are saved. Invoices are made out to them from now on."))
    return redirect(f"{reverse('billing:overview')}#billing-details")


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A GET asks for confirmation and says until when Pro stays (and whether it can be undone); the POST cancels
    at the end of the paid period, at the provider."""
    subscription = current_subscription(request.user)
    if subscription is None or subscription.cancel_at_period_end:
        messages.info(request, _("There is no renewing membership to cancel."))
        return redirect("billing:overview")
    provider = registry.get(subscription.provider)
    if request.method == "GET":
        return render(request, "billing/cancel.html", {"subscription": subscription, "provider": provider})
    try:
        subscription = subscription_cancel(subscription=subscription, actor=request.user, provider=provider)
    except ProviderError:
        logger.exception("billing: cancelling %s failed", subscription.provider_id)
        messages.error(request, _("The payment service is not reachable right now. Please try again in a minute."))
        return redirect("billing:overview")
    end = subscription.current_period_end
    until = date_format(timezone.localtime(end), "DATE_FORMAT") if end else _("the end of the paid period")
    if provider.can_resume:
        messages.success(
            request,
            _("Your membership will not renew. You keep Pro until %(date)s, and can resume it until then.")
            % {"date": until},
        )
    else:
        messages.success(request, _("Your membership will not renew. You keep Pro until %(date)s.") % {"date": until})
    return redirect("billing:overview")


@login_required
@require_POST
def resume(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Undo a cancellation before the paid period ends: the membership renews again."""
    subscription = current_subscription(request.user)
    membership = membership_for(request.user)
    if subscription is None or not subscription.cancel_at_period_end or not membership.is_pro:
        messages.info(request, _("There is no cancelled membership to resume."))
        return redirect("billing:overview")
    provider = registry.get(subscription.provider)
    if not provider.can_resume:
        messages.error(
            request,
            _("A cancelled %(provider)s membership cannot be resumed. Please subscribe again when it ends.")
            % {"provider": provider.label},
        )
        return redirect("billing:overview")
    try:
        subscription_resume(subscription=subscription, actor=request.user, provider=provider)
    except ProviderError:
        logger.exception("billing: resuming %s failed", subscription.provider_id)
        messages.error(request, _("The payment service is not reachable right now. Please try again in a minute."))
        return redirect("billing:overview")
    messages.success(request, _("Your membership is resumed: it renews as before."))
    return redirect("billing:overview")


@login_required
@require_POST
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    subscription = current_subscription(request.user)
    provider = registry.get(subscription.provider) if subscription else None
    url = provider.manage_url(request=request, user=request.user) if provider else None
    if not url:
        raise Http404
    return redirect(url)


@login_required
def receipt(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    found = get_object_or_404(Receipt.objects.select_related("user"), public_id=public_id, user=request.user)
    return render(request, "billing/receipt.html", {"receipt": found})


@login_required
@require_GET
def invoice_pdf(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """The invoice as a PDF: for the member it belongs to, and staff who may see receipts (audited). Everyone
    else gets the same 404 as for an invoice that does not exist."""
    user = request.user
    found = get_object_or_404(Receipt.objects.select_related("user"), public_id=public_id, invoice_number__isnull=False)
    if found.user_id != user.pk:
        if not staff_may(user, "billing.view_receipt"):
            raise Http404
        audit_event_record(action="billing.invoice_downloaded", actor=user, subject=found.user, target=found)
    refused = rate_limited(request, action="billing.invoice_pdf", rate=INVOICE_PDF_RATE)
    if refused:
        return refused
    return pdf_download(invoice_pdf_render(found), f"invoice-{found.invoice_number}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def demo_pay(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    provider = registry.get("demo")
    if not isinstance(provider, DemoProvider) or not provider.is_available():
        raise Http404
    try:
        user_id, price_id = provider.read_token(token)
    except ProviderError:
        messages.error(request, _("This demo checkout link is invalid or has expired. Please start again."))
        return redirect("billing:pricing")
    if user_id != request.user.pk:
        raise Http404
    price = get_object_or_404(Price, pk=price_id)
    if request.method == "POST":
        demo_checkout_complete(provider=provider, user=request.user, price=price)
        messages.success(request, _("Welcome to Pro! Your receipt is below."))
        return redirect("billing:overview")
    return render(request, "billing/demo_pay.html", {"price": price})


@login_required
def order_return(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """Back from the provider's payment page: PayPal captures here; the order's state comes from the provider."""
    order = get_object_or_404(Order, public_id=public_id, user=request.user)
    if order.status == Order.Status.PENDING and order.provider:
        try:
            registry.get(order.provider).order_returned(order=order)
        except ProviderError:
            logger.exception("billing: order %s return failed", order.public_id)
        order.refresh_from_db()
    if order.status == Order.Status.PAID:
        messages.success(request, _("Payment received. Thank you!"))
    else:
        messages.info(request, _("We are waiting for the payment service to confirm your payment."))
    # Back to the page the purchase started from (e.g. the class), when it said so.
    return redirect(request.session.pop(order.return_session_key, None) or "billing:overview")


@login_required
@require_http_methods(["GET", "POST"])
def demo_order_pay(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    provider = registry.get("demo")
    if not isinstance(provider, DemoProvider) or not provider.is_available():
        raise Http404
    try:
        public_id = provider.read_order_token(token)
    except ProviderError:
        messages.error(request, _("This demo checkout link is invalid or has expired. Please start again."))
        return redirect("billing:overview")
    order = get_object_or_404(Order, public_id=public_id, user=request.user, status=Order.Status.PENDING)
    if request.method == "POST":
        provider.pay_order(order=order)
        return redirect("billing:order_return", public_id=order.public_id)
    return render(request, "billing/demo_pay.html", {"price": order, "order": order})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, provider_name: str) -> HttpResponse:
    """Verify on the raw body, store the event once, process it. 400 for a bad signature, 500 on failure."""
    if provider_name not in ("stripe", "paypal") or not registry.configured(provider_name):
        raise Http404
    provider = registry.get(provider_name)
    try:
        event = provider.verify(request)
    except InvalidSignature:
        return HttpResponseBadRequest("invalid signature")
    stored = event_handle(provider=provider, event=event)
    if stored.status == ProviderEvent.Status.FAILED:
        return HttpResponseServerError("processing failed; it will be retried")
    return HttpResponse("ok")


@login_required
@require_GET
def transfer(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    """The invoice of an order paid by bank transfer: what to pay, the reference, the account (the member's own)."""
    order = get_object_or_404(Order, public_id=public_id, user=request.user, provider="transfer")
    context = {
        "order": order,
        "bank_details": [line.strip() for line in settings.BANK_TRANSFER_DETAILS.split("|") if line.strip()],
        "return_url": request.session.get(order.return_session_key, ""),
    }
    response = render(request, "billing/transfer.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
