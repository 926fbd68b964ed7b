"""Single sign-on for organisations: a member who signs in through an organisation's own OpenID Connect or SAML
provider (an allauth app whose id the organisation names, ``Organisation.sso_provider``) with a verified address at
the organisation's domain takes a seat at once (``services.sso_seat_grant``). allauth's ``user_logged_in`` signal is the
one way in: it is sent after every sign-in, including the first, right after the sign-up form made the account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from preceptor.teams.services import sso_seat_grant


def seat_on_sign_in(sender: Any, request: HttpRequest, user: Any, sociallogin: Any = None, **kwargs: Any) -> None:
    if sociallogin is None:
        return
    vouched = [address.email for address in sociallogin.email_addresses if address.verified]
    membership = sso_seat_grant(user=user, provider_id=sociallogin.account.provider, addresses=vouched)
    if membership is not None and request is not None:
        messages.info(
            request,
            _("You hold a seat in %(name)s. Choose what its managers may see under Organisations.")
            % {"name": membership.organisation.name},
        )
