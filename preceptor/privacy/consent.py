"""Purposes, the consent cookie, and what a request may load. Preceptor's own aggregate statistics need no
purpose; everything that could identify a visitor to a third party waits for an explicit grant."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

COOKIE = "preceptor_consent"
SALT = "preceptor.privacy.consent"
MAX_AGE = 60 * 60 * 24 * 180  # a refusal is remembered as long as an acceptance: six months

PURPOSES: dict[str, dict[str, Any]] = {
    "statistics_google": {
        "label": _("Google Analytics"),
        "description": _(
            "Counts visits and pages with Google Analytics 4. Google receives your IP address and browser "
            "details; we send no name or e-mail, only whether you are signed in."
        ),
        "setting": "GA_MEASUREMENT_ID",
        "cookies": ("_ga", "_gid"),
        "hosts": (
            "https://www.googletagmanager.com",
            "https://www.google-analytics.com",
            "https://*.google-analytics.com",
        ),
        "frames": (),  # GA4 measures with scripts, requests and pixels only
    },
    "statistics_hotjar": {
        "label": _("Hotjar"),
        "description": _(
            "Records how pages are used (clicks, scrolling) with keystrokes suppressed. Never on "
            "account, payment or data pages."
        ),
        "setting": "HOTJAR_SITE_ID",
        "cookies": ("_hj",),
        "hosts": ("https://*.hotjar.com", "https://*.hotjar.io", "wss://*.hotjar.com"),
        "frames": ("https://vars.hotjar.com",),  # the tracking code's storage frame
    },
    "marketing_google": {
        "label": _("Google Ads"),
        "description": _("Remarketing and conversion measurement with Google Ads."),
        "setting": "GOOGLE_ADS_ID",
        "cookies": ("_gcl_",),
        "hosts": (
            "https://www.googletagmanager.com",
            "https://www.googleadservices.com",
            "https://googleads.g.doubleclick.net",
            "https://www.google.com",
        ),
        # Remarketing frames (audience lists, Protected Audience) and the Google tag's conversion frame.
        "frames": ("https://td.doubleclick.net", "https://bid.g.doubleclick.net", "https://www.googletagmanager.com"),
        "marketing": True,
    },
    "marketing_meta": {
        "label": _("Meta Pixel"),
        "description": _("Remarketing and conversion measurement with Facebook and Instagram ads."),
        "setting": "META_PIXEL_ID",
        "cookies": ("_fbp",),
        "hosts": ("https://connect.facebook.net", "https://www.facebook.com"),
        "frames": (),  # the pixel sends requests and images, no frame
        "marketing": True,
    },
    "email_tracking": {
        "label": _("E-mail open and click tracking"),
        "description": _("Lets us see whether you opened our e-mails and which links you followed."),
        "setting": None,
        "cookies": (),
        "hosts": (),
        "frames": (),
    },
}
MARKETING = frozenset(name for name, p in PURPOSES.items() if p.get("marketing"))
HOTJAR_NEVER_ON = ("/accounts/", "/settings/", "/billing/", "/webhooks/", "/admin/", "/staff/")


def banner_version() -> str:
    """Changes whenever the purposes offered or their texts change (a tool configured or removed), so members
    are asked again: a choice covers only what was offered when it was made."""
    text = "|".join(f"{name}:{PURPOSES[name]['label']}:{PURPOSES[name]['description']}" for name in offered())
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def policy_version() -> str:
    from preceptor.privacy.selectors import current_policy

    policy = current_policy()
    return policy.version if policy else ""


@dataclass
class Consent:
    """What this request may load: decided (a valid, current choice exists) and the granted purposes."""

    decided: bool = False
    granted: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()
    record_id: str = ""
    gpc: bool = False
    signals: dict[str, str] = field(default_factory=dict)

    def allows(self, purpose: str) -> bool:
        return self.decided and purpose in self.granted


class ConsentHttpRequest(HttpRequest):
    """For type checkers: a request that ``ConsentMiddleware`` gave the visitor's choice as ``consent``."""

    consent: Consent


def of(request: HttpRequest) -> Consent:
    """The visitor's choice that ``ConsentMiddleware`` read into ``request.consent``."""
    # Django's HttpRequest declares no ``consent``: the middleware adds it to every request.
    return cast(ConsentHttpRequest, request).consent


def signals_of(request: HttpRequest) -> dict[str, str]:
    """The privacy signals the browser sent, as sent (read from META: ``request.headers`` would build a mapping of
    every header on each request; decision 0040)."""
    meta = request.META
    return {key: meta[name] for key, name in (("sec_gpc", "HTTP_SEC_GPC"), ("dnt", "HTTP_DNT")) if name in meta}


def read(request: HttpRequest) -> Consent:
    signals = signals_of(request)
    gpc = signals.get("sec_gpc") == "1" or signals.get("dnt") == "1"
    raw = request.COOKIES.get(COOKIE)
    if raw:
        try:
            data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
        except signing.BadSignature:
            data = None
        if data and data.get("p") == policy_version() and data.get("b") == banner_version():
            granted = frozenset(data.get("g", [])) & frozenset(PURPOSES)
            denied = frozenset(data.get("n", [])) & frozenset(PURPOSES)
            return Consent(
                decided=data.get("d", True),
                granted=granted,
                denied=denied,
                record_id=data.get("r", ""),
                gpc=gpc,
                signals=signals,
            )
    return Consent(gpc=gpc, signals=signals)


def write(
    response: HttpResponse, *, record_id: str, granted: frozenset[str], denied: frozenset[str], decided: bool = True
) -> None:
    """The choice, signed. ``decided=False`` keeps the banner up (a GPC signal refused marketing only)."""
    value = signing.dumps(
        {
            "r": record_id,
            "g": sorted(granted),
            "n": sorted(denied),
            "d": decided,
            "p": policy_version(),
            "b": banner_version(),
        },
        salt=SALT,
    )
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, secure=not settings.DEBUG, httponly=True, samesite="Lax")


def delete_tracker_cookies(request: HttpRequest, response: HttpResponse, denied: frozenset[str]) -> list[str]:
    """Withdrawal deletes that purpose's first-party cookies in the same response."""
    prefixes = [prefix for name in denied for prefix in PURPOSES[name]["cookies"]]
    deleted = [name for name in request.COOKIES if any(name.startswith(p) for p in prefixes)]
    for name in deleted:
        response.delete_cookie(name, path="/")
    return deleted


def configured(purpose: str) -> str:
    setting = PURPOSES[purpose]["setting"]
    return getattr(settings, setting, "") if setting else ""


def offered() -> list[str]:
    """The purposes a visitor is asked about: those whose tool this server has configured, and e-mail tracking
    (our own, always there). A purpose with nothing behind it is not offered, nor granted by "Accept all"."""
    return [name for name, p in PURPOSES.items() if p["setting"] is None or configured(name)]
