"""Back office: visitor statistics (charts and CSV) and a search of the request log."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.analytics.models import RequestLog
from preceptor.analytics.selectors import statistics
from preceptor.core.csv import csv_response
from preceptor.core.http import AuthenticatedHttpRequest, permission_required
from preceptor.core.services import audit_event_record
from preceptor.privacy.selectors import retention_status


class RangeForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start must not be after the end."))
        if start and end and (end - start).days > 800:
            raise forms.ValidationError(_("Choose at most 800 days (aggregates are kept 25 months)."))
        return cleaned


def _range(request: HttpRequest) -> tuple[RangeForm, date, date]:
    today = timezone.localdate()
    form = RangeForm(request.GET or {"start": today - timedelta(days=29), "end": today})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, today - timedelta(days=29), today


@permission_required("analytics.view_statistics")
def statistics_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, start, end = _range(request)
    data = statistics(start=start, end=end)
    if request.GET.get("format") == "csv":
        response, writer = csv_response(f"statistics-{start}-{end}.csv")
        writer.writerow(["day", "unique visitors", "pageviews", "bot requests"])
        for day, visitors, pageviews, bots in data["rows"]:
            writer.writerow([day.isoformat(), visitors, pageviews, bots])
        return response
    chart = {
        "labels": [d.isoformat() for d in data["days"]],
        "visitors": data["visitors"],
        "pageviews": data["pageviews"],
    }
    return render(
        request,
        "analytics/statistics.html",
        {
            "form": form,
            "data": data,
            "chart": chart,
            "retention": retention_status(),
        },
    )


@permission_required("analytics.search_request_log")
def request_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find requests to diagnose a problem: by path, status, request id or IP (full IPs only for 7 days)."""
    rows = RequestLog.objects.order_by("-created_at")
    query = request.GET.get("q", "").strip()[:200]
    if query:
        if query.isdigit() and len(query) == 3:
            rows = rows.filter(status=int(query))
        elif query.startswith("/"):
            rows = rows.filter(path__startswith=query)
        elif len(query) == 16 and all(c in "0123456789abcdef" for c in query):
            rows = rows.filter(request_id=query)
        else:
            rows = rows.filter(ip=query) if _is_ip(query) else rows.filter(user_agent__icontains=query)
    shown = list(rows[:200])
    # The log holds IP addresses and members' paths: every search is on the record, with what it looked for.
    audit_event_record(
        action="analytics.request_log_searched", actor=request.user, data={"query": query, "rows": len(shown)}
    )
    return render(request, "analytics/request_log.html", {"rows": shown, "query": query})


def _is_ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
