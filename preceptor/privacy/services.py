from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record
from preceptor.privacy import consent, registry
from preceptor.privacy.models import (
    ConsentRecord,
    DataRequest,
    Disclosure,
    ErasureLog,
    PolicyVersion,
    RetentionRun,
)
from preceptor.privacy.selectors import data_export_build


def _browser_family(user_agent: str) -> str:
    ua = user_agent.lower()
    for needle, family in (("edg/", "Edge"), ("firefox/", "Firefox"), ("chrome/", "Chrome"), ("safari/", "Safari")):
        if needle in ua:
            return family
    return "Other" if ua else ""


@transaction.atomic
def consent_record_create(
    *,
    request: HttpRequest,
    action: str,
    surface: str,
    granted: frozenset[str],
    previous: str = "",
    denied: frozenset[str] | None = None,
    user: User | None = None,
) -> ConsentRecord:
    """Append one decision. ``subject_ref`` is the member's id, or the previous record's subject for visitors."""
    if user is None and request.user.is_authenticated:
        user = request.user
    prior = ConsentRecord.objects.filter(pk=previous).first() if previous else None
    record = ConsentRecord(
        user=user,
        action=action,
        surface=surface,
        granted=sorted(granted),
        denied=sorted(denied if denied is not None else set(consent.PURPOSES) - set(granted)),
        policy_version=consent.policy_version(),
        banner_version=consent.banner_version(),
        language=get_language() or "",
        signals=consent.signals_of(request),
        user_agent=_browser_family(request.headers.get("User-Agent", ""))[:60],
        expires_at=timezone.now() + timedelta(seconds=consent.MAX_AGE),
        supersedes=prior,
    )
    record.subject_ref = f"user:{user.pk}" if user else (prior.subject_ref if prior else f"visitor:{record.id}")
    record.save()
    if user:
        audit_event_record(
            action=f"consent.{action}", actor=user, subject=user, target=record, data={"granted": record.granted}
        )
    return record


@transaction.atomic
def visitor_consent_transfer(user: User, request: HttpRequest) -> None:
    """Registered on ``accounts.hooks.signed_up`` (so positional, as the hook calls it): the choice the visitor
    made before signing up becomes the new member's, in the sign-up transaction (before anything reacts to the
    sign-up)."""
    consent = getattr(request, "consent", None)
    if consent is not None and consent.decided:
        consent_record_create(
            request=request,
            action="custom",
            surface="signup",
            granted=consent.granted,
            previous=consent.record_id,
            user=user,
        )


@transaction.atomic
def consent_decide(*, request: HttpRequest, action: str, surface: str, chosen: set[str]) -> ConsentRecord:
    """Turn a form's action into granted purposes and record it; taking back a grant is recorded as withdraw."""
    current = consent.read(request)
    if action == "accept_all":
        granted = frozenset(consent.PURPOSES)
    elif action == "reject_all":
        granted = frozenset()
    else:
        granted = frozenset(chosen) & frozenset(consent.PURPOSES)
    if current.granted - granted:
        action = ConsentRecord.Action.WITHDRAW
    return consent_record_create(
        request=request, action=action, surface=surface, granted=granted, previous=current.record_id
    )


# --- Disclosures ---------------------------------------------------------------------------------------------
DISCLOSURE_CHUNK = 2000  # rows per INSERT: a PARS export of 100,000 completions stays at flat memory


@transaction.atomic
def disclosures_record(
    *,
    users: Iterable[User | int],
    recipient: str,
    recipient_role: str,
    data_categories: str,
    purpose: str,
    legal_basis: str,
    channel: str = "",
    transfer_country: str = "",
    safeguard: str = "",
    request_ref: str = "",
    restricted: bool = False,
    occurred_at: datetime | None = None,
) -> int:
    """Record that the personal data of each member in ``users`` reached ``recipient`` (a teacher, an
    accreditor, an ad platform, an authority) and return how many ledger rows were written.

    One row per member, however often the member appears in ``users`` (members or their ids, so a large
    export need not load the accounts), all with the same ``occurred_at`` (default: now). Rows are inserted
    ``DISCLOSURE_CHUNK`` at a time and none is kept in memory, so an export of any size stays flat.

    ``restricted`` hides the row from the member's own ledger (``/settings/data/`` and their data export).
    It is allowed only when the law forbids telling the member, and then ``request_ref`` must name the legal
    request (e.g. the court order's number); a restricted row without one is refused with ``ValueError``.

    A caller must never write ``Disclosure`` rows itself (``Disclosure(...)``, ``Disclosure.objects.create``,
    ``bulk_create``; ``privacy/tests/test_disclosures.py`` fails on any), never record data that stays within
    the member's own account, never record a disclosure that did not happen (call it inside the transaction
    that sends or exports, so a rolled-back export leaves no ledger row), and never set ``restricted`` to
    spare a recipient or ourselves the member's questions.
    """
    fields = _disclosure_fields(
        recipient=recipient,
        recipient_role=recipient_role,
        data_categories=data_categories,
        purpose=purpose,
        legal_basis=legal_basis,
        channel=channel,
        transfer_country=transfer_country,
        safeguard=safeguard,
        request_ref=request_ref,
        restricted=restricted,
        occurred_at=occurred_at,
    )
    seen: set[int] = set()
    chunk: list[Disclosure] = []
    written = 0
    for user in users:
        user_id = user if isinstance(user, int) else user.pk
        if user_id in seen:
            continue
        seen.add(user_id)
        chunk.append(Disclosure(user_id=user_id, **fields))
        if len(chunk) == DISCLOSURE_CHUNK:
            Disclosure.objects.bulk_create(chunk)
            written += len(chunk)
            chunk.clear()
    if chunk:
        Disclosure.objects.bulk_create(chunk)
        written += len(chunk)
    return written


def _disclosure_fields(
    *,
    recipient: str,
    recipient_role: str,
    data_categories: str,
    purpose: str,
    legal_basis: str,
    channel: str,
    transfer_country: str,
    safeguard: str,
    request_ref: str,
    restricted: bool,
    occurred_at: datetime | None,
) -> dict[str, Any]:
    """The one place that decides a ledger row's fields, and which rows the member may not see."""
    if recipient_role not in Disclosure.Role.values:
        raise ValueError(f"Unknown recipient role {recipient_role!r}.")
    if restricted and not request_ref.strip():
        raise ValueError("A disclosure hidden from the member must name the legal request (request_ref).")
    return {
        "recipient": recipient,
        "recipient_role": recipient_role,
        "data_categories": data_categories,
        "purpose": purpose,
        "legal_basis": legal_basis,
        "channel": channel,
        "transfer_country": transfer_country,
        "safeguard": safeguard,
        "request_ref": request_ref,
        "restricted": restricted,
        "occurred_at": occurred_at or timezone.now(),
    }


# --- Data export (the archive is built in ``selectors.data_export_build``) ------------------------------------
@transaction.atomic
def data_export_request(*, user: User, now: datetime | None = None) -> tuple[DataRequest, bytes]:
    """Record the request first, so the copy lists it too, then build the archive and close the request."""
    now = now or timezone.now()
    request = DataRequest.objects.create(
        user=user, kind=DataRequest.Kind.EXPORT, received_at=now, due_at=now + relativedelta(months=1)
    )
    archive = data_export_build(user=user, now=now)
    request.status, request.completed_at = DataRequest.Status.COMPLETE, timezone.now()
    request.save(update_fields=["status", "completed_at"])
    audit_event_record(action="privacy.export_downloaded", actor=user, subject=user, target=request)
    return request, archive


# --- Erasure -------------------------------------------------------------------------------------------------
COOL_OFF = timedelta(days=7)


@transaction.atomic
def erasure_request(*, user: User, now: datetime | None = None) -> DataRequest:
    now = now or timezone.now()
    existing = DataRequest.objects.filter(
        user=user, kind=DataRequest.Kind.ERASURE, status=DataRequest.Status.PENDING
    ).first()
    if existing:
        return existing
    request = DataRequest.objects.create(
        user=user,
        kind=DataRequest.Kind.ERASURE,
        received_at=now,
        due_at=now + relativedelta(months=1),
        scheduled_for=now + COOL_OFF,
    )
    sessions_revoke(user=user)
    audit_event_record(action="privacy.erasure_requested", actor=user, subject=user, target=request)
    return request


@transaction.atomic
def sessions_revoke(*, user: User) -> int:
    """Sign the member out everywhere (a pending erasure); signing in again still allows cancelling it."""
    from django.contrib.sessions.models import Session

    revoked = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            revoked += 1
    return revoked


@transaction.atomic
def erasure_cancel(*, request: DataRequest, actor: User) -> DataRequest:
    if request.status == DataRequest.Status.PENDING:
        request.status = DataRequest.Status.CANCELLED
        request.completed_at = timezone.now()
        request.save(update_fields=["status", "completed_at"])
        audit_event_record(action="privacy.erasure_cancelled", actor=actor, subject=request.user, target=request)
    return request


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


@transaction.atomic
def erasure_perform(*, request: DataRequest, now: datetime | None = None) -> DataRequest:
    """Erase per the registry, log it for replay after a restore, and answer with what was kept and why."""
    now = now or timezone.now()
    user = request.user
    if user is None:
        raise ValueError("This erasure request has no account left to erase.")
    log = ErasureLog(user_id_erased=user.pk, email_hash=_email_hash(user.email))
    audit_event_record(action="privacy.erasure_performed", subject=user, target=request)
    kept = registry.erase_user(user)
    log.kept = kept
    log.save()
    request.status, request.completed_at, request.answer = DataRequest.Status.COMPLETE, now, {"kept": kept}
    request.save(update_fields=["status", "completed_at", "answer"])
    return request


def due_erasures_perform(*, now: datetime | None = None) -> int:
    """Perform every erasure whose cool-off has passed. Not one transaction: each erasure is its own
    (``erasure_perform``), so that one that fails does not undo the others."""
    now = now or timezone.now()
    due = DataRequest.objects.filter(
        kind=DataRequest.Kind.ERASURE, status=DataRequest.Status.PENDING, scheduled_for__lte=now
    ).select_related("user")
    count = 0
    for request in due:
        erasure_perform(request=request, now=now)
        count += 1
    return count


@transaction.atomic
def erasures_replay() -> int:
    """After restoring a backup: erase again every account the erasure log names that came back (all or none:
    run it again after a failure)."""
    from preceptor.accounts.models import User

    count = 0
    for log in ErasureLog.objects.all():
        user = User.objects.filter(pk=log.user_id_erased).first()
        if user is not None and not user.email.startswith("erased-"):
            registry.erase_user(user)
            count += 1
    return count


@transaction.atomic
def data_request_receive(*, user: User, kind: str, actor: User | None, now: datetime | None = None) -> DataRequest:
    """A request received outside the account pages (e-mail, letter), queued with its one-month deadline."""
    now = now or timezone.now()
    request = DataRequest.objects.create(
        user=user,
        kind=kind,
        received_at=now,
        due_at=now + relativedelta(months=1),
        scheduled_for=now + COOL_OFF if kind == DataRequest.Kind.ERASURE else None,
    )
    audit_event_record(action=f"privacy.{kind}_received", actor=actor, subject=user, target=request)
    return request


@transaction.atomic
def data_request_extend(*, request: DataRequest, months: int, reason: str, actor: User) -> DataRequest:
    """Extend the deadline (at most two months, once, before it passes) and tell the member why."""
    from django.core.mail import EmailMessage

    from preceptor.core.mail import email_queue

    request.due_at = request.due_at + relativedelta(months=min(months, 2))
    request.extension_reason = reason
    request.save(update_fields=["due_at", "extension_reason"])
    audit_event_record(
        action="privacy.request_extended", actor=actor, subject=request.user, target=request, data={"months": months}
    )
    if request.user:
        email_queue(
            EmailMessage(
                subject="Your data request: more time needed",
                body=f"We need more time to answer your request ({request.get_kind_display()}).\n\n{reason}\n\n"
                f"The new deadline is {request.due_at:%Y-%m-%d}.",
                to=[request.user.email],
            )
        )
    return request


@transaction.atomic
def policy_publish(*, policy: PolicyVersion, actor: User) -> PolicyVersion:
    """Make a policy version known: clear the cache (consent is asked again), and for a material change
    tell every active member by e-mail; they acknowledge it at their next visit."""
    from django.core.cache import cache
    from django.core.mail import EmailMessage

    from preceptor.accounts.models import User
    from preceptor.core.mail import email_queue
    from preceptor.privacy.selectors import POLICY_CACHE_KEY

    cache.delete(POLICY_CACHE_KEY)
    if policy.material and policy.announced_at is None:
        for email in User.objects.filter(is_active=True).values_list("email", flat=True).iterator():
            email_queue(
                EmailMessage(
                    subject="We have updated our privacy policy",
                    body=f"Our privacy policy changes on {policy.effective_on:%Y-%m-%d}.\n\n{policy.summary}\n\n"
                    "You will be asked to acknowledge it at your next visit.",
                    to=[email],
                )
            )
        policy.announced_at = timezone.now()
        policy.save(update_fields=["announced_at"])
    audit_event_record(
        action="privacy.policy_published",
        actor=actor,
        target=policy,
        data={"version": policy.version, "material": policy.material},
    )
    return policy


@transaction.atomic
def policy_acknowledge(*, user: User, policy: PolicyVersion) -> None:
    from preceptor.privacy.models import PolicyAcknowledgement

    _ack, created = PolicyAcknowledgement.objects.get_or_create(user=user, policy=policy)
    if created:
        audit_event_record(action="privacy.policy_acknowledged", actor=user, subject=user, target=policy)


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """The daily retention jobs: every app's ``purge`` from its ``privacy.py``, recorded as one run. Not one
    transaction: each app's purge is its own, and the run is recorded after them (``retention_run_record``)."""
    now = now or timezone.now()
    counts = registry.purge(now)
    return retention_run_record(started_at=now, counts=counts)


@transaction.atomic
def retention_run_record(*, started_at: datetime, counts: dict[str, int]) -> RetentionRun:
    """The record of a retention run that ends now (``/healthz`` reports the last one)."""
    return RetentionRun.objects.create(started_at=started_at, finished_at=timezone.now(), counts=counts)
