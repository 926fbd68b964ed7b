from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.accounts.models import User
from preceptor.billing.selectors import membership_for
from preceptor.cme import reports
from preceptor.cme.certificates import CertificateError, certificate_pdf, transcript_pdf
from preceptor.cme.credits import ECMEC_CONVERSION_NOTE
from preceptor.cme.eligibility import claim_overview
from preceptor.cme.forms import AmendForm, ClaimForm, EvaluationForm, IdentityForm, RangeForm, ReportForm, RevokeForm
from preceptor.cme.models import Activity, Claim, LearnerIdentity
from preceptor.cme.selectors import (
    credit_overview,
    statements,
    transcript_claims,
    transcript_rows,
    transcript_totals,
)
from preceptor.cme.services import (
    ClaimRefused,
    claim_amend,
    claim_revoke,
    claim_submit,
    evaluation_submit,
    learner_identity_save,
)
from preceptor.core.csv import csv_response
from preceptor.core.http import AuthenticatedHttpRequest, pdf_download, permission_required, staff_may
from preceptor.core.ratelimit import Rate, rate_limited
from preceptor.core.services import audit_event_record

HONORIFICS = {"dr", "prof", "mr", "mrs", "ms", "mx"}
CERTIFICATE_PDF_RATE = Rate(30, 60 * 60)  # PDFs are rendered on request: 30 certificates an hour per member
TRANSCRIPT_PDF_RATE = Rate(10, 60 * 60)  # and 10 transcripts


def _identity_form(user: User, identity: LearnerIdentity | None, data: QueryDict | None) -> IdentityForm:
    """The name and PARS details form; for a member without details, the name from their account (unsaved)."""
    if identity is None:
        words = [w for w in user.full_name.split() if w.rstrip(".").lower() not in HONORIFICS]
        first, last = " ".join(words[:-1]), " ".join(words[-1:])
        identity = LearnerIdentity(user=user, first_name=first, last_name=last)
    return IdentityForm(data, instance=identity, prefix="identity")


@login_required
@require_http_methods(["GET", "POST"])
def claim_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The evaluation and the claim. A GET only reads; a POST submits the evaluation or the claim, each with one
    service in one transaction."""
    user = request.user
    activity = get_object_or_404(
        Activity.objects.select_related("course", "live_class", "accredited_provider"), pk=pk, is_published=True
    )
    overview = claim_overview(user=user, activity=activity)
    evaluation_form = EvaluationForm(questions=overview.questions, prefix="evaluation")
    identity_form = _identity_form(user, overview.identity, None)
    claim_form = ClaimForm(
        activity=activity,
        recorded_minutes=overview.recorded_minutes,
        initial={"credits": overview.default_credits},
        prefix="claim",
    )
    if request.method == "POST":
        if not overview.pro:
            messages.error(request, _("Claiming credit needs an active Pro membership."))
            return redirect("billing:pricing")
        if "evaluation" in request.POST and overview.evaluation is None:
            evaluation_form = EvaluationForm(request.POST, questions=overview.questions, prefix="evaluation")
            if evaluation_form.is_valid():
                evaluation_submit(user=user, activity=activity, answers=evaluation_form.answers())
                messages.success(request, _("Thank you: your evaluation is recorded."))
                return redirect(request.path + "#claim")
        elif "identity" in request.POST and not overview.active_claims:
            identity_form = _identity_form(user, overview.identity, request.POST)
            claim_form = ClaimForm(
                request.POST, activity=activity, recorded_minutes=overview.recorded_minutes, prefix="claim"
            )
            if identity_form.is_valid() and claim_form.is_valid():
                try:
                    attempt = claim_submit(
                        user=user,
                        activity=activity,
                        credits=claim_form.cleaned_data["credits"],
                        identity=identity_form.save(commit=False),
                        pars_consent=identity_form.cleaned_data["pars_consent"],
                        reason=claim_form.cleaned_data.get("reason", ""),
                    )
                except ValidationError as error:
                    claim_form.add_error("credits", error)
                except CertificateError:
                    claim_form.add_error(
                        None, _("Your certificate could not be issued: check your name and try again.")
                    )
                else:
                    if not attempt.refused:
                        messages.success(request, _("Your certificate is ready."))
                        return redirect(activity.get_absolute_url())
                    for message in attempt.messages:
                        claim_form.add_error(None, message)
    return render(
        request,
        "cme/claim.html",
        {
            "activity": activity,
            "statements": statements(activity),
            "pro": overview.pro,
            "evaluation": overview.evaluation,
            "evaluation_form": evaluation_form,
            "identity_form": identity_form,
            "claim_form": claim_form,
            "claims": overview.claims,
            "active_claims": overview.active_claims,
            "failed": overview.failed,
            "blocking": overview.blocking,
            "credit_types": overview.credit_type_labels,
            "amend_form": AmendForm(prefix="amend"),
            "recorded": overview.recorded_minutes,
        },
    )


def _own_claim(user: User, certificate_id: UUID) -> Claim:
    claim = Claim.objects.filter(certificate_id=certificate_id).select_related("activity__course").first()
    if claim is None or (claim.user_id != user.pk and not staff_may(user, "cme.view_claim")):
        raise Http404
    return claim


@login_required
@require_POST
def amend_view(request: AuthenticatedHttpRequest, certificate_id: UUID) -> HttpResponse:
    user = request.user
    claim = _own_claim(user, certificate_id)
    if claim.user_id != user.pk:
        raise Http404
    if not membership_for(user).is_pro:
        messages.error(request, _("Changing a claim needs an active Pro membership."))
        return redirect("billing:pricing")
    form = AmendForm(request.POST, prefix="amend")
    if form.is_valid():
        try:
            claim_amend(
                claim=claim, credits=form.cleaned_data["credits"], actor=user, reason=form.cleaned_data["reason"]
            )
        except (ClaimRefused, ValidationError) as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your claim is corrected; the certificate keeps its id."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(claim.activity.get_absolute_url())


@login_required
@require_GET
def certificate_download(request: AuthenticatedHttpRequest, certificate_id: UUID) -> HttpResponse:
    """The PDF, for its owner with an active membership (requirement 36, docs/requirements.md#cme-36) or staff."""
    user = request.user
    claim = _own_claim(user, certificate_id)
    if claim.user_id != user.pk:  # staff whose role may see claims (``_own_claim``): a member's certificate, on record
        audit_event_record(action="cme.certificate_downloaded", actor=user, subject=claim.user, target=claim)
    elif not user.is_staff and not membership_for(user).is_pro:
        messages.error(
            request,
            _(
                "Downloading certificates needs an active Pro membership. Your certificates stay verifiable at their "
                "public address."
            ),
        )
        return redirect("cme:transcript")
    refused = rate_limited(request, action="cme.certificate_pdf", rate=CERTIFICATE_PDF_RATE)
    if refused:
        return refused
    return pdf_download(certificate_pdf(claim), f"certificate-{claim.certificate_id}.pdf")


@require_GET
def verify_view(request: HttpRequest, certificate_id: UUID) -> HttpResponse:
    """Public: name, activity, date and credits of a certificate, or that it was revoked (requirement 17)."""
    claim = (
        Claim.objects.select_related("activity__course", "activity__accredited_provider")
        .filter(certificate_id=certificate_id)
        .first()
    )
    if claim is None:  # the site's 404 page, saying what was not found
        response = render(request, "404.html", {"message": _("No certificate with this id")}, status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    response = render(
        request,
        "cme/verify.html",
        {"claim": claim, "activity": claim.activity, "statements": statements(claim.activity)},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def about_view(request: HttpRequest) -> HttpResponse:
    """Public: the credit types on offer, how credit is earned, claimed and verified (the "CME credit" menu item for
    visitors). The providers, credit types and pass marks come from the published accreditations."""
    return render(
        request,
        "cme/about.html",
        {"overview": credit_overview(), "conversion_note": ECMEC_CONVERSION_NOTE},
    )


@login_required
@require_GET
def transcript_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = RangeForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    claims = list(transcript_claims(user, start=start, end=end))
    rows = transcript_rows(claims)
    totals = transcript_totals(claims)
    fmt = request.GET.get("format")
    period = f"{start or '…'} – {end or timezone.localdate()}"
    if fmt == "csv":
        response, writer = csv_response("cme-transcript.csv")
        columns = ["completed", "title", "format", "credit_label", "credits", "provider", "status", "url"]
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns])
        return response
    if fmt == "pdf":
        refused = rate_limited(request, action="cme.transcript_pdf", rate=TRANSCRIPT_PDF_RATE)
        if refused:
            return refused
        name = LearnerIdentity.objects.filter(user=user).first()
        pdf = transcript_pdf(
            name=name.full_name if name else user.full_name,
            rows=[r for r in rows if r["status"] == "valid"],
            totals=[(str(year), label, amount) for year, label, amount in totals.by_year],
            period=period,
        )
        return pdf_download(pdf, "cme-transcript.pdf")
    return render(
        request,
        "cme/transcript.html",
        {"form": form, "rows": rows, "totals": totals, "query": request.GET.urlencode(), "claims": claims},
    )


@login_required
@require_http_methods(["GET", "POST"])
def identity_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    identity = LearnerIdentity.objects.filter(user=user).first()
    form = _identity_form(user, identity, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        learner_identity_save(identity=form.save(commit=False), pars_consent=form.cleaned_data["pars_consent"])
        messages.success(request, _("Saved."))
        return redirect("cme:identity")
    return render(request, "cme/identity.html", {"form": form, "identity": identity})


# --- staff ------------------------------------------------------------------------------------------------


STAFF_PERMISSIONS = ("cme.download_reports", "cme.revoke_certificate", "cme.export_evaluations")


@permission_required(*STAFF_PERMISSIONS)
@require_http_methods(["GET", "POST"])
def staff_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Reports, revocation and evaluation exports: each part for the staff whose role holds its permission."""
    may = {name.split(".")[1]: staff_may(request.user, name) for name in STAFF_PERMISSIONS}
    if ("report" in request.POST and not may["download_reports"]) or (
        "revoke" in request.POST and not may["revoke_certificate"]
    ):
        raise PermissionDenied
    today = timezone.localdate()
    report_form = ReportForm(
        request.POST if "report" in request.POST else None,
        initial={"start": date(today.year, 1, 1), "end": today, "fmt": "csv"},
        prefix="report",
    )
    revoke_form = RevokeForm(request.POST if "revoke" in request.POST else None, prefix="revoke")
    if report_form.is_bound and report_form.is_valid():
        data = report_form.cleaned_data
        kind, start, end, fmt = data["kind"], data["start"], data["end"], data["fmt"]
        if kind == "activities":
            rows = reports.activity_rows(end.year)
        else:
            rows = reports.learner_rows(kind, start, end)
            reports.disclose_report(kind, start, end)
        audit_event_record(
            action="cme.report_downloaded",
            actor=request.user,
            data={"kind": kind, "start": start.isoformat(), "end": end.isoformat(), "format": fmt, "rows": len(rows)},
        )
        response = HttpResponse(
            reports.render(rows, fmt), content_type="application/json" if fmt == "json" else "text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-{start}-{end}.{fmt}"'
        return response
    if revoke_form.is_bound and revoke_form.is_valid():
        claim = Claim.objects.filter(certificate_id=revoke_form.cleaned_data["certificate"]).first()
        if claim is None:
            revoke_form.add_error("certificate", _("No certificate has this id."))
        else:
            claim_revoke(claim=claim, reason=revoke_form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("Certificate revoked; its verification page says so."))
            return redirect("cme:staff")
    activities = Activity.objects.select_related("course", "live_class").order_by("-created_at")
    return render(
        request,
        "cme/staff.html",
        {"report_form": report_form, "revoke_form": revoke_form, "activities": activities, "may": may},
    )


@permission_required("cme.export_evaluations")
@require_GET
def evaluations_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    audit_event_record(action="cme.evaluations_exported", actor=request.user, target=activity, data={"format": fmt})
    response = HttpResponse(
        reports.render(reports.evaluation_rows(activity), fmt),
        content_type="application/json" if fmt == "json" else "text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluations-activity-{activity.pk}.{fmt}"'
    return response
