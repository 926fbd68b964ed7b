from __future__ import annotations

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from preceptor.core import pagecache


def age_on(date_of_birth: date, today: date) -> int:
    """Completed years of age on ``today``. Someone born on 29 February turns a year older on 1 March."""
    years = today.year - date_of_birth.year
    if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def offered_language(language: str | None) -> str:
    """``language`` when the site offers it (``settings.LANGUAGES``; "de-at" counts as "de"), else ""."""
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or "").strip().lower()
    if language in codes:
        return language
    base = language.split("-")[0]
    return base if base in codes else ""


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get(self, *args: Any, **kwargs: Any) -> User:
        """``User.objects.get(pk=…)``, which signs in every request of a signed-in member (Django's
        ``ModelBackend.get_user``), is one written-out statement that also reads the versions of the member's kept
        pages (core/pagecache.py): cheaper to build than the ORM's, and one query fewer on every page. Any other
        lookup is the ORM's."""
        if args or set(kwargs) != {"pk"} or self._db not in (None, "default"):
            return super().get(*args, **kwargs)
        try:
            pk = int(kwargs["pk"])
        except (TypeError, ValueError):
            return super().get(*args, **kwargs)  # the ORM's own errors for a value that is no id
        found = list(self.raw(*pagecache.member_with_versions_sql(self.model._meta.db_table, pk)))
        if not found:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        pagecache.remember_versions(found[0])
        return found[0]

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member. E-mail is the login. The date of birth is never stored: only when the age check passed."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("telephone number"), max_length=32, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", help_text=_("Class times are shown in this time zone.")
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Pages and e-mails are in this language. Empty: not chosen yet (the browser's language)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_teacher = models.BooleanField(_("teacher"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    age_verified_at = models.DateTimeField(_("age check passed"), null=True, blank=True)
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    trial_reminder_sent_at = models.DateTimeField(_("trial reminder sent"), null=True, blank=True)
    complimentary_pro_until = models.DateTimeField(
        _("complimentary Pro until"),
        null=True,
        blank=True,
        help_text=_("Pro access granted by staff without payment (faculty, reviewers, partners)."),
    )

    counted_in_statistics = models.BooleanField(
        _("counted in visitor statistics"),
        default=True,
        help_text=_("Off: the member's pages are left out of Preceptor's own visitor statistics."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The first name, skipping titles such as "Dr." or "Prof."."""
        names = [part for part in self.full_name.split() if not part.endswith(".")]
        return names[0] if names else (self.full_name or self.email)

    def is_on_trial(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.trial_ends_at is not None and now < self.trial_ends_at

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The member's time zone (UTC when unset or unknown): for pages and e-mails that show times."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


def user_display(user: User) -> str:
    """How allauth names a member in messages and e-mails."""
    return user.full_name or user.email
