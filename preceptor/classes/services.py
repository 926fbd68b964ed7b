"""Sign-ups with a waitlist, cancellation, joining and leaving, ending, reminders, teacher terms, rosters
(each view a Disclosure per member shown) and recordings."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Literal

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop

from preceptor.accounts.models import User
from preceptor.billing.models import Order
from preceptor.catalog.models import Course, Module
from preceptor.catalog.services import lesson_create
from preceptor.classes import bbb
from preceptor.classes.emails import purchase_confirmation_email
from preceptor.classes.meetings import meeting_url
from preceptor.classes.models import (
    ITEM_PREFIX,
    Attendance,
    LiveClass,
    Registration,
    Teacher,
    TeacherTerms,
    TermsAcceptance,
)
from preceptor.classes.selectors import may_attend, teacher_for
from preceptor.core.http import absolute_url
from preceptor.core.services import audit_event_record
from preceptor.core.templatetags.preceptor import weekday_datetime
from preceptor.mail.services import marketing_send
from preceptor.privacy.models import Disclosure
from preceptor.privacy.services import disclosures_record


class SignupRefused(Exception):
    pass


@transaction.atomic
def registration_create(*, user: User, live_class: LiveClass, now: datetime | None = None) -> Registration:
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
def purchase_registration_create(order: Order) -> Registration | None:
    """Registered on ``billing.hooks.order_paid`` (so positional, as the hook calls it): buying a class seats its
    buyer in the transaction that records the payment — or, when the class filled while they paid, puts them on
    the waitlist (``registration_create`` counts the seats under the class's lock). Either way the buyer gets a
    confirmation with the calendar file; a waitlisted buyer's says how to get the money back (decision 0019).
    Orders for other items are not ours: None."""
    slug = order.item.removeprefix(ITEM_PREFIX) if order.item.startswith(ITEM_PREFIX) else None
    live_class = LiveClass.objects.filter(slug=slug).first() if slug else None
    if live_class is None:
        return None
    try:
        registration = registration_create(user=order.user, live_class=live_class)
    except SignupRefused as refused:  # over by the time the payment arrived: on record for support to refund
        audit_event_record(
            action="classes.purchase_not_seated",
            subject=order.user,
            target=live_class,
            data={"order": str(order.public_id), "reason": str(refused)},
        )
        return None
    audit_event_record(
        action="classes.purchase_registered",
        subject=order.user,
        target=registration,
        data={"order": str(order.public_id), "status": registration.status},
    )
    transaction.on_commit(partial(purchase_confirmation_email, registration_id=registration.pk))
    return registration


@transaction.atomic
def purchase_registration_cancel(order: Order) -> Registration | None:
    """Registered on ``billing.hooks.order_refunded``: a refunded class purchase frees the buyer's seat (to the
    first on the waitlist) or waitlist place, unless the class is open to them anyway (Pro). Returns their
    registration, or None when the order is not for a class or they hold no place."""
    slug = order.item.removeprefix(ITEM_PREFIX) if order.item.startswith(ITEM_PREFIX) else None
    registration = (
        Registration.objects.filter(live_class__slug=slug, user=order.user)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("live_class", "user")
        .first()
        if slug
        else None
    )
    if registration is None or may_attend(order.user, registration.live_class):
        return None
    registration_cancel(registration=registration)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration | None:
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
        _notify(
            promoted,
            "promoted",
            gettext_noop("A seat is yours: %(title)s"),
            gettext_noop("A seat became free and it is yours."),
        )
    return promoted


def _class_link(live_class: LiveClass) -> str:
    return absolute_url(live_class.get_absolute_url())


def _notify(registration: Registration, kind: str, subject: str, lead: str) -> bool:
    """Tell the member about their class, in their language: ``subject`` (with ``%(title)s``) and ``lead`` are
    English msgids (``gettext_noop``), translated here; the time in the member's zone, its names translated."""
    live_class = registration.live_class
    user = registration.user
    when = timezone.localtime(live_class.starts_at, user.zone)
    with translation.override(user.language or translation.get_language()):
        text = f"{gettext(lead)}\n\n{live_class.title}\n" + gettext("%(when)s (%(zone)s), %(minutes)d minutes.") % {
            "when": weekday_datetime(when),
            "zone": when.tzname(),
            "minutes": live_class.duration_minutes,
        }
        subject = gettext(subject) % {"title": live_class.title}
        links = {gettext("Open the class page"): _class_link(live_class)}
    return marketing_send(
        user=user, mailing_list="class_reminders", campaign=f"class-{kind}", subject=subject, text=text, links=links
    )


def reminders_send(*, now: datetime | None = None) -> dict[str, int]:
    """The 24-hour and 1-hour reminders, once each, to members who want class reminders. Not one transaction:
    each reminder is its own (``reminder_send``), so one that fails leaves those already sent marked sent."""
    now = now or timezone.now()
    counts = {"24h": 0, "1h": 0}
    base = Registration.objects.filter(
        status=Registration.Status.REGISTERED, live_class__ended_at__isnull=True, live_class__starts_at__gt=now
    ).select_related("live_class", "user")
    for registration in base.filter(reminded_1h_at__isnull=True, live_class__starts_at__lte=now + timedelta(hours=1)):
        reminder_send(registration=registration, before="1h", now=now)
        counts["1h"] += 1
    for registration in base.filter(reminded_24h_at__isnull=True, live_class__starts_at__lte=now + timedelta(hours=24)):
        reminder_send(registration=registration, before="24h", now=now)
        counts["24h"] += 1
    return counts


@transaction.atomic
def reminder_send(*, registration: Registration, before: Literal["1h", "24h"], now: datetime) -> Registration:
    """One reminder: the e-mail queued (sent after commit, if the member wants class reminders) and the
    registration marked as reminded, together. The 1-hour reminder stands in for a 24-hour one not sent."""
    if before == "1h":
        _notify(
            registration,
            "reminder-1h",
            gettext_noop("In one hour: %(title)s"),
            gettext_noop("Your class starts in one hour."),
        )
        Registration.objects.filter(pk=registration.pk).update(
            reminded_1h_at=now, reminded_24h_at=registration.reminded_24h_at or now
        )
    else:
        _notify(
            registration,
            "reminder-24h",
            gettext_noop("Tomorrow: %(title)s"),
            gettext_noop("Your class starts in 24 hours."),
        )
        Registration.objects.filter(pk=registration.pk).update(reminded_24h_at=now)
    return registration


# --- joining, leaving, ending ---------------------------------------------------------------------------


def attendance_join(*, registration: Registration, now: datetime | None = None) -> str:
    """Give the address to open — BigBlueButton's signed join URL, or the meeting URL (``meetings``) — and
    record the join. The meeting server is asked first, outside any transaction: one that fails raises, and
    the join is not recorded."""
    live_class = registration.live_class
    url = meeting_url(
        live_class,
        full_name=registration.user.full_name,
        user_id=str(registration.user_id),
        moderator=False,
        logout=absolute_url(reverse("classes:left", args=[live_class.slug])),
    )
    Attendance.objects.create(registration=registration, joined_at=now or timezone.now())
    return url


@transaction.atomic
def attendance_leave(*, registration: Registration, now: datetime | None = None) -> None:
    now = now or timezone.now()
    registration.attendances.filter(left_at__isnull=True).update(left_at=now)


def live_class_end(*, live_class: LiveClass, actor: User, now: datetime | None = None) -> None:
    """End the class: BBB's meeting is ended (outside any transaction), then everyone still in it is recorded
    as having left now, in one transaction."""
    now = now or timezone.now()
    if bbb.configured():
        bbb.end(meeting_id=live_class.meeting_id)
    with transaction.atomic():
        Attendance.objects.filter(registration__live_class=live_class, left_at__isnull=True).update(left_at=now)
        live_class.ended_at = now
        live_class.save(update_fields=["ended_at"])
        audit_event_record(action="classes.ended", actor=actor, target=live_class)


@transaction.atomic
def teacher_ensure(*, user: User) -> Teacher | None:
    """The teacher page stored, on the teacher's first POST (accepting the terms) if staff have not made it;
    until then pages show the unsaved one from ``selectors.teacher_for``."""
    teacher = teacher_for(user)
    if teacher is not None and teacher.pk is None:
        teacher, _created = Teacher.objects.get_or_create(
            user=user, defaults={"slug": teacher.slug, "display_name": teacher.display_name}
        )
    return teacher


@transaction.atomic
def teacher_visibility_set(*, user: User, is_public: bool) -> Teacher | None:
    """The teacher shows or hides their page at /teachers/<slug>/ (stored first if it was not yet)."""
    teacher = teacher_ensure(user=user)
    if teacher is None or teacher.is_public == is_public:
        return teacher
    teacher.is_public = is_public
    teacher.save(update_fields=["is_public"])
    audit_event_record(
        action="classes.teacher_page_shown" if is_public else "classes.teacher_page_hidden",
        actor=user,
        subject=user,
        target=teacher,
    )
    return teacher


# --- teachers: terms and rosters ------------------------------------------------------------------------


@transaction.atomic
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


ROSTER_FIELDS = gettext_noop("Name and e-mail address")  # stored in English, shown translated


@transaction.atomic
def roster_disclose(
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
        purpose=gettext_noop("Teaching the class you signed up for"),
        legal_basis=gettext_noop("Contract (GDPR art. 6(1)(b)); the teacher agreed not to misuse it"),
        channel=channel,
        occurred_at=now,
    )
    return [
        {"name": r.user.full_name, "email": r.user.email, "minutes": str(r.minutes_attended)} for r in registrations
    ]


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
