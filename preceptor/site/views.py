from __future__ import annotations

import logging

from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from preceptor.catalog.selectors import continue_learning
from preceptor.core.http import AuthenticatedHttpRequest, ranged_file_response
from preceptor.privacy.selectors import retention_status

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_authenticated:
        context["continue_learning"] = continue_learning(user=request.user)
    return render(request, "site/home.html", context)


PUBLIC_MEDIA_FOLDERS = ("covers/", "questions/")


@require_GET
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files that anyone may see (course covers, question images). Everything else under
    MEDIA_ROOT is served by views that check access (lesson media, handouts, profile photos)."""
    if not path.startswith(PUBLIC_MEDIA_FOLDERS) or ".." in path.split("/"):
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    return ranged_file_response(
        request,
        default_storage.open(path, "rb"),
        size=default_storage.size(path),
        filename=path.rsplit("/", 1)[-1],
        cache_control="public, max-age=86400",
    )


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    return render(request, "site/support.html")


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database check failed")
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status()}
    healthy = all(value == "ok" for value in checks.values())
    body: dict = {"status": "ok" if healthy else "down", **checks}
    if healthy:
        body["retention"] = retention_status()  # "overdue" when the daily jobs have not run for 48 hours
    return JsonResponse(body, status=200 if healthy else 503)


STAFF_PAGES = (
    # (URL name, title, what it is for); staff see the pages their account may open.
    ("analytics:statistics", _("Visitor statistics"), _("Cookieless, aggregate visits, pages and goals.")),
    ("analytics:request_log", _("Request log"), _("Search the web-server log of the last 365 days.")),
    ("privacy:staff_record", _("Record of processing"), _("What personal data we hold, why, and for how long.")),
    ("privacy:staff_requests", _("Data requests"), _("Exports, erasures and their deadlines.")),
    ("cme:staff", _("CME reports"), _("Joint-provider and EACCME® reports, PARS, activity figures.")),
    ("admin:index", _("Administration"), _("Courses, classes, accreditations, members and roles.")),
)


@staff_member_required
@require_GET
def staff_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    pages = [(reverse(name), title, text) for name, title, text in STAFF_PAGES]
    return render(request, "site/staff_index.html", {"pages": pages})
