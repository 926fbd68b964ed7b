"""What the teams pages read: a member's organisations, a manager's organisation, and the dashboard's rows — each
member's data only as far as they share it (the caller records the disclosure, ``services.report_disclose``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from preceptor.accounts.models import User
from preceptor.billing.models import Order, Price
from preceptor.catalog.models import Enrollment
from preceptor.classes.models import Attendance
from preceptor.cme.models import Claim
from preceptor.core.hooks import Panel
from preceptor.quizzes.models import Attempt
from preceptor.teams.errors import TeamsError
from preceptor.teams.models import Assignment, Invitation, Membership, Organisation


def seat_pro_until(user: User, now: datetime) -> datetime | None:
    """Registered on ``billing.hooks.pro_granted``: the latest licence end of the member's organisations."""
    found = Organisation.objects.filter(memberships__user=user, licence_ends_at__gt=now).aggregate(
        until=Max("licence_ends_at")
    )
    return found["until"]


def memberships_of(user: User) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name"))


def organisations_panel(user: User) -> Panel | None:
    """Registered on ``accounts.hooks.account_panels``: the member's organisations and what each sees."""
    memberships = memberships_of(user)
    return Panel("teams/_account_panel.html", {"memberships": memberships}, order=15) if memberships else None


def membership_of(user: User, public_id: str) -> Membership:
    """The member's own membership, or 404 (someone else's looks like none)."""
    membership = Membership.objects.filter(user=user, public_id=public_id).select_related("organisation").first()
    if membership is None:
        raise Http404
    return membership


def managed_organisation(user: User, slug: str) -> Organisation:
    """The organisation at ``slug`` when ``user`` manages it, else 404: to anyone else (another organisation's
    manager, a member, staff) it does not exist."""
    organisation = Organisation.objects.filter(
        slug=slug, memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).first()
    if organisation is None:
        raise Http404
    return organisation


def managed_organisations(user: User) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.MANAGER))


def seats_used(organisation: Organisation) -> int:
    return organisation.memberships.count()


def open_invitations(organisation: Organisation, now: datetime) -> list[Invitation]:
    return list(organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=now).order_by("email"))


def invitation_by_token_hash(token_hash: str) -> Invitation | None:
    return Invitation.objects.filter(token_hash=token_hash).select_related("organisation").first()


@dataclass(frozen=True)
class AssignmentState:
    assignment: Assignment
    done: bool
    overdue: bool


def done_pairs(user_ids: list[int], assignments: list[Assignment]) -> set[tuple[int, int]]:
    """(user id, assignment id) for each assignment the member finished: the course completed, or the class
    attended (joined the meeting at least once)."""
    courses = {a.course_id for a in assignments if a.course_id}
    classes = {a.live_class_id for a in assignments if a.live_class_id}
    completed = (
        set(
            Enrollment.objects.filter(
                user_id__in=user_ids, course_id__in=courses, completed_at__isnull=False
            ).values_list("user_id", "course_id")
        )
        if courses
        else set()
    )
    attended = (
        set(
            Attendance.objects.filter(
                registration__user_id__in=user_ids, registration__live_class_id__in=classes
            ).values_list("registration__user_id", "registration__live_class_id")
        )
        if classes
        else set()
    )
    return {
        (user_id, a.pk)
        for a in assignments
        for user_id in user_ids
        if (a.course_id and (user_id, a.course_id) in completed)
        or (a.live_class_id and (user_id, a.live_class_id) in attended)
    }


def applies_to(assignment: Assignment, user_id: int) -> bool:
    """Whether the assignment is the member's: to everyone, or naming them, or one of its groups holding them
    (``members`` and ``groups__members`` prefetched)."""
    return (
        assignment.everyone
        or any(m.user_id == user_id for m in assignment.members.all())
        or any(m.user_id == user_id for group in assignment.groups.all() for m in group.members.all())
    )


def assignments_of(user: User, today: date) -> list[AssignmentState]:
    """What the member's organisations assigned them, soonest due first, with done and overdue — in one query, done
    read as ``done_pairs`` reads it (the course completed, or the class attended)."""
    completed = Enrollment.objects.filter(user=user, course_id=OuterRef("course_id"), completed_at__isnull=False)
    attended = Attendance.objects.filter(registration__user=user, registration__live_class_id=OuterRef("live_class_id"))
    assignments = (
        Assignment.objects.filter(organisation__memberships__user=user)
        .filter(Q(everyone=True) | Q(members__user=user) | Q(groups__members__user=user))
        .select_related("course", "live_class", "organisation")
        .annotate(done=Exists(completed) | Exists(attended))
        .distinct()
        .order_by("due_on", "id")
    )
    return [AssignmentState(a, a.done, not a.done and a.due_on < today) for a in assignments]


def organisation_assignments(organisation: Organisation) -> list[Assignment]:
    return list(
        organisation.assignments.select_related("course", "live_class")
        .prefetch_related("members__user", "groups__members")
        .order_by("due_on", "id")
    )


@dataclass
class MemberRow:
    """One line of the manager's dashboard. A field the member does not share stays None, and the page and the
    export show "not shared" — the value is never read."""

    membership: Membership
    name: str
    email: str
    started: int | None = None
    completed: int | None = None
    last_activity: datetime | None = None
    completions: list[tuple[str, datetime]] = field(default_factory=list)
    quizzes_passed: int | None = None
    best_scores: list[tuple[str, Decimal]] = field(default_factory=list)
    credits: Decimal | None = None
    claims: int | None = None
    assignments: list[AssignmentState] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for state in self.assignments if state.overdue)

    @property
    def shared(self) -> list[str]:
        m = self.membership
        return [
            name
            for name, on in (("progress", m.share_progress), ("scores", m.share_scores), ("credits", m.share_credits))
            if on
        ]


def dashboard_rows(organisation: Organisation, today: date) -> list[MemberRow]:
    """Every seat holder with what they share: progress and completions from their enrolments, best quiz
    scores, CME credits claimed (not revoked), and the state of their assignments (progress, too). Queries ask
    only for the members who share that part."""
    memberships = list(organisation.memberships.select_related("user").order_by("user__full_name", "user__email"))
    rows = {m.user_id: MemberRow(m, m.user.full_name, m.user.email) for m in memberships}
    progress = [m.user_id for m in memberships if m.share_progress]
    scores = [m.user_id for m in memberships if m.share_scores]
    credits = [m.user_id for m in memberships if m.share_credits]
    if progress:
        for user_id, started, completed, last in (
            Enrollment.objects.filter(user_id__in=progress)
            .values("user_id")
            .annotate(s=Count("id"), c=Count("id", filter=Q(completed_at__isnull=False)), last=Max("last_activity_at"))
            .values_list("user_id", "s", "c", "last")
        ):
            rows[user_id].started, rows[user_id].completed, rows[user_id].last_activity = started, completed, last
        for user_id in progress:
            rows[user_id].started = rows[user_id].started or 0
            rows[user_id].completed = rows[user_id].completed or 0
        for user_id, title, completed_at in (
            Enrollment.objects.filter(user_id__in=progress, completed_at__isnull=False)
            .order_by("completed_at")
            .values_list("user_id", "course__title", "completed_at")
        ):
            if completed_at is not None:
                rows[user_id].completions.append((title, completed_at))
    if scores:
        for user_id in scores:
            rows[user_id].quizzes_passed = 0
        best = (
            Attempt.objects.filter(user_id__in=scores, score__isnull=False)
            .values("user_id", "quiz_id", "quiz__course__title", "quiz__title")
            .annotate(best=Max("score"), passed=Count("id", filter=Q(passed=True)))
            .order_by("user_id", "quiz__course__title", "quiz__title")
        )
        for item in best:
            row = rows[item["user_id"]]
            row.best_scores.append((f"{item['quiz__course__title']} · {item['quiz__title']}", item["best"]))
            row.quizzes_passed = (row.quizzes_passed or 0) + (1 if item["passed"] else 0)
    if credits:
        for user_id in credits:
            rows[user_id].credits, rows[user_id].claims = Decimal("0"), 0
        for user_id, total, count in (
            Claim.objects.active()
            .filter(user_id__in=credits)
            .values("user_id")
            .annotate(total=Sum("claimed_credits"), n=Count("id"))
            .values_list("user_id", "total", "n")
        ):
            rows[user_id].credits, rows[user_id].claims = total, count
    assignments = organisation_assignments(organisation)
    if progress and assignments:  # whether an assignment is done is progress: shown only to those who share it
        finished = done_pairs(progress, assignments)
        for user_id in progress:
            rows[user_id].assignments = [
                AssignmentState(a, (user_id, a.pk) in finished, (user_id, a.pk) not in finished and a.due_on < today)
                for a in assignments
                if applies_to(a, user_id)
            ]
    return list(rows.values())


@dataclass(frozen=True)
class InviteRow:
    """One address of an invitation list, as the preview shows it: ``error`` empty when it will be invited."""

    line: int
    email: str
    error: str = ""


def invite_rows(*, organisation: Organisation, addresses: list[tuple[int, str]], now: datetime) -> list[InviteRow]:
    """Check each (line, address): a valid address, once in the list, not yet a member, not invited already."""
    members = {e.lower() for e in organisation.memberships.values_list("user__email", flat=True)}
    invited = {
        e.lower()
        for e in organisation.invitations.filter(accepted_at__isnull=True, expires_at__gt=now).values_list(
            "email", flat=True
        )
    }
    seen: set[str] = set()
    rows: list[InviteRow] = []
    # Open invitations stay within reach of the seats (twice as many, at least 20): a list cannot become a mailing.
    room = max(2 * organisation.seats, 20) - len(invited)
    for line, raw in addresses:
        email = raw.strip()
        key = email.lower()
        error = ""
        try:
            validate_email(email)
        except ValidationError:
            error = _("Not a valid e-mail address.")
        if not error and key in seen:
            error = _("Listed twice: invited once.")
        elif not error and key in members:
            error = _("Already holds a seat.")
        elif not error and key in invited:
            error = _("Already invited; the invitation is still open.")
        elif not error and room <= 0:
            error = _("More open invitations than seats can use: withdraw some, or add seats.")
        if not error:
            room -= 1
        seen.add(key)
        rows.append(InviteRow(line, email[:254], error))
    return rows


# --- seats: bought as one-off orders, paid through any payment provider -----------------------------------
ITEM_PREFIX = "teams:"
LICENCE_DAYS = 365


def licence_base(organisation: Organisation, now: datetime) -> str:
    """What a quote was priced against: the end of the running licence, or "none". An order carries it, and is
    granted only while it is still so (``services.seat_order_grant``): an order paid after the licence changed
    (renewed, or seats added) would get seats at a price for another term."""
    if organisation.licence_active(now) and organisation.licence_ends_at:
        return f"{organisation.licence_ends_at:%Y%m%dT%H%M%S}-{organisation.seats}"
    return "none"


@dataclass(frozen=True)
class SeatPurchase:
    """What an order buys: a year's licence for ``seats`` seats (``kind`` "licence", which also renews), or
    ``seats`` more seats until the current licence ends ("add"), priced pro rata; ``base`` is what it was priced
    against (``licence_base``)."""

    organisation: Organisation
    kind: str
    seats: int
    amount: int
    currency: str
    until: datetime
    base: str

    @property
    def item(self) -> str:
        return f"{ITEM_PREFIX}{self.organisation.public_id}:{self.kind}:{self.seats}:{self.base}"


def seat_price(currency: str) -> int:
    """A seat-year costs what a year of Pro does for one member (``billing.Price``, yearly, in ``currency``)."""
    price = Price.objects.filter(interval="year", currency=currency, is_active=True).first()
    if price is None:
        raise TeamsError(_("Seats cannot be bought in %(currency)s.") % {"currency": currency})
    return price.amount


def seat_purchase_quote(
    *, organisation: Organisation, kind: str, seats: int, currency: str, now: datetime | None = None
) -> SeatPurchase:
    """The price of a purchase: a licence is ``seats`` × a seat-year, from the end of the current licence when it
    runs (a renewal, which keeps the running licence's seats: more are added, fewer wait for its end) or from now;
    added seats cost their share of the year left (at least a day)."""
    now = now or timezone.now()
    per_year = seat_price(currency)
    active = organisation.licence_active(now)
    base = licence_base(organisation, now)
    if kind == "licence" and active and seats != organisation.seats:
        raise TeamsError(
            ngettext(
                "While the licence runs, it renews with its %(count)d seat: add seats first, or renew after it ends "
                "to change the number.",
                "While the licence runs, it renews with its %(count)d seats: add seats first, or renew after it "
                "ends to change the number.",
                organisation.seats,
            )
            % {"count": organisation.seats}
        )
    if kind == "licence":
        taken = seats_used(organisation)
        if seats < max(1, taken):
            raise TeamsError(
                ngettext(
                    "%(count)d seat is taken: the licence needs at least as many.",
                    "%(count)d seats are taken: the licence needs at least as many.",
                    taken,
                )
                % {"count": taken}
            )
        start = organisation.licence_ends_at if active and organisation.licence_ends_at else now
        until = start + timedelta(days=LICENCE_DAYS)
        return SeatPurchase(organisation, kind, seats, seats * per_year, currency, until, base)
    if kind == "add":
        if not active or organisation.licence_ends_at is None:
            raise TeamsError(_("There is no licence running to add seats to. Buy a licence first."))
        days = max(1, (organisation.licence_ends_at - now).days)
        amount = -(-seats * per_year * days // LICENCE_DAYS)  # rounded up to the cent
        return SeatPurchase(organisation, kind, seats, amount, currency, organisation.licence_ends_at, base)
    raise TeamsError(_("Unknown purchase."))


def seat_order_description(quote: SeatPurchase) -> str:
    """The order's line on the receipt (English, like every receipt line: kept as it was when paid)."""
    until = quote.until.date().isoformat()
    if quote.kind == "licence":
        text = f"Preceptor licence: {quote.seats} seats for {quote.organisation.name}, until {until}"
    else:
        text = f"Preceptor: {quote.seats} more seats for {quote.organisation.name}, until {until}"
    return text[:200]


def seat_orders(organisation: Organisation) -> list[Order]:
    return list(
        Order.objects.filter(item__startswith=f"{ITEM_PREFIX}{organisation.public_id}:").order_by("-created_at")
    )


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def verified_addresses(user: User) -> set[str]:
    """The member's verified addresses, lower-cased."""
    return {a.lower() for a in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)}


def joinable_organisations(user: User) -> list[Organisation]:
    """Organisations that let the member's domain join, which they are not in, did not leave and were not removed
    from. An address counts when it is verified and no other organisation's (or institution's) sign-in provider can
    have vouched for it: a member who signed in with any provider but the organisation's own must be invited."""
    domains = {domain_of(a) for a in verified_addresses(user)}
    if not domains:
        return []
    providers = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
    candidates = (
        Organisation.objects.filter(join_by_domain=True, email_domain__in=domains)
        .exclude(memberships__user=user)
        .exclude(departures__user=user)
    )
    return [o for o in candidates if providers <= {o.sso_provider}]
