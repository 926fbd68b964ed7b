"""The admin, branded with the site's name and its index grouped by what staff look after: learning content, CME,
members, money, privacy and records. ``INSTALLED_APPS`` names :class:`PreceptorAdminConfig` in place of
``django.contrib.admin``; every app still registers its models on ``admin.site``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# App label → its heading on the admin index, in the order shown. Apps not listed follow, as Django orders them.
SECTIONS = {
    "catalog": _("Learning · Courses and lessons"),
    "quizzes": _("Learning · Quizzes and post-tests"),
    "classes": _("Learning · Live classes and teachers"),
    "cme": _("CME · Accreditation, claims and certificates"),
    "accounts": _("Members · Accounts"),
    "profiles": _("Members · Profiles"),
    "account": _("Members · E-mail addresses"),
    "mfa": _("Members · Two-factor authentication"),
    "auth": _("Staff · Roles"),
    "billing": _("Money · Prices, subscriptions and receipts"),
    "privacy": _("Privacy · Consent, policies and data requests"),
    "core": _("Records · Audit log"),
}


class PreceptorAdminSite(admin.AdminSite):
    @property
    def site_header(self) -> str:  # type: ignore[override]  # a property where AdminSite has an attribute
        return _("%(site)s administration") % {"site": settings.SITE_NAME}

    site_title = site_header
    index_title = site_header

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        order = list(SECTIONS)
        for app in apps:
            app["name"] = SECTIONS.get(app["app_label"], app["name"])
        return sorted(apps, key=lambda app: order.index(app["app_label"]) if app["app_label"] in order else len(order))


class PreceptorAdminConfig(AdminConfig):
    default_site = "preceptor.core.admin_site.PreceptorAdminSite"
