from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record
from preceptor.profiles.models import Profile
from preceptor.profiles.selectors import handle_suggest


@transaction.atomic
def profile_create(*, user: User) -> Profile:
    return Profile.objects.create(user=user, handle=handle_suggest(user.full_name))


EDITABLE_FIELDS = (
    "handle",
    "is_hidden",
    *(name for field in Profile.SHOWN_FIELDS if field != "avatar" for name in (field, f"{field}_visibility")),
    "avatar_visibility",
)


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    actor: User | None,
    changes: dict[str, Any],
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
) -> Profile:
    """Apply ``changes`` (only fields in ``EDITABLE_FIELDS``) and a new or removed avatar."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, changes[name])
    old_avatar = profile.avatar.name if profile.avatar else ""
    if avatar is not None:
        profile.avatar.save("avatar.jpg", avatar, save=False)
        changed.append("avatar")
    elif remove_avatar and old_avatar:
        profile.avatar = ""
        changed.append("avatar")
    if not changed:
        return profile
    profile.save()
    if old_avatar and "avatar" in changed:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    audit_event_record(
        action="profile.updated", actor=actor, subject=profile.user, target=profile, data={"fields": changed}
    )
    return profile


@transaction.atomic
def account_profile_create(user: User) -> None:
    """Registered on ``accounts.hooks.account_created`` (so positional, as the hook calls it): every member
    starts with an empty, private profile."""
    profile_create(user=user)
