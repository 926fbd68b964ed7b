from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from preceptor.accounts.models import User
from preceptor.catalog.selectors import continue_learning
from preceptor.cme.views import STAFF_PERMISSIONS as CME_STAFF_PERMISSIONS
from preceptor.core.http import AuthenticatedHttpRequest, ranged_file_response, staff_may
from preceptor.privacy.selectors import retention_status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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
    if not path.startswith(PUBLIC_MEDIA_FOLDERS) or path.endswith("/") or ".." in path.split("/"):
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
    except (OSError, ValueError):  # no such file, a folder (``/media/covers/``), or a name the file system refuses
        raise Http404 from None
    return ranged_file_response(
        request,
        handle,
        size=handle.size,
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
    # (URL name, the permissions that open it (any one; none: any permission at all), title, what it is for).
    (
        "analytics:statistics",
        ("analytics.view_statistics",),
        _("Visitor statistics"),
        _("Cookieless, aggregate visits, pages and goals."),
    ),
    (
        "analytics:request_log",
        ("analytics.search_request_log",),
        _("Request log"),
        _("Search the web-server log of the last 365 days."),
    ),
    (
        "privacy:staff_record",
        ("privacy.view_processing_record",),
        _("Record of processing"),
        _("What personal data we hold, why, and for how long."),
    ),
    (
        "privacy:staff_requests",
        ("privacy.manage_data_requests",),
        _("Data requests"),
        _("Exports, erasures and their deadlines."),
    ),
    (
        "cme:staff",
        CME_STAFF_PERMISSIONS,
        _("CME reports"),
        _("Joint-provider and EACCME® reports, PARS, activity figures."),
    ),
    ("admin:index", (), _("Administration"), _("Courses, classes, accreditations, members and roles.")),
)


def staff_pages(user: User) -> list[tuple[str, StrOrPromise, StrOrPromise]]:
    """The back-office pages ``user`` may open: their role's pages, and the admin if it shows them anything."""
    admin_shows_something = user.is_active and user.is_staff and bool(user.get_all_permissions())
    return [
        (reverse(name), title, text)
        for name, perms, title, text in STAFF_PAGES
        if (staff_may(user, *perms) if perms else admin_shows_something)
    ]


@login_required
@require_GET
def staff_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The pages this staff member's roles open; 403 for an account that may open none of them."""
    pages = staff_pages(request.user)
    if not pages:
        raise PermissionDenied
    return render(request, "site/staff_index.html", {"pages": pages})
