"""Where the apps above take part in an account's life (see ``core.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

from preceptor.core.hooks import Hook, Panel

if TYPE_CHECKING:
    from preceptor.accounts.models import User

account_created: Hook[[User], None] = Hook("accounts.account_created")
"""A new account exists (sign-up, staff or demo): called inside ``account_create``'s transaction, before the
trial-started event, so that what the member needs (a profile) is there when anything reacts to it."""

signed_up: Hook[[User, HttpRequest], None] = Hook("accounts.signed_up")
"""A visitor signed up through the form: called in the sign-up transaction with the request, so that what the
visitor decided before (their cookie consent) becomes the member's before anything reacts to the sign-up."""

account_panels: Hook[[User], Panel | None] = Hook("accounts.account_panels")
"""Parts of the member's account page that other apps own (the membership panel)."""

social_account_disconnected: Hook[[User, str], None] = Hook("accounts.social_account_disconnected")
"""The member disconnected a sign-in provider (``"facebook"``, ``"google"``, ``"openid_connect"``): what came from
it and is kept elsewhere goes too (the profile photo taken from Facebook, profiles)."""
