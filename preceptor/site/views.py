from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from preceptor.accounts.models import User
from preceptor.catalog.selectors import courses_in_progress
from preceptor.classes.selectors import classes_booked
from preceptor.cme.selectors import learning_credit
from preceptor.cme.views import STAFF_PERMISSIONS as CME_STAFF_PERMISSIONS
from preceptor.core.health import dependencies_status
from preceptor.core.http import AuthenticatedHttpRequest, media_response, staff_may
from preceptor.core.pagecache import member_page
from preceptor.privacy.policy import published_policy_outdated
from preceptor.privacy.selectors import retention_status
from preceptor.teams.selectors import assignments_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


@require_GET
@member_page
def home(request: HttpRequest) -> HttpResponse:
    """The front page for visitors; "My learning" for a signed-in member (where signing in leads): courses in
    progress with each one's next step, classes booked, credits this year, certificates, credit ready to claim."""
    if not request.user.is_authenticated:
        return render(request, "site/home.html")
    user = request.user
    courses = courses_in_progress(user=user)
    context = {
        "courses": courses,
        # The page's main button: the next step of the course the member used last.
        "main_step": next((entry for entry in courses if entry.step is not None), None),
        "classes": classes_booked(user=user),
        "credit": learning_credit(user=user),
        "assignments": assignments_of(user, timezone.localdate()),
    }
    return render(request, "site/my_learning.html", context)


PUBLIC_MEDIA_FOLDERS = ("covers/", "questions/", "magazine/")


@require_GET
def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files that anyone may see (course covers, question images). Everything else under
    MEDIA_ROOT is served by views that check access (lesson media, handouts, profile photos)."""
    if not path.startswith(PUBLIC_MEDIA_FOLDERS) or path.endswith("/") or ".." in path.split("/"):
        raise Http404
    try:
        return media_response(request, path, cache_control="public, max-age=86400")
    except (OSError, ValueError):  # no such file, a folder (``/media/covers/``), or a name the file system refuses
        raise Http404 from None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the cache and the task broker, each "ok" or "down", within a few seconds even when one hangs
    (core/health.py). Without the database nothing works: "down" and 503, so the load balancer takes this instance
    out. Without the cache or the broker pages still serve (cache misses, tasks kept in the outbox): "degraded" and
    200, so that an outage of the shared Redis does not take every instance out at once (decision 0022)."""
    checks = dependencies_status()
    if checks["database"] != "ok":
        status, code = "down", 503
    elif any(value != "ok" for value in checks.values()):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body: dict = {"status": status, **checks}
    if checks["database"] == "ok":
        body["retention"] = retention_status()  # "overdue" when the daily jobs have not run for 48 hours
    return JsonResponse(body, status=code)


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
        "privacy:staff_legal",
        ("privacy.add_disclosure",),
        _("Legal requests"),
        _("Requests from authorities, approved by a second privacy officer."),
    ),
    (
        "cme:staff",
        CME_STAFF_PERMISSIONS,
        _("CME reports"),
        _("Joint-provider and EACCME® reports, PARS, activity figures."),
    ),
    (
        "billing:staff_transfers",
        ("billing.record_transfer",),
        _("Bank transfers"),
        _("Invoices paid by bank transfer: record the money received."),
    ),
    (
        "support:staff_queue",
        ("support.handle_ticket",),
        _("Support tickets"),
        _("Questions from members and visitors, replies by e-mail, first-response deadlines."),
    ),
    (
        "mail:staff_newsletters",
        ("mail.add_newsletter",),
        _("Newsletters"),
        _("Write, test, schedule and follow newsletters to the mailing lists."),
    ),
    (
        "magazine:moderation",
        ("magazine.moderate_comment",),
        _("Comment moderation"),
        _("Held and reported comments on magazine articles."),
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
    privacy_officer = staff_may(request.user, "privacy.view_processing_record", "privacy.add_policyversion")
    outdated = privacy_officer and published_policy_outdated()
    return render(request, "site/staff_index.html", {"pages": pages, "policy_outdated": outdated})


# --- The installable app (decision 0041) ----------------------------------------------------------------------
APP_ICONS = [
    ("site/icons/icon-192.png", "192x192", "any"),
    ("site/icons/icon-512.png", "512x512", "any"),
    ("site/icons/maskable-512.png", "512x512", "maskable"),
]


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    """What a phone needs to install Preceptor as an app: name, icons, colours, where it starts."""
    manifest = {
        "name": "Preceptor",
        "short_name": "Preceptor",
        "description": str(_("Online medical education with CME credit")),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("site:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0f5c6e",
        "icons": [
            {"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for src, sizes, purpose in APP_ICONS
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, at the root so that it may serve every page: it keeps the offline page, the stylesheet
    and the icons (nothing personal: they are fetched without cookies), and shows the offline page when a page
    cannot be reached. Its text changes when the stylesheet does, so phones take the new one."""
    shell = [
        reverse("site:offline"),
        reverse("site:offline_saved"),
        "/static/css/preceptor.css",
        "/static/site/offline.js",
        "/static/js/watch.js",
        *(static(src) for src, _s, _p in APP_ICONS),
    ]
    versioned = ("css/preceptor.css", "site/offline.js", "js/watch.js")
    version = "-".join(static(name).rsplit("/", 1)[-1] for name in versioned)
    config = {
        "cache": f"preceptor-shell-{version}",
        "shell": shell,
        "logout": reverse("account_logout"),
        # Lessons are saved only where the video comes from our address; with signed links to a bucket the worker
        # leaves media requests alone (a media element cannot play a redirected answer passed on by a worker).
        "lessons": settings.MEDIA_DELIVERY != "signed-url",
    }
    response = render(request, "site/sw.js", {"config": json.dumps(config)}, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"  # checked on every visit: a new version is found at once
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when the network is away. Self-contained (like the error pages): no member's
    name or menu, so the copy kept on the device holds nothing personal."""
    return render(request, "site/offline.html")


@require_GET
def offline_saved(request: HttpRequest) -> HttpResponse:
    """The lessons saved on this device, listed, played and removed by ``site/offline.js`` from Cache Storage. The
    page itself is the same for everyone (kept by the service worker, like the offline page)."""
    return render(request, "site/offline_saved.html")
