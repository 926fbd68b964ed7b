from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils.text import slugify

from preceptor.accounts.models import User
from preceptor.core.hooks import Panel, panels
from preceptor.core.text import render_markdown
from preceptor.profiles import hooks
from preceptor.profiles.models import RESERVED_HANDLES, Audience, Profile, Visibility


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    value: Any
    visibility: str


@dataclass(frozen=True)
class ProfilePage:
    profile: Profile
    audience: Audience
    fields: dict[str, ShownField]
    viewer_is_owner: bool
    panels: list[Panel] = field(default_factory=list)  # sections other apps add (``hooks.profile_panels``)

    @property
    def full_name(self) -> str:
        return self.profile.user.full_name


def audience_of(profile: Profile, viewer: User | AnonymousUser) -> Audience:
    if viewer.is_authenticated:
        return "owner" if viewer.pk == profile.user_id else "member"
    return "public"


def profile_page(
    *, handle: str, viewer: User | AnonymousUser, preview_as: Audience | None = None
) -> ProfilePage | None:
    """The profile at ``handle`` as ``viewer`` may see it, or None when it does not exist for them.

    A hidden page does not exist for anyone but its owner, unless another app adds a section for the viewer
    (a public teacher section, decision 0021): then the page shows the name and the sections, no profile field.
    The owner may preview it as another audience.
    """
    profile = Profile.objects.select_related("user").filter(Q(handle__iexact=handle), user__is_active=True).first()
    if profile is None:
        return None
    audience = audience_of(profile, viewer)
    is_owner = audience == "owner"
    if is_owner and preview_as in ("public", "member"):
        audience = preview_as
    sections = panels(hooks.profile_panels.call(profile, audience))
    hidden = profile.is_hidden and not is_owner
    if hidden and not sections:
        return None
    fields = {}
    for name in () if hidden else Profile.SHOWN_FIELDS:
        visibility = profile.visibility_of(name)
        raw = getattr(profile, name)
        if not raw or not Visibility.allows(visibility, audience):
            continue
        value: Any = raw
        if name == "profession":
            value = profile.get_profession_display()
        elif name == "bio":
            value = render_markdown(raw)
        label = getattr(Profile._meta.get_field(name), "verbose_name", name)
        fields[name] = ShownField(name=name, label=str(label), value=value, visibility=visibility)
    return ProfilePage(profile=profile, audience=audience, fields=fields, viewer_is_owner=is_owner, panels=sections)


def avatar_visible(*, profile: Profile, viewer: User | AnonymousUser) -> bool:
    audience = audience_of(profile, viewer)
    if profile.is_hidden and audience != "owner":
        return False
    return bool(profile.avatar) and Visibility.allows(profile.avatar_visibility, audience)


def handle_suggest(full_name: str) -> str:
    """A free handle from the name: ``jane-smith``, else ``jane-smith-3f9a``."""
    base = slugify(full_name)[:30].strip("-")
    if len(base) < 3 or base in RESERVED_HANDLES:
        base = f"member-{base}".strip("-")[:30]
    candidate = base
    while Profile.objects.filter(handle__iexact=candidate).exists():
        candidate = f"{base}-{secrets.token_hex(2)}"
    return candidate
