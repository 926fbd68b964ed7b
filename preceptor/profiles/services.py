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
    avatar_source: str = "",
) -> Profile:
    """Apply ``changes`` (only fields in ``EDITABLE_FIELDS``) and a new or removed avatar. ``avatar_source`` names
    the sign-in provider a new avatar was taken from ("facebook"; "" for an upload)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, changes[name])
    old_avatar = profile.avatar.name if profile.avatar else ""
    if avatar is not None:
        profile.avatar.save("avatar.jpg", avatar, save=False)
        profile.avatar_source = avatar_source
        changed.append("avatar")
    elif remove_avatar and old_avatar:
        profile.avatar = ""
        profile.avatar_source = ""
        changed.append("avatar")
    if not changed:
        return profile
    profile.save()
    if old_avatar and "avatar" in changed:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    data: dict[str, Any] = {"fields": changed}
    if avatar is not None and avatar_source:
        data["avatar_source"] = avatar_source
    audit_event_record(action="profile.updated", actor=actor, subject=profile.user, target=profile, data=data)
    return profile


@transaction.atomic
def profile_provider_photo_delete(user: User, provider: str) -> None:
    """Registered on ``accounts.hooks.social_account_disconnected`` (positional, as the hook calls it): a photo
    taken from the provider the member disconnected goes with it; an uploaded one stays."""
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is not None and profile.avatar and profile.avatar_source == provider:
        profile_update(profile=profile, actor=user, changes={}, remove_avatar=True)


@transaction.atomic
def account_profile_create(user: User) -> None:
    """Registered on ``accounts.hooks.account_created`` (so positional, as the hook calls it): every member
    starts with an empty, private profile."""
    profile_create(user=user)
