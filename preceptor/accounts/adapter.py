from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import HttpRequest

from preceptor.accounts import hooks
from preceptor.accounts.models import User
from preceptor.accounts.services import account_create, account_language_set
from preceptor.core.mail import email_queue, email_render, email_subject
from preceptor.core.network import client_ip

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        data = form.cleaned_data
        with transaction.atomic():  # the visitor's consent is the member's before anything reacts to the sign-up
            user = account_create(
                user=user,
                email=data["email"],
                full_name=data["full_name"],
                password=data.get("password1"),
                time_zone=data.get("time_zone") or "UTC",
                language=getattr(request, "LANGUAGE_CODE", ""),  # the sign-up page's (LocaleMiddleware)
            )
            hooks.signed_up.call(user, request)
        return user

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """A member who never chose a language (an account older than ``User.language``) keeps the one they
        sign in with; ``MemberLanguageMiddleware`` shows the site in the saved one from then on."""
        super().login(request, user)
        language = getattr(request, "LANGUAGE_CODE", "")
        if isinstance(user, User) and not user.language and language:
            account_language_set(user=user, language=language)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address as rate limits and the request log see (``core.network.client_ip``): behind our
        proxy the client's, so failed sign-ins from a few addresses do not lock everyone out."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_account_already_exists_mail(self, email: str) -> None:
        """Sign-up with a taken address answers like any sign-up ("check your inbox"); the explanation goes to the
        address. An address whose account was erased is taken by its tombstone, and its mail says so."""
        from preceptor.accounts.privacy import tombstone_email

        if (
            not User.objects.filter(email__iexact=email).exists()
            and User.objects.filter(email=tombstone_email(email)).exists()
        ):
            self.send_mail("account/email/account_erased", email, {"support_email": settings.SUPPORT_EMAIL})
            return
        super().send_account_already_exists_mail(email)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # The name and domain the templates greet with; never the registrant's name (the address is unverified).
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).hostname or "")
        context = {"email": email, "current_site": site, **context}
        language = self._language_for(email, context)
        email_queue(self.render_mail(template_prefix, email, context, language=language))

    def _language_for(self, email: str, context: dict[str, Any]) -> str | None:
        """The language of the member the message is about (a notice about their password, a confirmation of
        their new address) or, failing that, of the account the address belongs to ("someone tried to sign up
        with your address"): theirs, not the visitor's. None (the active language) for an unknown address."""
        user = context.get("user")
        if isinstance(user, User):
            return user.language or None
        language = User.objects.filter(email__iexact=email).values_list("language", flat=True).first()
        return language or None

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
        language: str | None = None,
    ) -> EmailMessage:
        """allauth's messages are built like all of ours (``core.mail.email_render``): the site's name in the
        subject, a plain-text and a branded HTML part, in ``language`` (default: the active one, the visitor's)."""
        return email_render(
            template_prefix=template_prefix, to=email, context=context, headers=headers, language=language
        )

    def format_email_subject(self, subject: str) -> str:
        return email_subject(subject)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in with Facebook, Google or an institution (settings ``SOCIALACCOUNT_*``, decision 0036).

    A new member always fills in the sign-up form (``SOCIALACCOUNT_AUTO_SIGNUP`` off): the age check and the notice
    of what becomes visible come before the account exists; ``AccountAdapter.save_user`` then creates it like any
    other. An address that already has an account is never signed in or connected by a provider (allauth's safe
    defaults: no e-mail authentication, and with ``ACCOUNT_PREVENT_ENUMERATION`` the owner gets an e-mail instead).
    """

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        user.full_name = " ".join(str(name or "").split())[:150]
        return user

    def get_signup_form_initial_data(self, sociallogin: SocialLogin) -> dict[str, Any]:
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["full_name"] = getattr(sociallogin.user, "full_name", "")
        return initial

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: BaseException | None = None,
        extra_context: dict[str, Any] | None = None,
    ) -> None:
        """Logged without the exception's text: a failed Graph API call names its address, access token included."""
        logger.warning(
            "Sign-in with %s failed: %s (%s)",
            getattr(provider, "id", provider),
            error,
            type(exception).__name__ if exception else "no exception",
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)
