from __future__ import annotations

from typing import Any

from django.db import transaction

from preceptor.core.personal_data import PersonalData, row
from preceptor.profiles.models import Profile

PROFILE_FIELDS = (
    "handle",
    "is_hidden",
    *(name for field in Profile.SHOWN_FIELDS for name in (field, f"{field}_visibility")),
    "updated_at",
)

PERSONAL_DATA = [
    PersonalData(
        model=Profile,
        fields=PROFILE_FIELDS,
        purpose="Your profile page, showing each field only to the audience you chose.",
        legal_basis="Consent, field by field (GDPR art. 6(1)(a)); withdraw by changing a field's visibility",
        retention="Until you change or delete it, or erase your account.",
        erasure="delete",
        recipients=("Visitors and members, for the fields you made visible",),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    return {"profile": row(profile, PROFILE_FIELDS) if profile else None}


@transaction.atomic
def erase_user(user: Any) -> list[str]:
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if profile.avatar:
            avatar = profile.avatar.name
            storage = profile.avatar.storage
            transaction.on_commit(lambda: storage.delete(avatar))
        profile.delete()
    return []
