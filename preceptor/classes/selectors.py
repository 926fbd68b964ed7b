from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.billing.selectors import has_bought, membership_for
from preceptor.classes.models import LiveClass, Registration, Teacher, TeacherTerms, TermsAcceptance

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Seats(TypedDict):
    """What ``classes_published`` adds to each class: its registered (seated) members."""

    taken: int


def registered_for_recording(*, user: User, course_id: int) -> bool:
    """Registrants of a class open its recording (Pro members open every recording anyway)."""
    return Registration.objects.filter(
        user=user, live_class__recording_id=course_id, status=Registration.Status.REGISTERED
    ).exists()


def recording_access(user: User, course_id: int) -> bool:
    """Registered on ``catalog.hooks.recording_access``."""
    return registered_for_recording(user=user, course_id=course_id)


def classes_published() -> QuerySet[WithAnnotations[LiveClass, Seats]]:
    return (
        LiveClass.objects.filter(is_published=True)
        .prefetch_related("teachers")
        .annotate(taken=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)))
    )


def upcoming_classes() -> QuerySet[LiveClass]:
    """Classes not yet over (listed until three hours after their start unless ended earlier)."""
    return classes_published().filter(ended_at__isnull=True, starts_at__gt=timezone.now() - timedelta(hours=3))


def recorded_classes() -> QuerySet[LiveClass]:
    return classes_published().filter(recording__isnull=False, recording__is_published=True).order_by("-starts_at")


def with_my_registration(classes: QuerySet[LiveClass], user: User | AnonymousUser) -> QuerySet[LiveClass]:
    """Each class with ``my_status``: the viewer's place in it ("registered", "waitlisted") or None."""
    if not user.is_authenticated:
        return classes.annotate(my_status=Value(None, output_field=CharField()))
    mine = Registration.objects.filter(live_class=OuterRef("pk"), user=user).exclude(
        status=Registration.Status.CANCELLED
    )
    return classes.annotate(my_status=Subquery(mine.values("status")[:1]))


def registration_for(user: User | AnonymousUser, live_class: LiveClass) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, live_class=live_class).first()


def taught_by(teacher: Teacher) -> QuerySet[LiveClass]:
    return teacher.classes.annotate(
        taken=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
    ).order_by("-starts_at")


def may_attend(user: User, live_class: LiveClass) -> bool:
    """Included in Pro; otherwise bought singly (and paid)."""
    return membership_for(user).is_pro or user.is_staff or has_bought(user, live_class.item)


def teacher_for(user: User) -> Teacher | None:
    """A teacher-role member's teacher page: their stored one, or until it is stored (``services.teacher_ensure``)
    an unsaved one named after them at their profile handle, so that pages show it without writing anything."""
    if not user.is_teacher:
        return None
    teacher = Teacher.objects.filter(user=user).first()
    if teacher is None:
        profile = getattr(user, "profile", None)
        slug = profile.handle if profile else f"teacher-{user.pk}"
        teacher = Teacher(user=user, slug=slug, display_name=user.full_name)
    return teacher


def current_terms() -> TeacherTerms | None:
    return TeacherTerms.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


def has_accepted_current_terms(user: User) -> bool:
    terms = current_terms()
    return terms is not None and TermsAcceptance.objects.filter(user=user, terms=terms).exists()


def classes_booked(*, user: User) -> list[LiveClass]:
    """The upcoming classes the member holds a seat in or waits for, soonest first, each with ``my_status``."""
    mine = Registration.objects.filter(user=user).exclude(status=Registration.Status.CANCELLED)
    booked = upcoming_classes().filter(pk__in=mine.values("live_class_id"))
    return list(with_my_registration(booked, user).order_by("starts_at"))
