from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create
from preceptor.core.mail import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form: Any, commit: bool = True) -> User:
        data = form.cleaned_data
        return account_create(
            user=user,
            email=data["email"],
            full_name=data["full_name"],
            password=data.get("password1"),
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        email_queue(message)
