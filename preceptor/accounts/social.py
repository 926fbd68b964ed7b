"""Sign-in with Facebook, Google, an institution's OpenID Connect server, or an organisation's OpenID Connect or
SAML provider (allauth.socialaccount; organisations' apps are added in the admin, decision 0042).

A provider is on when its client id and secret are in the environment (``config.env.social_providers``). Its button
is a form that POSTs to allauth's login view, which answers with a redirect to the provider: the page that carries
the form admits the provider's sign-in origin in its ``form-action`` (Chromium checks a form's redirects too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base import Provider
from django.http import HttpRequest

from preceptor.accounts import hooks
from preceptor.core.middleware import csp_admit


@dataclass(frozen=True)
class SignInButton:
    id: str  # allauth's provider id: "facebook", "google", or the OpenID Connect app's id ("institution")
    name: str  # as the member knows it: "Facebook", "Google", the institution's name
    login_url: str  # allauth's login view (POST)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def authorization_origin(provider: Provider) -> str:
    """Where the provider's sign-in page lives (the login view redirects there). For OpenID Connect the discovery
    document names it; reading it would cost a request per page, so the server's own origin is used: an institution
    whose sign-in page lives elsewhere sets the discovery address on that host."""
    if provider.id == "openid_connect":
        return _origin(str(provider.app.settings.get("server_url", "")))
    if provider.id == "saml":  # an organisation's identity provider (teams): its single sign-on address
        return _origin(str((provider.app.settings.get("idp") or {}).get("sso_url", "")))
    adapter_class = getattr(provider, "oauth2_adapter_class", None)
    return _origin(str(getattr(adapter_class, "authorize_url", "") or ""))


def sign_in_buttons(
    request: HttpRequest, *, process: str = "login", next_url: str = "", only: str = ""
) -> list[SignInButton]:
    """A button per configured provider (none when no provider is configured; ``only`` keeps one provider's); admits
    their origins in the response's ``form-action``."""
    buttons = []
    origins = []
    next_url = next_url or request.GET.get("next", "")  # allauth checks it is ours when it follows it
    for provider in get_adapter().list_providers(request):
        if only and provider.id != only:
            continue
        params: dict[str, Any] = {"process": process}
        if next_url:
            params["next"] = next_url
        buttons.append(
            SignInButton(id=provider.sub_id, name=provider.name, login_url=provider.get_login_url(request, **params))
        )
        if origin := authorization_origin(provider):
            origins.append(origin)
    if origins:
        csp_admit(request, "form-action", origins)
    return buttons


def provider_admit(request: HttpRequest, provider: Provider) -> None:
    """Admit one provider's origin (allauth's "continue to the provider" page posts to its login view)."""
    if origin := authorization_origin(provider):
        csp_admit(request, "form-action", [origin])


def social_account_removed(sender: Any, request: HttpRequest, socialaccount: SocialAccount, **kwargs: Any) -> None:
    """allauth's ``social_account_removed`` signal: the apps above learn through ``hooks.social_account_disconnected``
    (the profile drops a photo that came from the provider)."""
    hooks.social_account_disconnected.call(socialaccount.user, socialaccount.provider)
