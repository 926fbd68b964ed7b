"""Joining an organisation, the member's sharing choices, and the manager's dashboard, invitations and reports.

A manager's pages answer 404 to everyone who does not manage the organisation — another organisation's manager,
its members, staff — so that nobody learns which organisations exist (``selectors.managed_organisation``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.billing.providers import registry
from preceptor.billing.providers.base import ProviderError
from preceptor.billing.services import order_checkout_start, order_create
from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.core.csv import csv_response
from preceptor.core.http import AuthenticatedHttpRequest, pdf_download
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.teams import selectors, services
from preceptor.teams.errors import TeamsError
from preceptor.teams.forms import AssignmentForm, GroupForm, InviteForm, SeatPurchaseForm, SendForm, SharingForm
from preceptor.teams.lists import token_hash
from preceptor.teams.models import Organisation
from preceptor.teams.reports import report_cells, report_header, report_pdf

INVITE_RATE = Rate(20, 60 * 60)  # invitation batches from one manager: 20 an hour
INVITATION_SESSION_KEY = "teams_invitation"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponseBase:
    invitation = selectors.invitation_by_token_hash(token_hash(token)) if len(token) < 100 else None
    now = timezone.now()
    if invitation is None or not invitation.is_open(now):
        return _private(render(request, "teams/join_gone.html", status=404))
    user = request.user if request.user.is_authenticated else None
    if user is None:  # signing in or up comes back through join_continue: no token in a ``next`` address
        request.session[INVITATION_SESSION_KEY] = token
    if request.method == "POST":
        if user is None:
            return redirect(f"{reverse('account_login')}?next={reverse('teams:join_continue')}")
        form = SharingForm(request.POST)
        if form.is_valid():
            try:
                membership = services.invitation_accept(invitation=invitation, user=user, **form.cleaned_data)
            except TeamsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Welcome to %(name)s. Your seat is ready.") % {"name": membership.organisation.name}
                )
                return redirect("teams:memberships")
        status = 400
    else:
        form, status = SharingForm(), 200
    context = {"invitation": invitation, "form": form, "organisation": invitation.organisation}
    return _private(render(request, "teams/join.html", context, status=status))


@login_required
@require_GET
def join_continue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Back from signing in or up: the invitation this browser opened before, else the member's organisations."""
    token = request.session.pop(INVITATION_SESSION_KEY, "")
    return redirect("teams:join", token=token) if token else redirect("teams:memberships")


@login_required
@require_GET
def memberships(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = [(m, SharingForm(instance=m, prefix=str(m.public_id))) for m in selectors.memberships_of(request.user)]
    managed = selectors.managed_organisations(request.user)
    joinable = [(o, SharingForm(prefix=str(o.public_id))) for o in selectors.joinable_organisations(request.user)]
    context = {"rows": rows, "managed": managed, "joinable": joinable}
    return _private(render(request, "teams/memberships.html", context))


@login_required
@require_POST
def domain_join(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    organisation = next(
        (o for o in selectors.joinable_organisations(request.user) if str(o.public_id) == str(public_id)), None
    )
    if organisation is None:
        raise Http404
    form = SharingForm(request.POST, prefix=str(organisation.public_id))
    if not form.is_valid():  # three checkboxes: only a forged post is invalid
        return HttpResponse(status=400)
    try:
        services.domain_join(organisation=organisation, user=request.user, **form.cleaned_data)
    except TeamsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Welcome to %(name)s. Your seat is ready.") % {"name": organisation.name})
    return redirect("teams:memberships")


@login_required
@require_POST
def sharing(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    membership = selectors.membership_of(request.user, public_id)
    form = SharingForm(request.POST, instance=membership, prefix=str(membership.public_id))
    if not form.is_valid():  # three checkboxes: only a forged post is invalid
        return HttpResponse(status=400)
    services.sharing_update(membership=membership, **form.cleaned_data)
    messages.success(
        request, _("Saved. %(name)s sees what you share from now on.") % {"name": membership.organisation.name}
    )
    return redirect("teams:memberships")


@login_required
@require_POST
def leave(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    membership = selectors.membership_of(request.user, public_id)
    try:
        services.membership_end(membership=membership, actor=request.user)
    except TeamsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("You left %(name)s. It sees nothing of yours any more.") % {"name": membership.organisation.name}
        )
    return redirect("teams:memberships")


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    rows = selectors.dashboard_rows(organisation, timezone.localdate())
    report = request.GET.get("format")
    if report == "csv":
        services.report_disclose(organisation=organisation, rows=rows, channel="CSV report")
        response, writer = csv_response(f"{organisation.slug}-members.csv")
        writer.writerow(report_header())
        writer.writerows(report_cells(row) for row in rows)
        return _private(response)
    if report == "pdf":
        services.report_disclose(organisation=organisation, rows=rows, channel="PDF report")
        pdf = report_pdf(organisation=organisation, rows=rows, printed=timezone.now())
        return pdf_download(pdf, f"{organisation.slug}-members.pdf")
    services.report_disclose(organisation=organisation, rows=rows, channel="Dashboard")
    context = {
        "organisation": organisation,
        "rows": rows,
        "seats_used": len(rows),
        "invitations": selectors.open_invitations(organisation, timezone.now()),
        "licence_active": organisation.licence_active(timezone.now()),
    }
    return _private(render(request, "teams/dashboard.html", context))


@login_required
@require_POST
def domain_setting(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The manager lets the organisation's e-mail domain (set by staff, who check it is the organisation's) join
    without invitations, or stops it."""
    organisation = selectors.managed_organisation(request.user, slug)
    if not organisation.email_domain:
        raise Http404
    services.domain_join_set(organisation=organisation, on=request.POST.get("on") == "1", actor=request.user)
    return redirect("teams:dashboard", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    """The list (typed or uploaded) and, once posted, its preview: each address with what is wrong with it."""
    organisation = selectors.managed_organisation(request.user, slug)
    form = InviteForm(request.POST or None, request.FILES or None)
    context = {
        "organisation": organisation,
        "form": form,
        "free": organisation.seats - selectors.seats_used(organisation),
    }
    if request.method == "POST":
        if not form.is_valid():
            return _private(render(request, "teams/invite.html", context, status=400))
        rows = selectors.invite_rows(
            organisation=organisation, addresses=form.cleaned_data["found"], now=timezone.now()
        )
        context |= {"rows": rows, "valid": [r for r in rows if not r.error], "errors": [r for r in rows if r.error]}
    return _private(render(request, "teams/invite.html", context))


@login_required
@require_POST
def invite_send(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    refused = rate_limited(request, action="teams.invite", rate=INVITE_RATE, per="user")
    if refused:
        return refused
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("No address to invite."))
        return redirect("teams:invite", slug=organisation.slug)
    made = services.invitations_send(organisation=organisation, addresses=form.addresses, invited_by=request.user)
    skipped = len(form.addresses) - len(made)
    text = ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(made)) % {"count": len(made)}
    if skipped:
        text += " " + ngettext(
            "%(count)d address was left out: it was invalid, listed twice, or invited meanwhile.",
            "%(count)d addresses were left out: they were invalid, listed twice, or invited meanwhile.",
            skipped,
        ) % {"count": skipped}
    messages.success(request, text)
    return redirect("teams:dashboard", slug=organisation.slug)


@login_required
@require_POST
def remove(request: AuthenticatedHttpRequest, slug: str, public_id: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    membership = get_object_or_404(organisation.memberships.select_related("user"), public_id=public_id)
    try:
        services.membership_end(membership=membership, actor=request.user)
    except TeamsError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s no longer holds a seat.") % {"name": membership.user.full_name})
    return redirect("teams:dashboard", slug=organisation.slug)


@login_required
@require_POST
def revoke(request: AuthenticatedHttpRequest, slug: str, public_id: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    invitation = get_object_or_404(organisation.invitations, public_id=public_id, accepted_at__isnull=True)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("teams:dashboard", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    organisation = selectors.managed_organisation(request.user, slug)
    today = timezone.localdate()
    form = AssignmentForm(request.POST or None, organisation=organisation, today=today)
    if request.method == "POST":
        if form.is_valid():
            chosen = form.chosen
            services.assignment_create(
                organisation=organisation,
                course=chosen if isinstance(chosen, Course) else None,
                live_class=chosen if isinstance(chosen, LiveClass) else None,
                due_on=form.cleaned_data["due_on"],
                members=[m.user for m in form.cleaned_data["members"]],
                groups=list(form.cleaned_data["groups"]),
                actor=request.user,
            )
            messages.success(request, _("Assigned: “%(title)s”.") % {"title": chosen.title})
            return redirect("teams:assignments", slug=organisation.slug)
        status = 400
    else:
        status = 200
    return _assignments_page(request, organisation, form=form, status=status)


def _assignments_page(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    *,
    form: AssignmentForm | None = None,
    group_form: GroupForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "organisation": organisation,
        "form": form or AssignmentForm(organisation=organisation, today=today),
        "group_form": group_form or GroupForm(organisation=organisation),
        "groups": organisation.groups.prefetch_related("members__user"),
        "assignments": selectors.organisation_assignments(organisation),
        "today": today,
    }
    return _private(render(request, "teams/assignments.html", context, status=status))


@login_required
@require_POST
def group_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    form = GroupForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _assignments_page(request, organisation, group_form=form, status=400)
    services.group_create(
        organisation=organisation,
        name=form.cleaned_data["name"],
        members=[m.user for m in form.cleaned_data["members"]],
        actor=request.user,
    )
    messages.success(request, _("Group “%(name)s” made.") % {"name": form.cleaned_data["name"]})
    return redirect("teams:assignments", slug=organisation.slug)


@login_required
@require_POST
def group_delete(request: AuthenticatedHttpRequest, slug: str, public_id: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    group = get_object_or_404(organisation.groups, public_id=public_id)
    services.group_delete(group=group, actor=request.user)
    messages.success(request, _("Group “%(name)s” deleted.") % {"name": group.name})
    return redirect("teams:assignments", slug=organisation.slug)


@login_required
@require_POST
def assignment_delete(request: AuthenticatedHttpRequest, slug: str, public_id: str) -> HttpResponse:
    organisation = selectors.managed_organisation(request.user, slug)
    assignment = get_object_or_404(organisation.assignments, public_id=public_id)
    services.assignment_delete(assignment=assignment, actor=request.user)
    messages.success(request, _("The assignment is withdrawn."))
    return redirect("teams:assignments", slug=organisation.slug)


def _providers() -> list[tuple[str, str]]:
    """The card providers, and an invoice paid by bank transfer where the server offers it."""
    providers = list(registry.available())
    if registry.configured("transfer"):
        providers.append(registry.get("transfer"))
    return [(p.name, p.label) for p in providers]


@login_required
@require_http_methods(["GET", "POST"])
def seats(request: AuthenticatedHttpRequest, slug: str) -> HttpResponseBase:
    """The licence, its price, buying or renewing it, adding seats, and the organisation's orders (each with its
    receipt on the paying manager's billing page)."""
    organisation = selectors.managed_organisation(request.user, slug)
    now = timezone.now()
    form = SeatPurchaseForm(request.POST or None, providers=_providers(), initial={"seats": organisation.seats or 1})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                quote = selectors.seat_purchase_quote(
                    organisation=organisation,
                    kind=data["kind"],
                    seats=data["seats"],
                    currency=data["currency"],
                    now=now,
                )
            except TeamsError as exc:
                form.add_error("seats", str(exc))
            else:
                order = order_create(
                    user=request.user,
                    item=quote.item,
                    description=selectors.seat_order_description(quote),
                    amount=quote.amount,
                    currency=quote.currency,
                )
                request.session[order.return_session_key] = reverse("teams:seats", args=[organisation.slug])
                provider = registry.get(data["provider"])
                try:
                    return redirect(order_checkout_start(provider=provider, request=request, order=order))
                except ProviderError:
                    form.add_error(
                        None, _("The payment service is not reachable right now. Please try again in a minute.")
                    )
        status = 400
    context = {
        "organisation": organisation,
        "form": form,
        "seats_used": selectors.seats_used(organisation),
        "licence_active": organisation.licence_active(now),
        "prices": {currency: selectors.seat_price(currency) for currency in ("EUR", "USD")},
        "orders": selectors.seat_orders(organisation),
    }
    return _private(render(request, "teams/seats.html", context, status=status))
