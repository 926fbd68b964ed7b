"""The demo organisation (``seed_demo``; idempotent): an emergency department whose manager sees five members,
each sharing something different, and one open invitation."""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create
from preceptor.catalog.models import Course, Lesson
from preceptor.catalog.services import lesson_open
from preceptor.cme.demo import lessons_work_through, post_test_pass
from preceptor.quizzes.models import Quiz
from preceptor.teams.lists import token_hash
from preceptor.teams.models import Assignment, Invitation, Membership, Organisation
from preceptor.teams.services import INVITATION_DAYS, assignment_create, group_create, organisation_create

SLUG = "st-marys-emergency"
# (e-mail, name, shares progress, scores, credits; courses worked through, of the three each started)
MEMBERS = [
    ("aisha.rahman@example.com", "Dr. Aisha Rahman", True, True, False, 2),
    ("tom.keller@example.com", "Dr. Tom Keller", True, False, False, 1),
    ("ines.moreau@example.com", "Dr. Inès Moreau", False, False, True, 0),
    ("ben.ortiz@example.com", "Ben Ortiz", False, False, False, 3),
]


@transaction.atomic
def demo_organisation_create(
    *, manager: User, seated: User, password: str, now: datetime | None = None
) -> Organisation | None:
    """The organisation, managed by ``manager``; ``seated`` (the Pro demo member, who has claimed credit) shares
    everything, the four colleagues made here share differently. None when it exists already."""
    now = now or timezone.now()
    if Organisation.objects.filter(slug=SLUG).exists():
        return None
    organisation = organisation_create(
        name="St. Mary's Regional Hospital — Emergency Department",
        slug=SLUG,
        seats=12,
        manager=manager,
        licence_ends_at=now + timedelta(days=365),
        actor=None,
    )
    organisation.email_domain = "example.com"
    organisation.save(update_fields=["email_domain"])
    Membership.objects.create(
        organisation=organisation, user=seated, share_progress=True, share_scores=True, share_credits=True
    )
    courses = list(Course.objects.filter(is_published=True, kind=Course.Kind.COURSE).order_by("position")[:3])
    for email, name, progress, scores, credits, completed in MEMBERS:
        user = User.objects.filter(email__iexact=email).first() or account_create(
            email=email, full_name=name, password=password, now=now - timedelta(days=20)
        )
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        Membership.objects.create(
            organisation=organisation,
            user=user,
            share_progress=progress,
            share_scores=scores,
            share_credits=credits,
        )
        # Through the services the course and quiz pages use: each course worked through and its post-test
        # passed, days apart; the rest opened at their first lesson.
        for position, course in enumerate(courses):
            start = now - timedelta(days=10 - 3 * position)
            if position < completed:
                lessons_work_through(user=user, course=course, start=start)
                quiz = Quiz.objects.filter(course=course, kind=Quiz.Kind.POST_TEST).first()
                if quiz is not None:
                    post_test_pass(
                        user=user, quiz=quiz, started=start + timedelta(hours=2), submitted=start + timedelta(hours=3)
                    )
            else:
                first = Lesson.objects.filter(course=course).order_by("module__position", "position").first()
                if first is not None:
                    lesson_open(user=user, lesson=first, now=start)
    # The first course for everyone, due in ten days; the second for the residents' group (Aisha and Tom), due two
    # days ago (overdue for Tom, who has not finished it; Aisha has).
    if courses:
        assignment_create(
            organisation=organisation,
            course=courses[0],
            live_class=None,
            due_on=timezone.localdate(now) + timedelta(days=10),
            members=[],
            actor=manager,
        )
    if len(courses) > 1:
        residents = group_create(
            organisation=organisation,
            name="Residents",
            members=list(User.objects.filter(email__in=[MEMBERS[0][0], MEMBERS[1][0]])),
            actor=manager,
        )
        overdue = assignment_create(
            organisation=organisation,
            course=courses[1],
            live_class=None,
            due_on=timezone.localdate(now) + timedelta(days=1),
            members=[],
            groups=[residents],
            actor=manager,
        )
        Assignment.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate(now) - timedelta(days=2))
    Invitation.objects.create(
        organisation=organisation,
        email="new.resident@example.com",
        token_hash=token_hash("demo-" + SLUG),  # a link nobody is sent: the dashboard shows it as open
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return organisation
