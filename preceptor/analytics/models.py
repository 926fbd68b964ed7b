from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestLog(models.Model):
    """Web-server log data ("log data" in the policy): kept a year to diagnose problems. The full IP is kept
    7 days, then truncated (IPv4 /24, IPv6 /48)."""

    created_at = models.DateTimeField(db_index=True)
    request_id = models.CharField(max_length=32)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField()
    bytes = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)
    referrer_host = models.CharField(max_length=200, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    browser = models.CharField(max_length=40, blank=True)
    browser_version = models.CharField(max_length=10, blank=True)
    os = models.CharField(max_length=40, blank=True)
    device = models.CharField(max_length=10, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    ip_truncated = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip_truncated", "created_at"])]
        permissions = [("search_request_log", _("Search the request log (paths, IP addresses, browsers)"))]


class DailySalt(models.Model):
    """A random salt per day for visitor keys; destroyed within 48 hours so two days cannot be linked."""

    day = models.DateField(unique=True)
    salt = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class PageviewEvent(models.Model):
    """A counted pageview, with no IP, no full user agent and no identifier but the day's visitor key."""

    day = models.DateField(db_index=True)
    visitor = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    country = models.CharField(max_length=2, blank=True)
    browser = models.CharField(max_length=40, blank=True)
    os = models.CharField(max_length=40, blank=True)
    device = models.CharField(max_length=10, blank=True)
    referrer_host = models.CharField(max_length=200, blank=True)


class DailyStat(models.Model):
    """Aggregates kept 25 months: (day, metric, key) → count. Metrics: visitors, pageviews, page, country,
    browser, os, device, referrer, download, goal, bots."""

    day = models.DateField()
    metric = models.CharField(max_length=12)
    key = models.CharField(max_length=300, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "metric", "key"], name="analytics_stat_once")]
        indexes = [models.Index(fields=["metric", "day"])]
        permissions = [("view_statistics", _("View the aggregate visitor statistics"))]
