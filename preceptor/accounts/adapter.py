from __future__ import annotations

from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest

from preceptor.accounts import hooks
from preceptor.accounts.models import User
from preceptor.accounts.services import account_create
from preceptor.core.mail import email_queue
from preceptor.core.network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        data = form.cleaned_data
        with transaction.atomic():  # the visitor's consent is the member's before anything reacts to the sign-up
            user = account_create(
                user=user,
                email=data["email"],
                full_name=data["full_name"],
                password=data.get("password1"),
            )
            hooks.signed_up.call(user, request)
        return user

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
        site = SimpleNamespace(name="Preceptor", domain=urlsplit(settings.SITE_URL).hostname or "")
        message = self.render_mail(template_prefix, email, {"email": email, "current_site": site, **context})
        email_queue(message)
