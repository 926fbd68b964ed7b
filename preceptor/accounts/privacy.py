from __future__ import annotations

import hashlib
import hmac
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction

from preceptor.accounts.models import User
from preceptor.core.personal_data import PersonalData, row

ACCOUNT_FIELDS = (
    "email",
    "full_name",
    "phone",
    "date_joined",
    "last_login",
    "age_verified_at",
    "trial_ends_at",
    "complimentary_pro_until",
    "is_teacher",
)

PERSONAL_DATA = [
    PersonalData(
        model=User,
        fields=ACCOUNT_FIELDS,
        purpose="Your account: signing in, trial and membership, contacting you, certificates in your name.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account; on erasure the row becomes a tombstone with no name or address.",
        erasure="pseudonymise",
        recipients=(
            "Preceptor staff",
            "E-mail delivery provider (processor)",
            "Hosting provider (processor)",
        ),
    ),
    PersonalData(
        model=EmailAddress,
        fields=("email", "verified", "primary"),
        purpose="Verifying that you own your e-mail address.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account.",
        erasure="delete",
        recipients=("E-mail delivery provider (processor)",),
    ),
    PersonalData(
        model=Authenticator,
        fields=("type", "data", "created_at", "last_used_at"),
        purpose="Two-factor sign-in: your authenticator app's secret and your recovery codes, when you turn it on.",
        legal_basis="Contract (GDPR art. 6(1)(b)); for staff, security of processing (GDPR art. 32)",
        retention="Until you turn two-factor sign-in off, or the life of the account.",
        erasure="delete",
        recipients=("Hosting provider (processor)",),
    ),
]
AUTHENTICATOR_FIELDS = ("type", "created_at", "last_used_at")  # never the secret or the codes


def tombstone_email(email: str) -> str:
    """A salted hash of the address: blocks quiet re-use of an erased account's address, reveals nothing."""
    digest = hmac.new(settings.SECRET_KEY.encode(), email.lower().encode(), hashlib.sha256).hexdigest()[:32]
    return f"erased-{digest}@invalid"


def export_user(user: Any) -> dict[str, Any]:
    return {
        "account": row(user, ACCOUNT_FIELDS),
        "email_addresses": [
            row(address, ("email", "verified", "primary")) for address in EmailAddress.objects.filter(user=user)
        ],
        "authenticators": [
            row(authenticator, AUTHENTICATOR_FIELDS) for authenticator in Authenticator.objects.filter(user=user)
        ],
    }


@transaction.atomic
def erase_user(user: Any) -> list[str]:
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = tombstone_email(user.email)
    user.full_name = "Erased member"
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return []
