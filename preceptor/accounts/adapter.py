from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.http import HttpRequest

from preceptor.accounts import hooks
from preceptor.accounts.models import User
from preceptor.accounts.services import account_create
from preceptor.core.mail import email_queue


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

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        email_queue(message)
