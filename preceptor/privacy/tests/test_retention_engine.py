"""The retention engine against every declaration: one row each side of every timed rule's boundary, then ten
years on. A declaration added without a row maker here fails ``test_every_timed_rule_has_a_row_maker``."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.db import models
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.analytics.models import RequestLog
from preceptor.billing.models import Order, Receipt, Subscription
from preceptor.catalog.models import Course
from preceptor.classes.models import Attendance, LiveClass, Registration, TeacherTerms, TermsAcceptance
from preceptor.cme.models import (
    Activity,
    Claim,
    EvaluationResponse,
    FacultyDisclosure,
    ParsRecord,
    Provider,
    RequirementStatus,
)
from preceptor.core.models import AuditEvent, DomainEvent, OutboxTask
from preceptor.core.personal_data import PersonalData, TimedRule
from preceptor.mail.models import EmailEvent, Newsletter, NewsletterDelivery, SuppressedAddress
from preceptor.privacy.models import (
    ConsentRecord,
    DataRequest,
    Disclosure,
    ErasureLog,
    PolicyAcknowledgement,
    PolicyVersion,
)
from preceptor.privacy.retention import timed_rules
from preceptor.privacy.services import retention_run
from preceptor.quizzes.models import Attempt, Quiz
from preceptor.support.models import Attachment as SupportAttachment
from preceptor.support.models import Message as SupportMessage
from preceptor.support.models import Ticket

pytestmark = pytest.mark.django_db

_n = itertools.count()


def _member(*, erased: bool = False) -> User:
    """A member; ``erased``: inactive, with an erasure request carried out now (the after-erasure anchor)."""
    n = next(_n)
    user = User.objects.create_user(email=f"m{n}@example.org", password=None, full_name=f"Member {n}")
    if erased:
        user.is_active = False
        user.save(update_fields=["is_active"])
        now = timezone.now()
        DataRequest.objects.create(
            user=user, kind="erasure", status="complete", received_at=now, due_at=now, completed_at=now
        )
    return user


def _course() -> Course:
    n = next(_n)
    return Course.objects.create(title=f"Course {n}", slug=f"course-{n}", summary="S.")


def _activity(*, expires: bool = False) -> Activity:
    n = next(_n)
    today = timezone.localdate()
    course = _course()
    provider = Provider.objects.create(name=f"Provider {n}")
    return Activity.objects.create(
        course=course,
        release_date=today - timedelta(days=1),
        expiration_date=today if expires else today + timedelta(days=700),
        accredited_provider=provider,
        learning_objectives="Learn.",
    )


def _claim(user: User | None = None) -> Claim:
    return Claim.objects.create(
        user=user or _member(),
        activity=_activity(),
        credit_type="ama",
        claimed_credits=Decimal("1"),
        minutes=60,
        completed_at=timezone.now(),
        learner_name="Member",
    )


def _erased_if_needed(rule: TimedRule) -> User:
    return _member(erased=any(lookup.startswith("user__data_requests") for lookup, _ in rule.when))


def _consent(rule: TimedRule) -> ConsentRecord:
    visitor = ("user__isnull", True) in rule.when
    user = None if visitor else _erased_if_needed(rule)
    return ConsentRecord.objects.create(
        subject_ref=f"visitor-{next(_n)}" if visitor else str(user.pk),  # type: ignore[union-attr]  # a visitor row has no user
        user=user,
        action="accept_all",
        surface="banner",
        policy_version="1",
        banner_version="1",
        language="en",
        expires_at=timezone.now(),
    )


def _data_request(rule: TimedRule) -> DataRequest:
    when = dict(rule.when)
    now = timezone.now()
    status = when.get("status", "complete")
    return DataRequest.objects.create(
        user=_member(),
        kind=when.get("kind", "export"),
        status=status,
        received_at=now,
        due_at=now + timedelta(days=30),
        completed_at=now,
    )


def _legal_request(rule: TimedRule) -> Any:
    from preceptor.privacy.models import LegalRequest

    now = timezone.now()
    return LegalRequest.objects.create(
        authority="Court",
        reference=f"R-{next(_n)}",
        legal_basis="§ 1",
        scope="Scope",
        decision="refuse",
        reasoning="No basis.",
        recorded_at=now,
        reviewed_at=now,
    )


def _registration() -> Registration:
    n = next(_n)
    live = LiveClass.objects.create(
        title=f"Class {n}",
        slug=f"class-{n}",
        description="D.",
        starts_at=timezone.now(),
        duration_minutes=60,
        capacity=5,
    )
    return Registration.objects.create(live_class=live, user=_member(), status="confirmed")


def _terms(rule: TimedRule) -> TermsAcceptance:
    terms = TeacherTerms.objects.create(version=f"t{next(_n)}", text="Terms.", published_at=timezone.now())
    return TermsAcceptance.objects.create(user=_erased_if_needed(rule), terms=terms, accepted_at=timezone.now())


def _acknowledgement(rule: TimedRule) -> PolicyAcknowledgement:
    policy = PolicyVersion.objects.create(version=f"p{next(_n)}", effective_on=timezone.localdate(), body="Policy.")
    return PolicyAcknowledgement.objects.create(user=_erased_if_needed(rule), policy=policy)


def _attempt(rule: TimedRule) -> Attempt:
    quiz = Quiz.objects.create(course=_course(), title="Post-test", slug=f"post-{next(_n)}")
    return Attempt.objects.create(user=_member(), quiz=quiz, started_at=timezone.now(), pass_mark=70)


MAKERS: dict[str, Callable[[TimedRule], models.Model]] = {
    "core.AuditEvent": lambda rule: AuditEvent.objects.create(action="account.created", subject=_member()),
    "core.DomainEvent": lambda rule: DomainEvent.objects.create(
        kind="trial_started", reference=f"d{next(_n)}", user=_member()
    ),
    "core.OutboxTask": lambda rule: OutboxTask.objects.create(task="preceptor.core.tasks.noop"),
    "admin.LogEntry": lambda rule: LogEntry.objects.create(user=_member(), object_repr="Member", action_flag=2),
    "privacy.ConsentRecord": _consent,
    "privacy.Disclosure": lambda rule: Disclosure.objects.create(
        user=_member(),
        recipient="Stripe",
        recipient_role="processor",
        data_categories="payment",
        purpose="payment",
        legal_basis="contract",
        occurred_at=timezone.now(),
    ),
    "privacy.DataRequest": _data_request,
    "privacy.PolicyAcknowledgement": _acknowledgement,
    "privacy.LegalRequest": _legal_request,
    "privacy.ErasureLog": lambda rule: ErasureLog.objects.create(
        user_id_erased=_member(erased=True).pk, email_hash=f"{next(_n):064x}"
    ),
    "mail.EmailEvent": lambda rule: EmailEvent.objects.create(user=_member(), campaign="news", kind="open"),
    "mail.NewsletterDelivery": lambda rule: NewsletterDelivery.objects.create(
        newsletter=Newsletter.objects.create(subject="News", body="Hello"), user=_member(), claim=uuid.uuid4()
    ),
    "mail.SuppressedAddress": lambda rule: SuppressedAddress.objects.create(
        address_hash=f"{SuppressedAddress.objects.count():064x}", reason=SuppressedAddress.Reason.ERASURE
    ),
    "analytics.RequestLog": lambda rule: RequestLog.objects.create(
        created_at=timezone.now(), request_id="r", method="GET", path="/", status=200, ip="203.0.113.7"
    ),
    "billing.Subscription": lambda rule: Subscription.objects.create(
        user=_member(), provider="stripe", provider_id=f"sub_{next(_n)}", status="canceled", ended_at=timezone.now()
    ),
    "billing.Receipt": lambda rule: Receipt.objects.create(
        user=_member(),
        provider="stripe",
        provider_id=f"in_{next(_n)}",
        description="Pro",
        amount=1000,
        currency="EUR",
        paid_at=timezone.now(),
    ),
    "billing.Order": lambda rule: Order.objects.create(
        user=_member(erased=True),
        item=f"class:{next(_n)}",
        description="A class",
        amount=1000,
        currency="EUR",
        status="paid",
        paid_at=timezone.now(),
    ),
    "quizzes.Attempt": _attempt,
    "classes.Attendance": lambda rule: Attendance.objects.create(
        registration=_registration(), joined_at=timezone.now()
    ),
    "classes.TermsAcceptance": _terms,
    "cme.Claim": lambda rule: _claim(),
    "cme.EvaluationResponse": lambda rule: EvaluationResponse.objects.create(
        user=_member(), activity=_activity(), submitted_at=timezone.now()
    ),
    "cme.RequirementStatus": lambda rule: RequirementStatus.objects.create(
        user=_member(),
        activity=_activity(),
        credit_type="ama",
        requirement="post_test",
        satisfied=True,
        checked_at=timezone.now(),
    ),
    "cme.ParsRecord": lambda rule: ParsRecord.objects.create(
        claim=_claim(),
        action="add",
        year=2026,
        fingerprint=f"f{next(_n)}",
        record={},
        batch="b",
        exported_at=timezone.now(),
    ),
    "cme.FacultyDisclosure": lambda rule: FacultyDisclosure.objects.create(
        activity=_activity(expires=True), full_name="Dr. Rita Reviewer"
    ),
    "support.Ticket": lambda rule: _ticket(),
    "support.Message": lambda rule: _support_message(),
    "support.Attachment": lambda rule: SupportAttachment.objects.create(
        message=_support_message(), file="support/none", filename="a.txt", content_type="text/plain", size=1
    ),
    "teams.Invitation": lambda rule: _invitation(accepted=rule.anchor == "accepted_at"),
    "teams.AssignmentReminder": lambda rule: _team_row("reminder"),
    "teams.Departure": lambda rule: _team_row("departure"),
}


def _team_row(kind: str):
    """A reminder sent now, or a member who left an organisation now."""
    from preceptor.catalog.models import Course
    from preceptor.teams.models import Assignment, AssignmentReminder, Departure, Organisation

    now = timezone.now()
    organisation, _ = Organisation.objects.get_or_create(slug="retention", defaults={"name": "Retention", "seats": 1})
    if kind == "departure":
        return Departure.objects.create(organisation=organisation, user=_member(), at=now)
    course, _ = Course.objects.get_or_create(slug="retention-course", defaults={"title": "Course", "summary": "S."})
    assignment = Assignment.objects.create(organisation=organisation, course=course, due_on=now.date())
    return AssignmentReminder.objects.create(assignment=assignment, user=_member(), sent_at=now)


def _invitation(*, accepted: bool):
    """Accepted now (valid two weeks more), or expiring now."""
    from preceptor.teams.models import Invitation, Organisation

    now = timezone.now()
    organisation, _ = Organisation.objects.get_or_create(slug="retention", defaults={"name": "Retention", "seats": 1})
    return Invitation.objects.create(
        organisation=organisation,
        email=f"invited-{next(_n)}@example.org",
        token_hash=uuid.uuid4().hex,
        expires_at=now + timedelta(days=14) if accepted else now,
        accepted_at=now if accepted else None,
    )


def _ticket() -> Ticket:
    """A ticket closed now (the time-travelled now)."""
    now = timezone.now()
    return Ticket.objects.create(
        user=_member(),
        email="asker@example.org",
        topic="other",
        subject="A question",
        status="closed",
        first_response_due_at=now,
        closed_at=now,
    )


def _support_message() -> SupportMessage:
    return SupportMessage.objects.create(ticket=_ticket(), kind="member", body="Hello")


def _exists(obj: models.Model) -> bool:
    return models.QuerySet(model=type(obj)).filter(pk=obj.pk).exists()


def _gone(declaration: PersonalData, rule: TimedRule, obj: models.Model) -> bool:
    if rule.effect == "shorten":  # the IP address: shortened, the row stays for the longer rule
        return not _exists(obj) or bool(models.QuerySet(model=type(obj)).get(pk=obj.pk).ip_truncated)
    return not _exists(obj)


def _make(label: str, rule: TimedRule, at: datetime) -> models.Model:
    with time_machine.travel(at, tick=False):
        return MAKERS[label](rule)


def test_every_timed_rule_has_a_row_maker():
    assert {d.label for _key, d, _rule in timed_rules()} - set(MAKERS) == set()


def test_each_rule_deletes_exactly_past_its_period_then_nothing_outlives_its_declaration_ten_years_on():
    base = timezone.now().replace(microsecond=0)
    rows = []
    for key, declaration, rule in timed_rules():
        boundary = base - rule.period.delta()
        inside = _make(declaration.label, rule, boundary + timedelta(days=1))
        past = _make(declaration.label, rule, boundary - timedelta(days=1))
        rows.append((key, declaration, rule, inside, past))

    run = retention_run(now=base)
    for key, declaration, rule, inside, past in rows:
        assert _gone(declaration, rule, past), f"{key} ({rule.text}) kept a row past its period"
        assert _exists(inside) and not _gone(declaration, rule, inside), f"{key} ({rule.text}) removed a row early"
        assert run.counts[key] >= 1, key

    again = retention_run(now=base)
    assert all(again.counts[key] == 0 for key, *_ in rows), "a second run at the same instant removed more"

    ten_years_on = base + timedelta(days=3653)
    retention_run(now=ten_years_on)
    outlived = [key for key, declaration, rule, inside, _ in rows if not _gone(declaration, rule, inside)]
    assert outlived == []


def test_a_period_follows_its_setting(settings):
    settings.RETENTION_EMAIL_EVENTS_MONTHS = 1
    [(key, declaration, rule)] = [(k, d, r) for k, d, r in timed_rules() if d.label == "mail.EmailEvent"]
    event = _make(declaration.label, rule, timezone.now() - timedelta(days=40))
    assert retention_run().counts[key] == 1
    assert not _exists(event)


def test_rows_of_members_not_erased_and_unfinished_events_stay_ten_years_on():
    member = _member()
    paid = Order.objects.create(
        user=member, item="class:1", description="A class", amount=1000, currency="EUR", status="paid",
        paid_at=timezone.now(),
    )  # fmt: skip
    active = Subscription.objects.create(user=member, provider="stripe", provider_id="sub_live", status="active")
    choice = ConsentRecord.objects.create(
        subject_ref=str(member.pk), user=member, action="accept_all", surface="banner", policy_version="1",
        banner_version="1", language="en", expires_at=timezone.now(),
    )  # fmt: skip
    retention_run(now=timezone.now() + timedelta(days=3653))
    assert _exists(paid) and _exists(active) and _exists(choice) and _exists(member)
