"""Organisations' personal data: who holds a seat and what they share, and the invitations sent to addresses.
Memberships last until the member leaves, is removed, or is erased; invitations are deleted 30 days after they
were accepted or expired. The organisation itself (its name, seats, licence) is not personal data."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils.translation import gettext_noop

from preceptor.core.personal_data import (
    AfterEvent,
    Audience,
    DataCategory,
    Duration,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    row,
)
from preceptor.teams.models import (
    Assignment,
    AssignmentMember,
    AssignmentReminder,
    Departure,
    GroupMember,
    Invitation,
    Membership,
)

INVITATION_KEPT = Period(amount=30, unit="days", setting="RETENTION_TEAM_INVITATIONS_DAYS")
YEAR = Period(amount=12, unit="months")

PERSONAL_DATA = [
    PersonalData(
        model=Membership,
        name=gettext_noop("Organisation seats"),
        fields=(
            "organisation",
            "user",
            "role",
            "share_progress",
            "share_scores",
            "share_credits",
            "joined_at",
            "sharing_changed_at",
        ),
        purpose=gettext_noop(
            "The seat an organisation gives you, and what you chose to let its managers see of your learning."
        ),
        purposes=(Purpose.ACCOUNT, Purpose.LEARNING),
        bases=(LegalBasis.CONTRACT, LegalBasis.CONSENT),
        basis_note=gettext_noop("what the managers see is shared only with your consent, changeable at any time"),
        categories=(DataCategory.ACCOUNT, DataCategory.LEARNING, DataCategory.ASSESSMENT, DataCategory.CREDIT),
        sources=(Source.MEMBER, Source.STAFF),
        rules=(UntilErasure(note=gettext_noop("or until you leave the organisation or are removed")),),
        erasure="delete",
        audiences=(Audience.ORGANISATION, Audience.STAFF),
    ),
    PersonalData(
        model=Invitation,
        name=gettext_noop("Organisation invitations"),
        fields=("organisation", "email", "invited_by", "created_at", "expires_at", "accepted_at"),
        purpose=gettext_noop("Inviting you to take a seat, at the address your organisation gave us."),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("your organisation's interest in offering you the seat it pays for"),
        categories=(DataCategory.CONTACT,),
        sources=(Source.STAFF,),
        rules=(
            AfterEvent(period=INVITATION_KEPT, anchor="accepted_at", event=gettext_noop("the invitation is accepted")),
            AfterEvent(period=INVITATION_KEPT, anchor="expires_at", event=gettext_noop("the invitation expires")),
        ),
        erasure="delete",
        processors=("email",),
        audiences=(Audience.ORGANISATION,),
    ),
]


PERSONAL_DATA += [
    PersonalData(
        model=Assignment,
        name=gettext_noop("Assignments made"),
        fields=("organisation", "course", "live_class", "everyone", "due_on", "assigned_by", "created_at"),
        purpose=gettext_noop("The courses and classes you, as a manager, assigned to your organisation's members."),
        purposes=(Purpose.LEARNING,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("the organisation's interest in the training it pays for"),
        categories=(DataCategory.LEARNING,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(note=gettext_noop("or until a manager withdraws it; erasure removes your name from it")),),
        erasure="pseudonymise",
        audiences=(Audience.ORGANISATION,),
    ),
    PersonalData(
        model=AssignmentMember,
        name=gettext_noop("Assignments to you"),
        fields=("assignment", "user"),
        purpose=gettext_noop("The courses and classes your organisation asked you to finish, and by when."),
        purposes=(Purpose.LEARNING,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("the organisation's interest in the training it pays for"),
        categories=(DataCategory.LEARNING,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(note=gettext_noop("or until the assignment is withdrawn")),),
        erasure="delete",
        audiences=(Audience.ORGANISATION,),
    ),
    PersonalData(
        model=AssignmentReminder,
        name=gettext_noop("Assignment reminders"),
        fields=("assignment", "user", "sent_at"),
        purpose=gettext_noop("That we reminded you of an assignment, so that you get each reminder once."),
        purposes=(Purpose.EMAIL,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        categories=(DataCategory.COMMUNICATION,),
        sources=(Source.OBSERVED,),
        rules=(Duration(period=YEAR, anchor="sent_at"),),
        erasure="delete",
        processors=("email",),
    ),
    PersonalData(
        model=GroupMember,
        name=gettext_noop("Organisation groups"),
        fields=("group", "user"),
        purpose=gettext_noop("The groups your organisation's managers put you in, to assign training to together."),
        purposes=(Purpose.LEARNING,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("the organisation's interest in the training it pays for"),
        categories=(DataCategory.LEARNING,),
        sources=(Source.STAFF,),
        rules=(UntilErasure(note=gettext_noop("or until you leave the organisation or the group is deleted")),),
        erasure="delete",
        audiences=(Audience.ORGANISATION,),
    ),
    PersonalData(
        model=Departure,
        name=gettext_noop("Organisations left"),
        fields=("organisation", "user", "removed", "at"),
        purpose=gettext_noop(
            "That you left an organisation, or its managers removed you, so that signing in through its provider or "
            "with an address at its domain does not seat you again: only a new invitation you accept does."
        ),
        purposes=(Purpose.ACCOUNT,),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        basis_note=gettext_noop("your interest that a seat you left stays left"),
        categories=(DataCategory.ACCOUNT,),
        sources=(Source.MEMBER, Source.OBSERVED),
        rules=(Duration(period=YEAR, anchor="at"),),
        erasure="delete",
    ),
]


def _addresses(user: Any) -> list[str]:
    return sorted(
        {
            user.email.lower(),
            *(a.lower() for a in EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
        }
    )


def export_user(user: Any) -> dict[str, Any]:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("joined_at")
    invited = Q()
    for address in _addresses(user):
        invited |= Q(email__iexact=address)
    return {
        "organisation_seats": [
            {
                "organisation": m.organisation.name,
                **row(
                    m, ("role", "share_progress", "share_scores", "share_credits", "joined_at", "sharing_changed_at")
                ),
            }
            for m in memberships
        ],
        "organisation_assignments_to_you": [
            {
                "organisation": m.assignment.organisation.name,
                "title": m.assignment.title,
                "due_on": m.assignment.due_on.isoformat(),
            }
            for m in AssignmentMember.objects.filter(user=user).select_related(
                "assignment__organisation", "assignment__course", "assignment__live_class"
            )
        ],
        "organisation_assignment_reminders": [
            {"title": r.assignment.title, "sent_at": r.sent_at.isoformat()}
            for r in AssignmentReminder.objects.filter(user=user).select_related(
                "assignment__course", "assignment__live_class"
            )
        ],
        "organisation_assignments_made": [
            {
                "organisation": a.organisation.name,
                "title": a.title,
                "due_on": a.due_on.isoformat(),
                "everyone": a.everyone,
            }
            for a in Assignment.objects.filter(assigned_by=user).select_related("organisation", "course", "live_class")
        ],
        "organisation_invitations": [
            {"organisation": i.organisation.name, **row(i, ("email", "created_at", "expires_at", "accepted_at"))}
            for i in Invitation.objects.filter(invited).select_related("organisation").order_by("created_at")
        ],
        "organisation_invitations_sent": [
            {"organisation": i.organisation.name, **row(i, ("email", "created_at", "accepted_at"))}
            for i in Invitation.objects.filter(invited_by=user).select_related("organisation").order_by("created_at")
        ],
        "organisation_groups": [
            {"organisation": g.group.organisation.name, "group": g.group.name}
            for g in GroupMember.objects.filter(user=user).select_related("group__organisation")
        ],
        "organisations_left": [
            {"organisation": d.organisation.name, **row(d, ("removed", "at"))}
            for d in Departure.objects.filter(user=user).select_related("organisation")
        ],
    }


def erase_user(user: Any) -> list[str]:
    # The seats end (the organisation keeps its orders and receipts: billing's declarations keep those).
    invited = Q()
    for address in _addresses(user):
        invited |= Q(email__iexact=address)
    Invitation.objects.filter(invited).delete()
    Invitation.objects.filter(invited_by=user).update(invited_by=None)
    Membership.objects.filter(user=user).delete()
    AssignmentMember.objects.filter(user=user).delete()
    AssignmentReminder.objects.filter(user=user).delete()
    Departure.objects.filter(user=user).delete()
    GroupMember.objects.filter(user=user).delete()
    Assignment.objects.filter(assigned_by=user).update(assigned_by=None)
    return []
