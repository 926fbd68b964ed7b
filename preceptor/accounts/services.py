from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from preceptor.accounts import hooks
from preceptor.accounts.models import User, offered_language
from preceptor.core.services import audit_event_record, domain_event_record


@transaction.atomic
def account_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    now: datetime | None = None,
    user: User | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    time_zone: str = "UTC",
    language: str = "",
) -> User:
    """Create a member who passed the age check and start the free trial; ``hooks.account_created`` gives
    them what other apps keep per member (an empty, private profile).

    ``user`` may be an unsaved instance handed over by the sign-up form; otherwise a new one is made.
    The date of birth is not an argument: callers check the age and only the time of the check is kept.
    ``time_zone`` is the browser's at sign-up, already checked against the known zones (UTC when unknown).
    ``language`` is the one the sign-up page was shown in; e-mail sent outside a request uses it.
    """
    now = now or timezone.now()
    user = user or User()
    user.email = User.objects.normalize_email(email).lower()
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.language = offered_language(language)
    user.is_staff = is_staff
    user.is_superuser = is_superuser
    user.date_joined = now
    user.age_verified_at = now
    user.trial_ends_at = now + timedelta(days=settings.TRIAL_DAYS)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    hooks.account_created.call(user)
    domain_event_record(
        kind="trial_started",
        reference=f"trial:{user.pk}",
        user=user,
        data={"trial_ends_at": user.trial_ends_at.isoformat()},
    )
    audit_event_record(
        action="account.created",
        actor=user,
        subject=user,
        target=user,
        data={"trial_ends_at": user.trial_ends_at.isoformat()},
    )
    return user


@transaction.atomic
def account_language_set(*, user: User, language: str) -> User:
    """Remember the member's language (the site's language switch, the account page, a first sign-in): pages
    are shown in it after sign-in, and e-mail made outside a request (receipts, reminders, notices) uses it.
    A language the site does not offer changes nothing."""
    language = offered_language(language)
    if language and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
        audit_event_record(
            action="account.updated", actor=user, subject=user, target=user, data={"fields": ["language"]}
        )
    return user


@transaction.atomic
def account_statistics_set(*, user: User, counted: bool) -> User:
    """ "Don't count me": with ``counted=False`` the member's requests are left out of first-party statistics
    (pageviews, daily visitors); the request log kept for security still records them (decision 0030)."""
    if user.counted_in_statistics != counted:
        user.counted_in_statistics = counted
        user.save(update_fields=["counted_in_statistics"])
        audit_event_record(
            action="account.updated",
            actor=user,
            subject=user,
            target=user,
            data={"fields": ["counted_in_statistics"], "counted": counted},
        )
    return user


@transaction.atomic
def account_update(
    *, user: User, full_name: str, phone: str, time_zone: str | None = None, language: str | None = None
) -> User:
    changed = []
    values = [("full_name", full_name.strip()), ("phone", phone.strip())]
    if time_zone:
        values.append(("time_zone", time_zone))
    if offered_language(language):
        values.append(("language", offered_language(language)))
    for name, value in values:
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed:
        user.save(update_fields=changed)
        # Field names only: the audit log must not become a second copy of the personal data.
        audit_event_record(action="account.updated", actor=user, subject=user, target=user, data={"fields": changed})
    return user


@transaction.atomic
def teacher_role_set(*, user: User, is_teacher: bool, actor: User | None) -> User:
    if user.is_teacher != is_teacher:
        user.is_teacher = is_teacher
        user.save(update_fields=["is_teacher"])
        audit_event_record(
            action="role.teacher_granted" if is_teacher else "role.teacher_revoked",
            actor=actor,
            subject=user,
            target=user,
        )
    return user


@transaction.atomic
def complimentary_pro_grant(*, user: User, until: datetime | None, actor: User | None) -> User:
    """Grant (or with ``until=None`` end) Pro access without payment."""
    user.complimentary_pro_until = until
    user.save(update_fields=["complimentary_pro_until"])
    audit_event_record(
        action="membership.complimentary_set",
        actor=actor,
        subject=user,
        target=user,
        data={"until": until.isoformat() if until else None},
    )
    return user
