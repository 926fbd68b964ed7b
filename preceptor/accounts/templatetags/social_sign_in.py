"""``{% sign_in_buttons process="login" as buttons %}``: the configured sign-in providers' buttons (accounts.social)."""

from __future__ import annotations

from typing import Any

from django import template

from preceptor.accounts.social import SignInButton, provider_admit, sign_in_buttons

register = template.Library()


@register.simple_tag(takes_context=True, name="sign_in_buttons")
def sign_in_buttons_tag(
    context: template.Context, process: str = "login", next_url: str = "", only: str = ""
) -> list[SignInButton]:
    request = context.get("request")
    if request is None:
        return []
    return sign_in_buttons(request, process=process, next_url=next_url, only=only)


@register.simple_tag(takes_context=True)
def admit_provider(context: template.Context, provider: Any) -> str:
    """On allauth's "continue to the provider" page: the form's redirect to the provider is allowed."""
    request = context.get("request")
    if request is not None and provider is not None:
        provider_admit(request, provider)
    return ""
