"""The banner and the third-party tags: a tag is rendered only when configured and its purpose granted, and
the page's CSP then admits that tag's hosts (and only on that response)."""

from __future__ import annotations

from typing import Any

from django import template

from preceptor.core.middleware import csp_admit
from preceptor.privacy import consent

register = template.Library()


def _extend_csp(request: Any, hosts: tuple[str, ...]) -> None:
    for directive in ("script-src", "connect-src", "img-src", "frame-src"):
        csp_admit(request, directive, hosts)


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
            _extend_csp(request, consent.PURPOSES[purpose]["hosts"])
    user = context.get("user")
    return {
        "tags": tags,
        "signed_in": "yes" if getattr(user, "is_authenticated", False) else "no",
        "granted": sorted(state.granted) if state and state.decided else [],
    }


@register.inclusion_tag("privacy/_policy_notice.html", takes_context=True)
def policy_notice(context: dict[str, Any]) -> dict[str, Any]:
    from preceptor.privacy.selectors import needs_acknowledgement

    request = context.get("request")
    return {
        "policy": needs_acknowledgement(context.get("user")),
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
