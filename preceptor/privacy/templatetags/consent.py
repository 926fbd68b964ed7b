"""The banner and the third-party tags: a tag is rendered only when configured and its purpose granted, and
the page's CSP then admits that tag's hosts (and only on that response)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from preceptor.core.middleware import csp_admit
from preceptor.privacy import consent

register = template.Library()


def _extend_csp(request: Any, purpose: dict[str, Any]) -> None:
    """The tag's hosts for its scripts, requests and pixels; in ``frame-src`` only what the tag frames (most frame
    nothing: the policy's ``'none'`` then stays)."""
    for directive in ("script-src", "connect-src", "img-src"):
        csp_admit(request, directive, purpose["hosts"])
    if purpose["frames"]:
        csp_admit(request, "frame-src", purpose["frames"])


@register.inclusion_tag("privacy/_tags.html", takes_context=True)
def consent_tags(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    state = getattr(request, "consent", None)
    tags: dict[str, str] = {}
    if request is not None and state is not None:
        for purpose in consent.PURPOSES:
            value = consent.configured(purpose)
            if not value or not state.allows(purpose):
                continue
            if purpose == "statistics_hotjar" and request.path.startswith(consent.HOTJAR_NEVER_ON):
                continue
            if purpose in consent.MARKETING and context.get("accredited_content"):
                continue  # no promotion on pages of accredited CME content
            tags[purpose] = value
            _extend_csp(request, consent.PURPOSES[purpose])
    user = context.get("user")
    return {
        "tags": tags,
        "signed_in": "yes" if getattr(user, "is_authenticated", False) else "no",
        "granted": sorted(state.granted) if state and state.decided else [],
    }


@register.inclusion_tag("privacy/_policy_notice.html", takes_context=True)
def policy_notice(context: dict[str, Any]) -> dict[str, Any]:
    """The notices a signed-in member must see on every page: a material policy change to acknowledge, and an
    account deletion that is waiting for its cool-off (with the way to keep the account)."""
    from preceptor.privacy.selectors import needs_acknowledgement, pending_erasure

    request = context.get("request")
    path = getattr(request, "path", "")
    return {
        "policy": needs_acknowledgement(context.get("user")),
        "erasure": pending_erasure(context.get("user")),
        "on_data_page": path == reverse("privacy:data"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("privacy/_banner.html", takes_context=True)
def consent_banner(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    state = getattr(request, "consent", None)
    # Asked only when this server actually uses a third-party tag; never on the preferences page itself.
    in_use = [p["label"] for name, p in consent.PURPOSES.items() if p["setting"] and consent.configured(name)]
    show = (
        bool(in_use)
        and request is not None
        and state is not None
        and not state.decided
        and not request.path.startswith("/privacy/cookies/")
    )
    return {
        "show": show,
        "in_use": in_use,
        "purposes": consent.PURPOSES,
        "request": request,
        "gpc": bool(state and state.gpc),
        "csrf_token": context.get("csrf_token"),
    }
