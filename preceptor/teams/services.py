"""Organisations' seats, invitations, sharing choices and the manager's reports (decision 0042)."""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from preceptor.accounts.models import User
from preceptor.billing.models import Order
from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.core.http import absolute_url
from preceptor.core.mail import email_queue, email_render
from preceptor.core.models import AuditEvent
from preceptor.core.pagecache import members_changed
from preceptor.core.services import audit_event_record
from preceptor.mail.services import marketing_send
from preceptor.privacy.models import Disclosure
from preceptor.privacy.services import disclosures_record
from preceptor.teams.errors import TeamsError
from preceptor.teams.lists import token_hash
from preceptor.teams.models import (
    Assignment,
    AssignmentMember,
    AssignmentReminder,
    Departure,
    Group,
    GroupMember,
    Invitation,
    Membership,
    Organisation,
)
from preceptor.teams.selectors import (
    ITEM_PREFIX,
    LICENCE_DAYS,
    MemberRow,
    applies_to,
    domain_of,
    done_pairs,
    invite_rows,
    joinable_organisations,
    licence_base,
    verified_addresses,
)

logger = logging.getLogger(__name__)

INVITATION_DAYS = 14

# Stored in English in the member's ledger, shown translated (privacy.selectors).
SHARED_PARTS = {
    "progress": gettext_noop("Course progress and completions"),
    "scores": gettext_noop("Quiz scores"),
    "credits": gettext_noop("CME credits claimed"),
}
REPORT_PURPOSE = gettext_noop("Your organisation's view of the training it provides you")
REPORT_BASIS = gettext_noop("Your consent: what you chose to share (GDPR art. 6(1)(a)), changeable at any time")


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, seats: int, manager: User, licence_ends_at: datetime | None = None, actor: User | None
) -> Organisation:
    """A new organisation with its first manager (who holds a seat and shares nothing until they choose)."""
    organisation = Organisation.objects.create(name=name, slug=slug, seats=seats, licence_ends_at=licence_ends_at)
    Membership.objects.create(organisation=organisation, user=manager, role=Membership.Role.MANAGER)
    audit_event_record(action="teams.organisation_created", actor=actor, subject=manager, target=organisation)
    return organisation


# --- invitations ------------------------------------------------------------------------------------------


@transaction.atomic
def invitations_send(
    *, organisation: Organisation, addresses: list[str], invited_by: User, now: datetime | None = None
) -> list[Invitation]:
    """Invite every valid address of ``addresses`` (checked again: the preview may be stale) and e-mail each its
    link. Returns the invitations made."""
    now = now or timezone.now()
    rows = invite_rows(organisation=organisation, addresses=list(enumerate(addresses, start=1)), now=now)
    organisation.invitations.filter(accepted_at__isnull=True, expires_at__lte=now).delete()  # expired: replaced
    made = []
    for row in rows:
        if row.error:
            continue
        token = secrets.token_urlsafe(24)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=row.email,
            token_hash=token_hash(token),
            invited_by=invited_by,
            expires_at=now + timedelta(days=INVITATION_DAYS),
        )
        url = absolute_url(reverse("teams:join", args=[token]))
        email_queue(
            email_render(
                template_prefix="teams/email/invitation",
                to=invitation.email,
                context={"organisation": organisation, "inviter": invited_by, "url": url, "days": INVITATION_DAYS},
            )
        )
        made.append(invitation)
    if made:
        audit_event_record(action="teams.invited", actor=invited_by, target=organisation, data={"count": len(made)})
    return made


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    audit_event_record(action="teams.invitation_revoked", actor=actor, target=invitation.organisation)
    invitation.delete()


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User,
    share_progress: bool,
    share_scores: bool,
    share_credits: bool,
    now: datetime | None = None,
) -> Membership:
    """The member takes a seat with the sharing they chose. Refused (``TeamsError``) when the invitation is used
    or expired, was sent to another address, or every seat is taken."""
    now = now or timezone.now()
    organisation = Organisation.objects.select_for_update().get(pk=invitation.organisation_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open(now):
        raise TeamsError(_("This invitation was used or has expired. Ask your organisation for a new one."))
    if invitation.email.lower() != user.email.lower():
        raise TeamsError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership = _seat(organisation, user, share_progress, share_scores, share_credits, action="teams.joined")
    Departure.objects.filter(organisation=organisation, user=user).delete()  # invited back, and accepted
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    return membership


def _sharing(membership: Membership) -> list[str]:
    return [
        part
        for part, on in (
            ("progress", membership.share_progress),
            ("scores", membership.share_scores),
            ("credits", membership.share_credits),
        )
        if on
    ]


@transaction.atomic
def sharing_update(
    *, membership: Membership, share_progress: bool, share_scores: bool, share_credits: bool
) -> Membership:
    """The member changes what the organisation's managers see: from the next view on."""
    membership.share_progress, membership.share_scores, membership.share_credits = (
        share_progress,
        share_scores,
        share_credits,
    )
    membership.sharing_changed_at = timezone.now()
    membership.save(update_fields=["share_progress", "share_scores", "share_credits", "sharing_changed_at"])
    audit_event_record(
        action="teams.sharing_changed",
        actor=membership.user,
        target=membership.organisation,
        data={"sharing": _sharing(membership)},
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, actor: User) -> None:
    """Leaving or being removed: the seat and the sharing end at once. The last manager cannot leave (the
    organisation would have nobody to run it): staff name another first."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    if (
        membership.role == Membership.Role.MANAGER
        and not organisation.memberships.filter(role=Membership.Role.MANAGER).exclude(pk=membership.pk).exists()
    ):
        raise TeamsError(_("You are the organisation's only manager. Ask us to name another manager first."))
    leaving = actor.pk == membership.user_id
    if not leaving and membership.role == Membership.Role.MANAGER:
        raise TeamsError(_("Managers are named and removed by Preceptor staff. Write to us to change them."))
    audit_event_record(
        action="teams.left" if leaving else "teams.removed", actor=actor, subject=membership.user, target=organisation
    )
    Departure.objects.update_or_create(
        organisation=organisation, user_id=membership.user_id, defaults={"removed": not leaving, "at": timezone.now()}
    )
    # What was assigned to them by name, and the reminders, go with the seat.
    AssignmentMember.objects.filter(assignment__organisation=organisation, user_id=membership.user_id).delete()
    AssignmentReminder.objects.filter(assignment__organisation=organisation, user_id=membership.user_id).delete()
    GroupMember.objects.filter(group__organisation=organisation, user_id=membership.user_id).delete()
    membership.delete()


# --- the manager's reports ------------------------------------------------------------------------------
@transaction.atomic
def report_disclose(
    *, organisation: Organisation, rows: list[MemberRow], channel: str, now: datetime | None = None
) -> None:
    """One ledger row per member and part shared (progress, scores, credits) for this view or export of the
    dashboard, naming the organisation. A member who shares nothing gets none: nothing of theirs was shown but
    their name and address, which the organisation gave us itself."""
    now = now or timezone.now()
    for part, label in SHARED_PARTS.items():
        users = [row.membership.user_id for row in rows if part in row.shared]
        if users:
            disclosures_record(
                users=users,
                recipient=f"{organisation.name} (your organisation's managers)",
                recipient_role=Disclosure.Role.CONTROLLER,
                data_categories=label,
                purpose=REPORT_PURPOSE,
                legal_basis=REPORT_BASIS,
                channel=channel,
                occurred_at=now,
            )


# --- assignments ------------------------------------------------------------------------------------------
REMIND_DAYS = 3  # the reminder goes this many days before the due date (or at once, when assigned later)


@transaction.atomic
def assignment_create(
    *,
    organisation: Organisation,
    course: Course | None,
    live_class: LiveClass | None,
    due_on: date,
    members: list[User],
    actor: User,
    groups: list[Group] | None = None,
) -> Assignment:
    """Assign a course or a class, due on ``due_on``: to ``members`` and ``groups``, or to every seat holder when
    neither names anyone."""
    groups = groups or []
    assignment = Assignment.objects.create(
        organisation=organisation,
        course=course,
        live_class=live_class,
        due_on=due_on,
        everyone=not members and not groups,
        assigned_by=actor,
    )
    assignment.groups.set(groups)
    AssignmentMember.objects.bulk_create([AssignmentMember(assignment=assignment, user=user) for user in members])
    members_changed(user.pk for user in members)
    audit_event_record(
        action="teams.assigned", actor=actor, target=organisation, data={"assignment": str(assignment.public_id)}
    )
    return assignment


@transaction.atomic
def group_create(*, organisation: Organisation, name: str, members: list[User], actor: User) -> Group:
    """A named group of the organisation's members, to assign to together."""
    group = Group.objects.create(organisation=organisation, name=name)
    GroupMember.objects.bulk_create([GroupMember(group=group, user=user) for user in members])
    members_changed(user.pk for user in members)
    audit_event_record(action="teams.group_created", actor=actor, target=organisation, data={"group": name})
    return group


@transaction.atomic
def group_delete(*, group: Group, actor: User) -> None:
    """The group goes; its assignments stay with whom else they name (one naming nobody else then names no one)."""
    audit_event_record(action="teams.group_deleted", actor=actor, target=group.organisation, data={"group": group.name})
    group.delete()


@transaction.atomic
def assignment_delete(*, assignment: Assignment, actor: User) -> None:
    audit_event_record(
        action="teams.assignment_deleted",
        actor=actor,
        target=assignment.organisation,
        data={"assignment": str(assignment.public_id)},
    )
    assignment.delete()


def assignment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each member of an assignment due within ``REMIND_DAYS`` days that they have not finished — once, and
    only when they want assignment reminders (their e-mail preferences). Each reminder is its own transaction."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = list(
        Assignment.objects.filter(due_on__gte=today, due_on__lte=today + timedelta(days=REMIND_DAYS))
        .select_related("organisation", "course", "live_class")
        .prefetch_related("members", "groups__members")
    )
    sent = 0
    for assignment in due:
        reminded = set(assignment.reminders.values_list("user_id", flat=True))
        pending = [
            m.user
            for m in Membership.objects.filter(organisation=assignment.organisation).select_related("user")
            if applies_to(assignment, m.user_id) and m.user_id not in reminded and m.user.is_active
        ]
        done = done_pairs([u.pk for u in pending], [assignment])
        for user in pending:
            if (user.pk, assignment.pk) not in done:
                sent += assignment_reminder_send(assignment=assignment, user=user, now=now)
    return sent


@transaction.atomic
def assignment_reminder_send(*, assignment: Assignment, user: User, now: datetime) -> int:
    """One reminder, recorded with the e-mail it queues (sent after commit; none when the member opted out, but
    recorded all the same, so that turning reminders back on does not send old ones)."""
    _, created = AssignmentReminder.objects.get_or_create(assignment=assignment, user=user, defaults={"sent_at": now})
    if not created:
        return 0
    item = assignment.course or assignment.live_class
    assert item is not None
    with translation.override(user.language or translation.get_language()):
        subject = gettext("Due on %(date)s: %(title)s") % {
            "date": date_format(assignment.due_on, "DATE_FORMAT"),
            "title": item.title,
        }
        text = gettext("%(organisation)s asked you to finish “%(title)s” by %(date)s.") % {
            "organisation": assignment.organisation.name,
            "title": item.title,
            "date": date_format(assignment.due_on, "DATE_FORMAT"),
        }
        links = {gettext("Open it"): absolute_url(item.get_absolute_url())}
    return int(
        marketing_send(
            user=user,
            mailing_list="assignment_reminders",
            campaign="assignment-reminder",
            subject=subject,
            text=text,
            links=links,
        )
    )


def _purchase_of(order: Order) -> tuple[Organisation, str, int, str] | None:
    """The locked organisation, kind, seat count and quoted base of a seat order; None for any other order."""
    if not order.item.startswith(ITEM_PREFIX):
        return None
    try:
        public_id, kind, seats, base = order.item.removeprefix(ITEM_PREFIX).split(":")
        organisation = Organisation.objects.select_for_update().get(public_id=public_id)
    except (ValueError, Organisation.DoesNotExist, ValidationError):
        return None
    if kind not in ("licence", "add") or not seats.isdigit():
        return None
    return organisation, kind, int(seats), base


@transaction.atomic
def seat_order_grant(order: Order) -> Organisation | None:
    """Registered on ``billing.hooks.order_paid``: a paid licence adds a year (from the end of the running one, or
    from now, with its seats); paid added seats raise the count until the licence ends. Granted only while the
    licence is what the order was priced against (``selectors.licence_base``): one paid after the licence changed
    grants nothing, and is recorded for staff to refund (``teams.seats_order_stale``). Other orders: None."""
    found = _purchase_of(order)
    if found is None:
        return None
    organisation, kind, seats, base = found
    now = order.paid_at or timezone.now()
    if base != licence_base(organisation, now):
        audit_event_record(
            action="teams.seats_order_stale",
            subject=order.user,
            target=organisation,
            data={"order": str(order.public_id), "kind": kind, "seats": seats, "base": base},
        )
        logger.warning("teams: order %s was paid after the licence it was priced against changed", order.public_id)
        return None
    if kind == "licence":
        start = (
            organisation.licence_ends_at if organisation.licence_active(now) and organisation.licence_ends_at else now
        )
        organisation.seats = seats
        organisation.licence_ends_at = start + timedelta(days=LICENCE_DAYS)
    else:
        organisation.seats += seats
    organisation.save(update_fields=["seats", "licence_ends_at"])
    audit_event_record(
        action="teams.seats_paid",
        subject=order.user,
        target=organisation,
        data={"order": str(order.public_id), "kind": kind, "seats": seats},
    )
    return organisation


@transaction.atomic
def seat_order_revoke(order: Order) -> Organisation | None:
    """Registered on ``billing.hooks.order_refunded``: a refunded licence takes its year back, refunded added
    seats their number (members already seated keep their seats until they leave: staff settle that with the
    organisation)."""
    found = _purchase_of(order)
    if found is None:
        return None
    organisation, kind, seats, _base = found
    if not AuditEvent.objects.filter(action="teams.seats_paid", data__order=str(order.public_id)).exists():
        return None  # never granted (stale): nothing to take back
    if kind == "licence" and organisation.licence_ends_at:
        organisation.licence_ends_at -= timedelta(days=LICENCE_DAYS)
    elif kind == "add":
        organisation.seats = max(0, organisation.seats - seats)
    organisation.save(update_fields=["seats", "licence_ends_at"])
    audit_event_record(
        action="teams.seats_refunded",
        subject=order.user,
        target=organisation,
        data={"order": str(order.public_id), "kind": kind, "seats": seats},
    )
    return organisation


# --- joining without an invitation: by verified e-mail domain, or through the organisation's sign-in ----------


@transaction.atomic
def domain_join_set(*, organisation: Organisation, on: bool, actor: User) -> Organisation:
    organisation.join_by_domain = on and bool(organisation.email_domain)
    organisation.save(update_fields=["join_by_domain"])
    audit_event_record(
        action="teams.domain_join_set", actor=actor, target=organisation, data={"on": organisation.join_by_domain}
    )
    return organisation


@transaction.atomic
def domain_join(
    *, organisation: Organisation, user: User, share_progress: bool, share_scores: bool, share_credits: bool
) -> Membership:
    """Take a seat without an invitation: the organisation lets its domain join, and the member's address there
    is verified. Refused (``TeamsError``) otherwise, or when every seat is taken."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation not in joinable_organisations(user):
        raise TeamsError(
            _("%(name)s does not let your address join without an invitation.") % {"name": organisation.name}
        )
    return _seat(organisation, user, share_progress, share_scores, share_credits, action="teams.joined_by_domain")


def _seat(
    organisation: Organisation,
    user: User,
    share_progress: bool,
    share_scores: bool,
    share_credits: bool,
    *,
    action: str,
) -> Membership:
    """A seat for ``user`` in the locked ``organisation`` (the caller holds its row lock)."""
    if organisation.memberships.filter(user=user).exists():
        raise TeamsError(_("You already hold a seat in %(name)s.") % {"name": organisation.name})
    if organisation.memberships.count() >= organisation.seats:
        raise TeamsError(
            _("Every seat of %(name)s is taken. Your organisation can add seats.") % {"name": organisation.name}
        )
    membership = Membership.objects.create(
        organisation=organisation,
        user=user,
        share_progress=share_progress,
        share_scores=share_scores,
        share_credits=share_credits,
    )
    audit_event_record(action=action, actor=user, target=organisation, data={"sharing": _sharing(membership)})
    return membership


@transaction.atomic
def sso_seat_grant(*, user: User, provider_id: str, addresses: list[str]) -> Membership | None:
    """After a sign-in through an organisation's own provider (OpenID Connect or SAML): a member whose address at
    the organisation's domain that provider vouched for in this sign-in (``addresses``; one of the account's
    verified addresses too) takes a seat, sharing nothing until they choose. None when the provider is no
    organisation's, no such address, the member holds a seat already, left or was removed (only a new invitation
    brings them back), or every seat is taken (the member signs in all the same)."""
    organisation = Organisation.objects.select_for_update().filter(sso_provider=provider_id).first()
    if organisation is None or not organisation.email_domain:
        return None
    mine = verified_addresses(user)
    vouched = [a for a in addresses if a.lower() in mine and domain_of(a) == organisation.email_domain.lower()]
    if not vouched or Departure.objects.filter(organisation=organisation, user=user).exists():
        return None
    try:
        return _seat(organisation, user, False, False, False, action="teams.joined_by_sign_in")
    except TeamsError:
        return None
