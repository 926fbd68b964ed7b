"""Sign-ups with a waitlist, cancellation, joining and leaving, ending, reminders, teacher terms, rosters
(each view a Disclosure per member shown) and recordings."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from preceptor.accounts.models import User
from preceptor.billing.selectors import has_bought, membership_for
from preceptor.catalog.models import Course, Module
from preceptor.catalog.services import lesson_create
from preceptor.classes import bbb
from preceptor.classes.models import Attendance, LiveClass, Registration, Teacher, TeacherTerms, TermsAcceptance
from preceptor.core.http import absolute_url
from preceptor.core.services import audit_event_record
from preceptor.mail.services import marketing_send
from preceptor.privacy.models import Disclosure
from preceptor.privacy.services import disclosures_record


class SignupRefused(Exception):
    pass


def may_attend(user: User, live_class: LiveClass) -> bool:
    """Included in Pro; otherwise bought singly (and paid)."""
    return membership_for(user).is_pro or user.is_staff or has_bought(user, live_class.item)


@transaction.atomic
def signup(*, user: User, live_class: LiveClass, now: datetime | None = None) -> Registration:
    """A seat if one is free, else a place on the waitlist. The class row is locked while seats are counted,
    so two members asking for the last seat at once get one seat and one waitlist place."""
    now = now or timezone.now()
    locked = LiveClass.objects.select_for_update().get(pk=live_class.pk)
    if locked.ends_at <= now or locked.ended_at:
        raise SignupRefused("This class is over.")
    if not may_attend(user, locked):
        raise SignupRefused("This class is included in Pro membership, or can be bought singly.")
    registration = Registration.objects.filter(live_class=locked, user=user).first()
    if registration and registration.status != Registration.Status.CANCELLED:
        return registration
    taken = Registration.objects.filter(live_class=locked, status=Registration.Status.REGISTERED).count()
    status = Registration.Status.REGISTERED if taken < locked.capacity else Registration.Status.WAITLISTED
    if registration is None:
        registration = Registration.objects.create(live_class=locked, user=user, status=status)
    else:
        registration.status = status
        registration.save(update_fields=["status", "updated_at"])
    audit_event_record(
        action=f"classes.{status}", actor=user, subject=user, target=registration, data={"class": locked.slug}
    )
    return registration


@transaction.atomic
def cancel(*, registration: Registration) -> Registration | None:
    """Cancel; a freed seat goes to the first member on the waitlist, who is told by e-mail. Returns them."""
    locked = LiveClass.objects.select_for_update().get(pk=registration.live_class_id)
    was_registered = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    audit_event_record(
        action="classes.cancelled", actor=registration.user, subject=registration.user, target=registration
    )
    if not was_registered:
        return None
    promoted = (
        Registration.objects.filter(live_class=locked, status=Registration.Status.WAITLISTED)
        .order_by("created_at", "id")
        .first()
    )
    if promoted:
        promoted.status = Registration.Status.REGISTERED
        promoted.save(update_fields=["status", "updated_at"])
        audit_event_record(action="classes.promoted", subject=promoted.user, target=promoted)
        _notify(promoted, "promoted", f"A seat is yours: {locked.title}", "A seat became free and it is yours.")
    return promoted


def _class_link(live_class: LiveClass) -> str:
    return absolute_url(live_class.get_absolute_url())


def _notify(registration: Registration, kind: str, subject: str, lead: str) -> bool:
    live_class = registration.live_class
    user = registration.user
    when = timezone.localtime(live_class.starts_at, user.zone)
    text = (
        f"{lead}\n\n{live_class.title}\n{when:%A %d %B %Y, %H:%M} ({when.tzname()}), "
        f"{live_class.duration_minutes} minutes."
    )
    return marketing_send(
        user=user,
        mailing_list="class_reminders",
        campaign=f"class-{kind}",
        subject=subject,
        text=text,
        links={"Open the class page": _class_link(live_class)},
    )


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """The 24-hour and 1-hour reminders, once each, to members who want class reminders."""
    now = now or timezone.now()
    counts = {"24h": 0, "1h": 0}
    base = Registration.objects.filter(
        status=Registration.Status.REGISTERED, live_class__ended_at__isnull=True, live_class__starts_at__gt=now
    ).select_related("live_class", "user")
    for registration in base.filter(reminded_1h_at__isnull=True, live_class__starts_at__lte=now + timedelta(hours=1)):
        _notify(
            registration,
            "reminder-1h",
            f"In one hour: {registration.live_class.title}",
            "Your class starts in one hour.",
        )
        Registration.objects.filter(pk=registration.pk).update(
            reminded_1h_at=now, reminded_24h_at=registration.reminded_24h_at or now
        )
        counts["1h"] += 1
    for registration in base.filter(reminded_24h_at__isnull=True, live_class__starts_at__lte=now + timedelta(hours=24)):
        _notify(
            registration, "reminder-24h", f"Tomorrow: {registration.live_class.title}", "Your class starts in 24 hours."
        )
        Registration.objects.filter(pk=registration.pk).update(reminded_24h_at=now)
        counts["24h"] += 1
    return counts


# --- joining, leaving, ending ---------------------------------------------------------------------------


def join(*, registration: Registration, now: datetime | None = None) -> str:
    """Record the join and give the address to open: BigBlueButton's signed join URL, or the meeting URL."""
    live_class = registration.live_class
    Attendance.objects.create(registration=registration, joined_at=now or timezone.now())
    return _meeting_url(
        live_class,
        full_name=registration.user.full_name,
        user_id=str(registration.user_id),
        moderator=False,
        logout=absolute_url(reverse("classes:left", args=[live_class.slug])),
    )


def teacher_join_url(*, teacher: Teacher, live_class: LiveClass) -> str:
    return _meeting_url(
        live_class,
        full_name=teacher.display_name,
        user_id=f"teacher-{teacher.user_id}",
        moderator=True,
        logout=absolute_url(reverse("classes:teach")),
    )


def _meeting_url(live_class: LiveClass, *, full_name: str, user_id: str, moderator: bool, logout: str) -> str:
    if not bbb.configured():
        return live_class.meeting_url
    bbb.create(
        meeting_id=live_class.meeting_id,
        name=live_class.title,
        logout_url=logout,
        duration_minutes=live_class.duration_minutes,
    )
    return bbb.join_url(
        meeting_id=live_class.meeting_id, full_name=full_name, user_id=user_id, moderator=moderator, logout_url=logout
    )


def leave(*, registration: Registration, now: datetime | None = None) -> None:
    now = now or timezone.now()
    registration.attendances.filter(left_at__isnull=True).update(left_at=now)


@transaction.atomic
def end(*, live_class: LiveClass, actor: User, now: datetime | None = None) -> None:
    """End the class: BBB's meeting is ended and everyone still in it is recorded as having left now."""
    now = now or timezone.now()
    if bbb.configured():
        bbb.end(meeting_id=live_class.meeting_id)
    Attendance.objects.filter(registration__live_class=live_class, left_at__isnull=True).update(left_at=now)
    live_class.ended_at = now
    live_class.save(update_fields=["ended_at"])
    audit_event_record(action="classes.ended", actor=actor, target=live_class)


def teacher_for(user: User) -> Teacher | None:
    """A teacher-role member's teacher page: their stored one, or until it is stored (``teacher_ensure``) an
    unsaved one named after them at their profile handle, so that pages show it without writing anything."""
    if not user.is_teacher:
        return None
    teacher = Teacher.objects.filter(user=user).first()
    if teacher is None:
        profile = getattr(user, "profile", None)
        slug = profile.handle if profile else f"teacher-{user.pk}"
        teacher = Teacher(user=user, slug=slug, display_name=user.full_name)
    return teacher


def teacher_at(handle: str) -> Teacher | None:
    """The unsaved teacher page (``teacher_for``) of the teacher-role member with this profile handle."""
    user = User.objects.filter(is_teacher=True, is_active=True, profile__handle=handle).first()
    teacher = teacher_for(user) if user else None
    return teacher if teacher is not None and teacher.pk is None else None


def teacher_ensure(user: User) -> Teacher | None:
    """The teacher page stored, on the teacher's first POST (accepting the terms) if staff have not made it."""
    teacher = teacher_for(user)
    if teacher is not None and teacher.pk is None:
        teacher, _created = Teacher.objects.get_or_create(
            user=user, defaults={"slug": teacher.slug, "display_name": teacher.display_name}
        )
    return teacher


# --- teachers: terms and rosters ------------------------------------------------------------------------


def current_terms() -> TeacherTerms | None:
    return TeacherTerms.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


def has_accepted_current_terms(user: User) -> bool:
    terms = current_terms()
    return terms is not None and TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def terms_accept(*, user: User, terms: TeacherTerms, now: datetime | None = None) -> TermsAcceptance:
    acceptance = TermsAcceptance.objects.filter(user=user, terms=terms).first()
    if acceptance:
        return acceptance
    acceptance = TermsAcceptance.objects.create(user=user, terms=terms, accepted_at=now or timezone.now())
    audit_event_record(
        action="classes.teacher_terms_accepted",
        actor=user,
        subject=user,
        target=acceptance,
        data={"version": terms.version},
    )
    return acceptance


ROSTER_FIELDS = "Name and e-mail address"


def roster(
    *, live_class: LiveClass, teacher: Teacher, channel: str, now: datetime | None = None
) -> list[dict[str, str]]:
    """Name and e-mail of the members registered for the class — nothing more — and a Disclosure row for
    each member shown, naming the teacher who received it."""
    now = now or timezone.now()
    registrations = list(
        live_class.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("user")
        .prefetch_related("attendances")
    )
    disclosures_record(
        users=[r.user for r in registrations],
        recipient=f"{teacher.display_name} (teacher of “{live_class.title}”)",
        recipient_role=Disclosure.Role.CONTROLLER,
        data_categories=ROSTER_FIELDS,
        purpose="Teaching the class you signed up for",
        legal_basis="Contract (GDPR art. 6(1)(b)); the teacher agreed not to misuse it",
        channel=channel,
        occurred_at=now,
    )
    return [
        {"name": r.user.full_name, "email": r.user.email, "minutes": str(r.minutes_attended)} for r in registrations
    ]


def roster_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "minutes attended"])
    for row in rows:
        writer.writerow([row["name"], row["email"], row["minutes"]])
    return buffer.getvalue()


# --- recordings -----------------------------------------------------------------------------------------


@transaction.atomic
def recording_publish(
    *, live_class: LiveClass, video: File, captions: File, duration_seconds: float, transcript: str = ""
) -> Course:
    """The recording becomes its own course (the same player and progress as lessons, and its own CME
    activity), open to the class's registrants and to Pro members."""
    course = Course.objects.create(
        title=f"Recording: {live_class.title}",
        slug=slugify(f"recording-{live_class.slug}")[:50],
        summary=f"The recording of the live class of {timezone.localtime(live_class.starts_at):%d %B %Y}.",
        description=live_class.description,
        estimated_minutes=max(1, round(duration_seconds / 60)),
        kind=Course.Kind.RECORDING,
        is_published=True,
    )
    course.teachers.add(*[t.user for t in live_class.teachers.all()])
    module = Module.objects.create(course=course, title="Recording", position=1)
    lesson_create(
        module=module,
        title=live_class.title,
        slug="recording",
        kind="video",
        position=1,
        minutes=max(1, round(duration_seconds / 60)),
        video_duration=duration_seconds,
        transcript=transcript,
        files={"video": video, "captions": captions},
    )
    live_class.recording = course
    live_class.save(update_fields=["recording"])
    return course
