from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from preceptor.core.personal_data import (
    Audience,
    DataCategory,
    LegalBasis,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)
from preceptor.profiles.models import Profile

PROFILE_FIELDS = (
    "handle",
    "is_hidden",
    *(name for field in Profile.SHOWN_FIELDS for name in (field, f"{field}_visibility")),
    "avatar_source",
    "updated_at",
)

PERSONAL_DATA = [
    PersonalData(
        model=Profile,
        name=gettext_noop("Profiles"),
        fields=PROFILE_FIELDS,
        purpose=gettext_noop("Your profile page, showing each field only to the audience you chose."),
        purposes=(Purpose.PROFILE,),
        bases=(LegalBasis.CONSENT,),
        basis_note=gettext_noop("field by field; withdraw by changing a field's visibility"),
        categories=(DataCategory.PROFILE, DataCategory.IDENTITY, DataCategory.PROFESSIONAL),
        sources=(Source.MEMBER, Source.SIGN_IN_PROVIDER),
        rules=(UntilErasure(note=gettext_noop("or until you change or delete it")),),
        erasure="delete",
        audiences=(Audience.MEMBERS, Audience.PUBLIC),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    return {"profile": row(profile, PROFILE_FIELDS) if profile else None}


def export_files(user: Any) -> dict[str, bytes]:
    """The photo itself, beside its name in ``profiles.json`` (the export names it ``profiles/photo.jpg``)."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None or not profile.avatar:
        return {}
    try:
        with profile.avatar.open("rb") as photo:
            return {"photo.jpg": photo.read()}
    except FileNotFoundError:  # the name outlived its file (a restore without media): nothing to hand over
        return {}


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
