from __future__ import annotations

import secrets
from typing import Literal

from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

Audience = Literal["public", "member", "owner"]


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Members only")
    PRIVATE = "private", _("Only me")

    @staticmethod
    def allows(visibility: str, audience: Audience) -> bool:
        if audience == "owner":
            return True
        if audience == "member":
            return visibility in (Visibility.PUBLIC, Visibility.MEMBERS)
        return visibility == Visibility.PUBLIC


class Profession(models.TextChoices):
    PHYSICIAN_MD_DO = "physician_md_do", _("Physician (MD/DO)")
    PHYSICIAN_OTHER = "physician_other", _("Physician (other medical degree)")
    RESIDENT = "resident", _("Resident or fellow")
    MEDICAL_STUDENT = "medical_student", _("Medical student")
    NURSE = "nurse", _("Nurse")
    NURSE_PRACTITIONER = "nurse_practitioner", _("Nurse practitioner")
    PHYSICIAN_ASSISTANT = "physician_assistant", _("Physician assistant")
    PHARMACIST = "pharmacist", _("Pharmacist")
    PARAMEDIC = "paramedic", _("Paramedic")
    OTHER = "other", _("Other healthcare professional")


RESERVED_HANDLES = frozenset(
    {
        "admin",
        "staff",
        "settings",
        "accounts",
        "api",
        "static",
        "media",
        "support",
        "privacy",
        "preceptor",
        "teach",
        "courses",
        "classes",
        "magazine",
        "billing",
        "pricing",
        "cme",
        "certificates",
        "me",
        "new",
        "edit",
    }
)

handle_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$",
    _("3–40 characters: lower-case letters, digits and hyphens, not starting or ending with a hyphen."),
)


def avatar_path(instance: Profile, filename: str) -> str:
    # A random name: the file name must not reveal who it belongs to, nor be guessable.
    return f"avatars/{secrets.token_urlsafe(16)}.jpg"


def _visibility_field() -> models.CharField:
    return models.CharField(_("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE)


class Profile(models.Model):
    """A member's profile page. Every field but the name has its own visibility; private by default."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    handle = models.CharField(_("profile address"), max_length=40, unique=True, validators=[handle_validator])
    is_hidden = models.BooleanField(_("hide my profile page"), default=False)

    location = models.CharField(_("location"), max_length=120, blank=True)
    location_visibility = _visibility_field()
    bio = models.TextField(_("about me"), max_length=4000, blank=True)
    bio_visibility = _visibility_field()
    profession = models.CharField(_("profession"), max_length=32, choices=Profession.choices, blank=True)
    profession_visibility = _visibility_field()
    specialty = models.CharField(_("specialty"), max_length=120, blank=True)
    specialty_visibility = _visibility_field()
    institution = models.CharField(_("institution"), max_length=160, blank=True)
    institution_visibility = _visibility_field()
    website = models.URLField(
        _("website"), max_length=300, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    website_visibility = _visibility_field()
    avatar = models.ImageField(_("photo"), upload_to=avatar_path, blank=True)
    avatar_visibility = _visibility_field()
    # Where the photo came from: "" (uploaded) or the sign-in provider it was taken from ("facebook"), so that
    # disconnecting the provider removes it.
    avatar_source = models.CharField(_("photo taken from"), max_length=20, blank=True, default="")

    updated_at = models.DateTimeField(auto_now=True)

    # The fields shown on the page, in order, each with a ``<name>_visibility`` companion.
    SHOWN_FIELDS = ("profession", "specialty", "institution", "location", "website", "bio", "avatar")

    class Meta:
        verbose_name = _("profile")
        constraints = [models.UniqueConstraint(Lower("handle"), name="profiles_profile_handle_ci_unique")]

    def __str__(self) -> str:
        return self.handle

    def visibility_of(self, name: str) -> str:
        return str(getattr(self, f"{name}_visibility"))
