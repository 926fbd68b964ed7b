from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from preceptor.billing.selectors import membership_for
from preceptor.catalog.models import LessonProgress
from preceptor.cme import reports
from preceptor.cme.certificates import certificate_pdf, transcript_pdf
from preceptor.cme.credits import minutes_to_credits
from preceptor.cme.forms import AmendForm, ClaimForm, EvaluationForm, IdentityForm, RangeForm, ReportForm, RevokeForm
from preceptor.cme.models import Activity, Claim, CreditType, EvaluationResponse, LearnerIdentity
from preceptor.cme.selectors import statements, transcript_claims, transcript_rows, transcript_totals
from preceptor.cme.services import (
    ClaimRefused,
    attended_minutes,
    claim_amend,
    claim_credit,
    claim_revoke,
    credit_types_for,
    evaluation_defaults,
    evaluation_submit,
    pars_consent_set,
    unmet,
)


def _recorded_minutes(user, activity: Activity) -> int:
    """Learning time on record: attendance for a live class, completed lessons for a course."""
    if not activity.course_id:
        return attended_minutes(user, activity)
    done = LessonProgress.objects.filter(user=user, lesson__course=activity.course, completed_at__isnull=False)
    return done.aggregate(total=Sum("lesson__minutes"))["total"] or 0


HONORIFICS = {"dr", "prof", "mr", "mrs", "ms", "mx"}


def _identity_form(request: HttpRequest, identity: LearnerIdentity | None, *, bound: bool) -> IdentityForm:
    if identity is None:
        words = [w for w in request.user.full_name.split() if w.rstrip(".").lower() not in HONORIFICS]
        first, last = " ".join(words[:-1]), " ".join(words[-1:])
        identity = LearnerIdentity(user=request.user, first_name=first, last_name=last)
    return IdentityForm(request.POST if bound else None, instance=identity, prefix="identity")


@login_required
@require_http_methods(["GET", "POST"])
def claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(
        Activity.objects.select_related("course", "live_class", "accredited_provider"), pk=pk, is_published=True
    )
    user = request.user
    pro = membership_for(user).is_pro
    questions = evaluation_defaults(activity)
    evaluation = EvaluationResponse.objects.filter(user=user, activity=activity).first()
    identity = LearnerIdentity.objects.filter(user=user).first()
    claims = list(Claim.objects.filter(user=user, activity=activity).order_by("credit_type"))
    active_claims = [c for c in claims if not c.is_revoked]
    recorded = _recorded_minutes(user, activity)
    default_credits = min(minutes_to_credits(recorded), activity.max_credits) if recorded else None
    evaluation_form = EvaluationForm(questions=questions, prefix="evaluation")
    identity_form = _identity_form(request, identity, bound=request.method == "POST" and "identity" in request.POST)
    claim_form = ClaimForm(
        activity=activity, recorded_minutes=recorded, initial={"credits": default_credits}, prefix="claim"
    )
    if request.method == "POST":
        if not pro:
            messages.error(request, _("Claiming credit needs an active Pro membership."))
            return redirect("billing:pricing")
        if "evaluation" in request.POST and evaluation is None:
            evaluation_form = EvaluationForm(request.POST, questions=questions, prefix="evaluation")
            if evaluation_form.is_valid():
                evaluation_submit(user=user, activity=activity, answers=evaluation_form.answers())
                messages.success(request, _("Thank you: your evaluation is recorded."))
                return redirect(request.path + "#claim")
        elif "identity" in request.POST and not active_claims:
            claim_form = ClaimForm(request.POST, activity=activity, recorded_minutes=recorded, prefix="claim")
            if identity_form.is_valid() and claim_form.is_valid():
                saved = identity_form.save()
                pars_consent_set(identity=saved, consent=identity_form.cleaned_data["pars_consent"])
                try:
                    claim_credit(user=user, activity=activity, credits=claim_form.cleaned_data["credits"])
                except ClaimRefused as refused:
                    for message in refused.messages:
                        claim_form.add_error(None, message)
                except ValidationError as error:
                    claim_form.add_error("credits", error)
                else:
                    messages.success(request, _("Your certificate is ready."))
                    return redirect(activity.get_absolute_url())
    checks = {t: unmet(user, activity, t) for t in credit_types_for(user, activity)}
    failed = {c.requirement: c for failed_checks in checks.values() for c in failed_checks}
    return render(
        request,
        "cme/claim.html",
        {
            "activity": activity,
            "statements": statements(activity),
            "pro": pro,
            "evaluation": evaluation,
            "evaluation_form": evaluation_form,
            "identity_form": identity_form,
            "claim_form": claim_form,
            "claims": claims,
            "active_claims": active_claims,
            "failed": failed,
            "blocking": [c for r, c in failed.items() if r != "evaluation"],
            "credit_types": [CreditType(t).label for t in credit_types_for(user, activity)],
            "amend_form": AmendForm(prefix="amend"),
            "recorded": recorded,
        },
    )


def _own_claim(request: HttpRequest, certificate_id) -> Claim:
    claim = Claim.objects.filter(certificate_id=certificate_id).select_related("activity__course").first()
    if claim is None or (claim.user_id != request.user.pk and not request.user.is_staff):
        raise Http404
    return claim


@login_required
@require_POST
def amend_view(request: HttpRequest, certificate_id) -> HttpResponse:
    claim = _own_claim(request, certificate_id)
    if claim.user_id != request.user.pk:
        raise Http404
    if not membership_for(request.user).is_pro:
        messages.error(request, _("Changing a claim needs an active Pro membership."))
        return redirect("billing:pricing")
    form = AmendForm(request.POST, prefix="amend")
    if form.is_valid():
        try:
            claim_amend(claim=claim, credits=form.cleaned_data["credits"], actor=request.user)
        except (ClaimRefused, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Your claim is corrected; the certificate keeps its id."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(claim.activity.get_absolute_url())


@login_required
@require_GET
def certificate_download(request: HttpRequest, certificate_id) -> HttpResponse:
    """The PDF, for its owner with an active membership (requirement 36) or staff."""
    claim = _own_claim(request, certificate_id)
    if not request.user.is_staff and not membership_for(request.user).is_pro:
        messages.error(
            request,
            _(
                "Downloading certificates needs an active Pro membership. Your certificates stay verifiable at their "
                "public address."
            ),
        )
        return redirect("cme:transcript")
    response = HttpResponse(certificate_pdf(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{claim.certificate_id}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify_view(request: HttpRequest, certificate_id) -> HttpResponse:
    """Public: name, activity, date and credits of a certificate, or that it was revoked (requirement 17)."""
    claim = get_object_or_404(
        Claim.objects.select_related("activity__course", "activity__accredited_provider"), certificate_id=certificate_id
    )
    response = render(
        request,
        "cme/verify.html",
        {"claim": claim, "activity": claim.activity, "statements": statements(claim.activity)},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def transcript_view(request: HttpRequest) -> HttpResponse:
    form = RangeForm(request.GET or None)
    start = end = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    claims = list(transcript_claims(request.user, start=start, end=end))
    rows = transcript_rows(claims)
    totals = transcript_totals(claims)
    fmt = request.GET.get("format")
    period = f"{start or '…'} – {end or timezone.localdate()}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cme-transcript.csv"'
        writer = csv.writer(response)
        columns = ["completed", "title", "format", "credit_label", "credits", "provider", "status", "url"]
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns])
        return response
    if fmt == "pdf":
        name = LearnerIdentity.objects.filter(user=request.user).first()
        pdf = transcript_pdf(
            name=name.full_name if name else request.user.full_name,
            rows=[r for r in rows if r["status"] == "valid"],
            totals=totals.by_year,
            period=period,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="cme-transcript.pdf"'
        return response
    return render(
        request,
        "cme/transcript.html",
        {"form": form, "rows": rows, "totals": totals, "query": request.GET.urlencode(), "claims": claims},
    )


@login_required
@require_http_methods(["GET", "POST"])
def identity_view(request: HttpRequest) -> HttpResponse:
    identity = LearnerIdentity.objects.filter(user=request.user).first()
    form = _identity_form(request, identity, bound=request.method == "POST")
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        pars_consent_set(identity=saved, consent=form.cleaned_data["pars_consent"])
        messages.success(request, _("Saved."))
        return redirect("cme:identity")
    return render(request, "cme/identity.html", {"form": form, "identity": identity})


# --- staff ------------------------------------------------------------------------------------------------


@staff_member_required
@require_http_methods(["GET", "POST"])
def staff_view(request: HttpRequest) -> HttpResponse:
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
        request, "cme/staff.html", {"report_form": report_form, "revoke_form": revoke_form, "activities": activities}
    )


@staff_member_required
@require_GET
def evaluations_export(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    response = HttpResponse(
        reports.render(reports.evaluation_rows(activity), fmt),
        content_type="application/json" if fmt == "json" else "text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="evaluations-activity-{activity.pk}.{fmt}"'
    return response
