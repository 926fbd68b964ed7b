from __future__ import annotations

import hashlib
import hmac
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_noop

from preceptor.accounts.models import User
from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    Export,
    LegalBasis,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)

ACCOUNT_FIELDS = (
    "email",
    "full_name",
    "phone",
    "language",
    "date_joined",
    "last_login",
    "age_verified_at",
    "trial_ends_at",
    "complimentary_pro_until",
    "is_teacher",
    "counted_in_statistics",
)

SOCIAL_ACCOUNT_FIELDS = ("provider", "uid", "extra_data", "date_joined", "last_login")

PERSONAL_DATA = [
    PersonalData(
        model=User,
        name=gettext_noop("Member accounts"),
        fields=ACCOUNT_FIELDS,
        purpose=gettext_noop(
            "Your account: signing in, trial and membership, contacting you, certificates in your name."
        ),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.ACCOUNT),
        sources=(Source.MEMBER, Source.OBSERVED),
        rules=(UntilErasure(note=gettext_noop("then the row becomes a tombstone with no name or address")),),
        erasure="pseudonymise",
        processors=("email", "hosting"),
        audiences=(Audience.STAFF,),
    ),
    PersonalData(
        model=EmailAddress,
        name=gettext_noop("E-mail addresses"),
        fields=("email", "verified", "primary"),
        purpose=gettext_noop("Verifying that you own your e-mail address."),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.CONTACT,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
        erasure="delete",
        processors=("email",),
    ),
    PersonalData(
        model=Authenticator,
        name=gettext_noop("Two-factor sign-in methods"),
        fields=("type", "data", "created_at", "last_used_at"),
        purpose=gettext_noop(
            "Two-factor sign-in: your authenticator app's secret and your recovery codes, when you turn it on."
        ),
        purposes=(Purpose.SECURITY,),
        bases=(LegalBasis.CONTRACT,),
        basis_note=gettext_noop("for staff, security of processing (GDPR art. 32)"),
        categories=(DataCategory.CREDENTIALS,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(note=gettext_noop("or until you turn two-factor sign-in off")),),
        erasure="delete",
        export=Export.SUMMARY,
        processors=("hosting",),
    ),
    PersonalData(
        model=SocialAccount,
        name=gettext_noop("Connected sign-in accounts"),
        fields=SOCIAL_ACCOUNT_FIELDS,
        purpose=gettext_noop(
            "Signing in with Facebook, Google or your institution, if you connect one: which account there is yours, "
            "and what it sent us when you signed in (your name, e-mail address and, from Facebook, the address of "
            "your profile picture)."
        ),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.IDENTITY, DataCategory.CONTACT, DataCategory.ACCOUNT),
        sources=(Source.SIGN_IN_PROVIDER,),
        rules=(UntilErasure(note=gettext_noop("or until you disconnect the account")),),
        erasure="delete",
        processors=("facebook_login", "google_sign_in", "institution_sign_in", "hosting"),
    ),
    PersonalData(
        model=SocialToken,
        name=gettext_noop("Access tokens of connected accounts"),
        fields=("token", "token_secret", "expires_at"),
        purpose=gettext_noop(
            "None are kept: the token a sign-in service gives us is used once, while you sign in, and not stored."
        ),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.CREDENTIALS,),
        sources=(Source.SIGN_IN_PROVIDER,),
        rules=(UntilErasure(note=gettext_noop("not stored at all unless the operator turns token storage on")),),
        erasure="delete",
        export=Export.SUMMARY,
        processors=("hosting",),
    ),
]
AUTHENTICATOR_FIELDS = ("type", "created_at", "last_used_at")  # never the secret or the codes
SOCIAL_TOKEN_FIELDS = ("expires_at",)  # never the token itself


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
        "connected_accounts": [
            {
                **row(account, SOCIAL_ACCOUNT_FIELDS),
                "tokens": [row(token, SOCIAL_TOKEN_FIELDS) for token in SocialToken.objects.filter(account=account)],
            }
            for account in SocialAccount.objects.filter(user=user).order_by("date_joined")
        ],
    }


@transaction.atomic
def erase_user(user: Any) -> list[str]:
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # and their tokens (cascade), were any stored
    user.email = tombstone_email(user.email)
    user.full_name = "Erased member"
    user.phone = ""
    user.language = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return []
