"""Where the apps above profiles take part in a member's public page (see ``core.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preceptor.core.hooks import Hook, Panel

if TYPE_CHECKING:
    from preceptor.profiles.models import Audience, Profile

profile_panels: Hook[[Profile, Audience], Panel | None] = Hook("profiles.profile_panels")
"""Sections other apps add to a member's page at /u/<handle>/: the teacher section with their classes (classes,
decision 0021). Called with the profile and the audience the page is shown to ("public", "member", or "owner";
the owner previewing as a visitor is "public"). A section answered for the audience makes the page exist for it
even when the member has hidden their profile: the page then shows the name and the sections, no profile field."""
