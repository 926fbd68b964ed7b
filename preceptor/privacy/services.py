from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_noop

from preceptor.accounts.models import User
from preceptor.core.bulk import db_value, rows_insert
from preceptor.core.hashing import address_hash
from preceptor.core.http import absolute_url, staff_may
from preceptor.core.models import AuditEvent
from preceptor.core.services import audit_event_record
from preceptor.privacy import consent, journal, registry, retention
from preceptor.privacy.models import (
    ConsentRecord,
    DataRequest,
    Disclosure,
    ErasureLog,
    LegalRequest,
    PlannedTransfer,
    PolicyVersion,
    RetentionRun,
)
from preceptor.privacy.selectors import data_export_build

logger = logging.getLogger(__name__)


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
        granted = frozenset(consent.offered())
    elif action == "reject_all":
        granted = frozenset()
    else:
        granted = frozenset(chosen) & frozenset(consent.offered())
    if current.granted - granted:
        action = ConsentRecord.Action.WITHDRAW
    return consent_record_create(
        request=request, action=action, surface=surface, granted=granted, previous=current.record_id
    )


# --- Disclosures ---------------------------------------------------------------------------------------------


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
    restricted_until: date | None = None,
    occurred_at: datetime | None = None,
) -> int:
    """Record that the personal data of each member in ``users`` reached ``recipient`` (a teacher, an
    accreditor, an ad platform, an authority) and return how many ledger rows were written.

    One row per member, however often the member appears in ``users`` (members or their ids, so a large
    export need not load the accounts), all with the same ``occurred_at`` (default: now). Rows are inserted
    a chunk at a time (``core.bulk``) and none is kept in memory, so an export of any size stays flat.

    ``restricted`` hides the row from the member's own ledger (``/settings/data/`` and their data export).
    It is allowed only when the law forbids telling the member, and then ``request_ref`` must name the legal
    request (e.g. the court order's number); a restricted row without one is refused with ``ValueError``.
    ``restricted_until`` is the secrecy's review date: from that day the member sees the row (a restricted row
    without it stays hidden until staff change it).

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
        restricted_until=restricted_until,
        occurred_at=occurred_at,
    )
    shared = {name: db_value(Disclosure, name, value) for name, value in fields.items()}

    def rows() -> Iterator[tuple[Any, ...]]:
        seen: set[int] = set()
        for user in users:
            user_id = user if isinstance(user, int) else user.pk
            if user_id not in seen:
                seen.add(user_id)
                yield (user_id, *shared.values())

    return rows_insert(Disclosure, ["user", *shared], rows())


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
    restricted_until: date | None,
    occurred_at: datetime | None,
) -> dict[str, Any]:
    """The one place that decides a ledger row's fields, and which rows the member may not see."""
    if recipient_role not in Disclosure.Role.values:
        raise ValueError(f"Unknown recipient role {recipient_role!r}.")
    if restricted and not request_ref.strip():
        raise ValueError("A disclosure hidden from the member must name the legal request (request_ref).")
    if restricted_until is not None and not restricted:
        raise ValueError("A review date (restricted_until) belongs only to a disclosure hidden from the member.")
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
        "restricted_until": restricted_until,
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
def erasure_request(*, user: User, now: datetime | None = None, options: dict[str, str] | None = None) -> DataRequest:
    """The member asks to delete their account: it is carried out after the cool-off. ``options`` are their
    answers to the choices apps offer on the form (``hooks.erasure_choices``), read back at erasure."""
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
        options=options or {},
    )
    sessions_revoke(user=user)
    audit_event_record(action="privacy.erasure_requested", actor=user, subject=user, target=request)
    _erasure_requested_mail(request=request, signed_out=True)
    return request


def _erasure_requested_mail(*, request: DataRequest, signed_out: bool) -> None:
    user = request.user
    if user is None or request.scheduled_for is None:
        return
    with translation.override(user.language or translation.get_language()):  # the date in the member's words
        scheduled_for = date_format(timezone.localtime(request.scheduled_for, user.zone), "DATETIME_FORMAT")
    _erasure_mail_queue(
        "erasure_requested",
        to=user.email,
        language=user.language,
        context={
            "user": user,
            "scheduled_for": scheduled_for,
            "zone": user.zone.key,
            "signed_out": signed_out,
            "url": absolute_url(reverse("privacy:data")),
        },
    )


def _erasure_mail_queue(template: str, *, to: str, language: str, context: dict[str, Any]) -> str:
    """The confirmations of an erasure: asked for (what will go, what stays, how to cancel), and carried out
    (what was kept and why), in the member's ``language`` (blank: the active one); and the notices to the
    recipients of the member's data. Rendered now, sent after the transaction commits. Returns the message's
    ``Message-ID``."""
    from email.utils import make_msgid
    from urllib.parse import urlsplit

    from preceptor.core.mail import email_queue, email_render

    message = email_render(
        template_prefix=f"privacy/email/{template}",
        to=to,
        language=language or None,
        context={"support_email": settings.SUPPORT_EMAIL, **context},
    )
    message.extra_headers["Message-ID"] = make_msgid(domain=urlsplit(settings.SITE_URL).hostname or None)
    email_queue(message)
    return message.extra_headers["Message-ID"]


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


@transaction.atomic
def erasure_perform(*, request: DataRequest, now: datetime | None = None) -> DataRequest:
    """Erase per the registry, log it for replay after a restore, and answer with what was kept and why."""
    now = now or timezone.now()
    user = request.user
    if user is None:
        raise ValueError("This erasure request has no account left to erase.")
    address, language = user.email, user.language  # as they were before the erasure: the answer goes there
    name = user.full_name
    log = ErasureLog(user_id_erased=user.pk, email_hash=address_hash(address))
    # Also outside the database, once committed: a restored older backup brings the member back (decision 0034).
    entry = journal.Entry(at=now, account=journal.account_hash(user), address=log.email_hash, options=request.options)
    transaction.on_commit(partial(_journal_append, entry))
    audit_event_record(action="privacy.erasure_performed", subject=user, target=request)
    # What each app kept is told to the member (the answer below, the data page): in their language.
    with translation.override(language or settings.LANGUAGE_CODE):
        kept = registry.erase_user(user)
    log.kept = kept
    log.save()
    request.status, request.completed_at, request.answer = DataRequest.Status.COMPLETE, now, {"kept": kept}
    request.save(update_fields=["status", "completed_at", "answer"])
    # The answer goes to the address the account had: the last message sent there.
    answer_id = _erasure_mail_queue(
        "erasure_done",
        to=address,
        language=language,
        context={"kept": [line for lines in kept.values() for line in lines]},
    )
    erasure_notices_send(user=user, name=name, address=address, answer_message_id=answer_id)
    return request


@transaction.atomic
def erasure_notices_send(*, user: User, name: str, address: str, answer_message_id: str = "") -> int:
    """The erasure chain's notices (GDPR art. 19, decision 0029): each recipient in the member's disclosure
    ledger is told by e-mail at the contact an app answers for it (``privacy.hooks.erasure_contact``) or the
    processors register names, queued after commit; a recipient without a contact gets a task for the privacy
    officer. The e-mail provider, which kept the address in its delivery logs, gets a task naming the erasure
    answer's ``Message-ID``. Each step is recorded (``core.erasure``) and done once per recipient: a replay
    sends nothing twice. ``name`` and ``address`` are the member's as they were before the erasure; neither
    is recorded. Returns how many recipients were newly told or given a task."""
    from preceptor.core import processors
    from preceptor.core.erasure import Channel, Status, erasure_notice_record, erasure_notices

    done = erasure_notices(user.pk)
    disclosures: dict[str, list[Disclosure]] = {}
    for disclosure in Disclosure.objects.filter(user=user).order_by("occurred_at", "pk"):
        disclosures.setdefault(disclosure.recipient, []).append(disclosure)
    count = 0
    for recipient, rows in disclosures.items():
        if recipient in done:
            continue
        contact = _erasure_contact(recipient)
        if contact:
            _erasure_mail_queue(
                "erasure_notice",
                to=contact,
                language="en",
                context={"recipient": recipient, "name": name, "address": address, "disclosures": rows},
            )
            erasure_notice_record(subject=user, recipient=recipient, channel=Channel.EMAIL, status=Status.QUEUED)
        else:
            erasure_notice_record(
                subject=user,
                recipient=recipient,
                channel=Channel.TASK,
                status=Status.OPEN,
                detail=(
                    "No contact is known for this recipient: tell it, by the way it received the data "
                    f"({', '.join(sorted({r.channel for r in rows if r.channel})) or 'see the ledger'}), that the "
                    "member was erased, so that it erases what it received; then close this task."
                ),
            )
        count += 1
    email = processors.register().get("email")
    if email is not None and email.active and "email" not in done:
        erasure_notice_record(
            subject=user,
            recipient="email",
            channel=Channel.TASK,
            status=Status.OPEN,
            detail=(
                f"{email.name} keeps delivery logs with the member's address. Ask it to delete those of the "
                "erased member; it finds the address by the Message-ID of the erasure answer, the last message "
                "sent to it (we no longer hold the address). Then close this task."
            ),
            data={"message_id": answer_message_id},
        )
        count += 1
    return count


def _erasure_contact(recipient: str) -> str:
    """The e-mail address to tell ``recipient`` of an erasure: an app's answer, else the processors register's
    contact of the entry the recipient is named after; "" when none is known."""
    from preceptor.core import processors
    from preceptor.privacy import hooks

    for answer in hooks.erasure_contact.call(recipient):
        if answer:
            return answer
    for entry in processors.register().values():
        if entry.contact and (recipient == entry.name or recipient.startswith((f"{entry.name},", f"{entry.name} "))):
            return entry.contact
    return ""


@transaction.atomic
def erasure_task_complete(*, task: AuditEvent, actor: User, note: str) -> AuditEvent:
    """The privacy officer did what an open erasure task asked (wrote to PayPal, to a recipient without a known
    contact): recorded as the step's new, closed state with ``note`` (what was done). Refused with
    ``ValueError`` for anything but the latest record of an open task, so a task is closed once."""
    from preceptor.core.erasure import Channel, Status, erasure_notice_record, erasure_notices

    recipient = str(task.data.get("recipient", ""))
    if task.subject is None or task.data.get("status") != Status.OPEN:
        raise ValueError("Only an open erasure task can be completed.")
    if erasure_notices(task.subject.pk).get(recipient) != task:
        raise ValueError("This erasure task has been completed already.")
    if not note.strip():
        raise ValueError("Say what was done.")
    return erasure_notice_record(
        subject=task.subject,
        recipient=recipient,
        channel=Channel.TASK,
        status=Status.CLOSED,
        detail=note.strip()[:500],
        actor=actor,
    )


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


def _journal_append(entry: journal.Entry) -> None:
    """Append an erasure to the journal after its commit. A journal that cannot be written does not undo the erasure
    (it is done): it is logged, and the next retention run copies the missing entry from the erasure log."""
    try:
        journal.journal_append([entry])
    except OSError:
        logger.exception(
            "The erasure journal %s could not be written; the retention run will add the entry", journal.journal_path()
        )


def _erased(user: User) -> bool:
    return user.email.startswith("erased-") and user.email.endswith("@invalid")


def _erasure_replay_one(*, user: User, at: datetime, email_hash: str, options: dict[str, Any]) -> None:
    """Erase ``user`` again as they were erased at ``at``: per the registry with the choices they made, their
    erasure request complete (made if the restored database never received it, so that what is kept "3 years after
    the erasure" is counted from it), and the erasure log row again. No e-mail: the member had their answer."""
    request = (
        DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ERASURE)
        .exclude(status=DataRequest.Status.CANCELLED)
        .order_by("-received_at")
        .first()
    )
    if request is None:
        request = DataRequest(user=user, kind=DataRequest.Kind.ERASURE, received_at=at, due_at=at, scheduled_for=at)
    request.options = {**request.options, **options}
    request.status, request.completed_at = DataRequest.Status.COMPLETE, at
    request.save()  # before the apps erase: they read the member's choices from it
    with translation.override(user.language or settings.LANGUAGE_CODE):
        kept = registry.erase_user(user)
    request.answer = {"kept": kept}
    request.save(update_fields=["answer"])
    if not ErasureLog.objects.filter(user_id_erased=user.pk).exists():
        log = ErasureLog.objects.create(user_id_erased=user.pk, email_hash=email_hash, kept=kept)
        ErasureLog.objects.filter(pk=log.pk).update(performed_at=at)  # when it was performed, for its retention
    audit_event_record(
        action="privacy.erasure_replayed", subject=user, target=request, data={"erased_at": at.isoformat()}
    )


@transaction.atomic
def erasures_replay(*, since: datetime | None = None, journal_file: Path | None = None) -> int:
    """After restoring a backup: erase again every account erased (since ``since``, default ever) that came back —
    those the restored erasure log names, and those the erasure journal outside the database names (decision 0034;
    ``journal_file``: a copy of the journal instead of ``settings.ERASURE_JOURNAL``). All or none: run it again after
    a failure; a second run finds nothing to do. Returns how many accounts were erased again."""
    count = 0
    logs = ErasureLog.objects.all() if since is None else ErasureLog.objects.filter(performed_at__gte=since)
    for log in logs:
        user = User.objects.filter(pk=log.user_id_erased).first()
        if user is not None and not _erased(user):
            with translation.override(user.language or settings.LANGUAGE_CODE):
                registry.erase_user(user)
            count += 1
    entries, unreadable = journal.journal_read(journal_file)
    if unreadable:
        logger.warning("The erasure journal has %d unreadable line(s); the others were replayed", unreadable)
    wanted = {entry.account: entry for entry in entries if since is None or entry.at >= since}
    if not wanted:
        return count
    found: dict[int, journal.Entry] = {}
    for account in User.objects.only("pk", "date_joined", "email").order_by("pk").iterator():
        entry = next((wanted[key] for key in journal.account_hashes(account) if key in wanted), None)
        if entry is not None and not _erased(account):
            found[account.pk] = entry
    for user in User.objects.filter(pk__in=found).order_by("pk"):  # read whole, and not while iterating the table
        entry = found[user.pk]
        _erasure_replay_one(user=user, at=entry.at, email_hash=entry.address, options=entry.options)
        count += 1
    return count


@transaction.atomic
def data_request_receive(
    *,
    user: User | None,
    kind: str,
    actor: User | None,
    verified: bool = True,
    via: str = "",
    now: datetime | None = None,
) -> DataRequest:
    """A request received outside the account pages (e-mail, letter, a support ticket), queued with its one-month
    deadline. One staff entered after checking who wrote (``verified``) starts an erasure's cool-off; one that
    arrived by itself (``verified=False``: a ticket, which links to it) schedules nothing — whoever wrote has not
    proved who they are, so staff check that first and then act from the queue."""
    now = now or timezone.now()
    erasure = kind == DataRequest.Kind.ERASURE and verified
    request = DataRequest.objects.create(
        user=user,
        kind=kind,
        received_at=now,
        due_at=now + relativedelta(months=1),
        scheduled_for=now + COOL_OFF if erasure else None,
    )
    data = {"via": via} if via else None
    audit_event_record(action=f"privacy.{kind}_received", actor=actor, subject=user, target=request, data=data)
    if erasure:
        _erasure_requested_mail(request=request, signed_out=False)
    return request


@transaction.atomic
def data_request_extend(*, request: DataRequest, months: int, reason: str, actor: User) -> DataRequest:
    """Extend the deadline (at most two months, once, before it passes) and tell the member why."""
    from preceptor.core.mail import email_queue, email_render

    request.due_at = request.due_at + relativedelta(months=min(months, 2))
    request.extension_reason = reason
    request.save(update_fields=["due_at", "extension_reason"])
    audit_event_record(
        action="privacy.request_extended", actor=actor, subject=request.user, target=request, data={"months": months}
    )
    if request.user:
        context = {"kind": request.get_kind_display(), "reason": reason, "due_at": request.due_at}
        email_queue(
            email_render(
                template_prefix="privacy/email/request_extended",
                context=context,
                to=request.user.email,
                language=request.user.language or None,
            )
        )
    return request


@transaction.atomic
def policy_publish(*, policy: PolicyVersion, actor: User | None) -> PolicyVersion:
    """Make a policy version known: clear the cache (consent is asked again), and for a material change
    tell every active member by e-mail; they acknowledge it at their next visit."""
    from django.core.cache import cache

    from preceptor.accounts.models import User
    from preceptor.core.mail import email_queue, email_render
    from preceptor.privacy.selectors import POLICY_CACHE_KEY

    cache.delete(POLICY_CACHE_KEY)
    if policy.material and policy.announced_at is None:
        members = User.objects.filter(is_active=True).values_list("email", "language")
        for email, language in members.iterator():  # each in their own language
            email_queue(
                email_render(
                    template_prefix="privacy/email/policy_updated",
                    context={"policy": policy},
                    to=email,
                    language=language or None,
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
def policy_version_create(
    *, effective_on: date, material: bool, summary: str, prose: dict[str, dict[str, str]], actor: User | None
) -> PolicyVersion:
    """A new version of the privacy policy generated from the declarations (``privacy/policy.py``) and the staff's
    prose, stored as published in every language with the declarations' fingerprint, then published."""
    from preceptor.privacy.policy import SECTIONS, declarations_hash, policy_render_all

    prose = {key: {lang: text.strip() for lang, text in prose.get(key, {}).items() if text.strip()} for key in SECTIONS}
    prose = {key: texts for key, texts in prose.items() if texts}
    version = slug = effective_on.isoformat()
    number = 1
    while PolicyVersion.objects.filter(version=version).exists():
        number += 1
        version = f"{slug}-{number}"
    policy = PolicyVersion.objects.create(
        version=version,
        effective_on=effective_on,
        material=material,
        summary=summary,
        prose=prose,
        rendered=policy_render_all(prose=prose),
        declarations_hash=declarations_hash(),
        body="",
    )
    return policy_publish(policy=policy, actor=actor)


@transaction.atomic
def policy_acknowledge(*, user: User, policy: PolicyVersion) -> None:
    from preceptor.privacy.models import PolicyAcknowledgement

    _ack, created = PolicyAcknowledgement.objects.get_or_create(user=user, policy=policy)
    if created:
        audit_event_record(action="privacy.policy_acknowledged", actor=user, subject=user, target=policy)


def retention_run(*, now: datetime | None = None) -> RetentionRun:
    """The daily retention run: every declared rule in every app's ``privacy.py`` (``privacy/retention.py``:
    the generic engine, and the app ``purge`` a rule names), recorded as one run with each rule's count. Not
    one transaction: each purge and each rule is its own, and the run is recorded after them."""
    now = now or timezone.now()
    counts = retention.enforce(now)
    return retention_run_record(started_at=now, counts=counts)


@transaction.atomic
def retention_run_record(*, started_at: datetime, counts: dict[str, int]) -> RetentionRun:
    """The record of a retention run that ends now (``/healthz`` reports the last one)."""
    return RetentionRun.objects.create(started_at=started_at, finished_at=timezone.now(), counts=counts)


# --- Legal requests (four eyes) -------------------------------------------------------------------------------
LEGAL_REQUEST_PERMISSION = "privacy.add_disclosure"  # the privacy officer's role (site/migrations/0001)


class FourEyesError(PermissionError):
    """The second officer must be a different privacy officer from the one who recorded the request."""


@transaction.atomic
def legal_request_record(
    *,
    authority: str,
    reference: str,
    legal_basis: str,
    scope: str,
    members: Iterable[User],
    decision: str,
    reasoning: str,
    disclosed: str = "",
    secret_until: date | None = None,
    actor: User,
    now: datetime | None = None,
) -> LegalRequest:
    """Record a request from an authority and the first officer's decision. Nothing is released: it waits for a
    second officer (``legal_request_approve``). A disclosure must say what is disclosed; a refusal discloses
    nothing; a secrecy review date must lie in the future."""
    now = now or timezone.now()
    members = list(members)
    if not staff_may(actor, LEGAL_REQUEST_PERMISSION):
        raise PermissionError("Only a privacy officer records legal requests.")
    if decision not in LegalRequest.Decision.values:
        raise ValueError(f"Unknown decision {decision!r}.")
    if not members:
        raise ValueError("A legal request concerns at least one member.")
    if decision == LegalRequest.Decision.REFUSE:
        disclosed, secret_until = "", None
    elif not disclosed.strip():
        raise ValueError("A decision to disclose must say what is disclosed.")
    if secret_until is not None and secret_until <= timezone.localdate(now):
        raise ValueError("The secrecy review date must lie in the future.")
    legal_request = LegalRequest.objects.create(
        authority=authority,
        reference=reference,
        legal_basis=legal_basis,
        scope=scope,
        decision=decision,
        reasoning=reasoning,
        disclosed=disclosed,
        secret_until=secret_until,
        recorded_by=actor,
        recorded_at=now,
    )
    legal_request.members.set(members)
    audit_event_record(
        action="privacy.legal_request_recorded",
        actor=actor,
        target=legal_request,
        data={"reference": reference, "decision": decision, "members": [m.pk for m in members]},
    )
    return legal_request


def _legal_request_review_check(legal_request: LegalRequest, reviewer: User) -> None:
    if legal_request.status != LegalRequest.Status.PENDING:
        raise ValueError("This legal request was already decided.")
    if not staff_may(reviewer, LEGAL_REQUEST_PERMISSION):
        raise PermissionError("Only a privacy officer approves legal requests.")
    if reviewer.pk == legal_request.recorded_by_id:
        raise FourEyesError("A second privacy officer, not the one who recorded it, must approve or decline it.")


@transaction.atomic
def legal_request_approve(
    *, legal_request: LegalRequest, actor: User, note: str = "", now: datetime | None = None
) -> LegalRequest:
    """The second officer's approval. A disclosure is released now: each member concerned gets one ledger row
    (hidden from them until the secrecy review date, if there is one); an approved refusal releases nothing."""
    now = now or timezone.now()
    legal_request = LegalRequest.objects.select_for_update().get(pk=legal_request.pk)
    _legal_request_review_check(legal_request, actor)
    written = 0
    if legal_request.decision == LegalRequest.Decision.REFUSE:
        legal_request.status = LegalRequest.Status.REFUSED
    else:
        legal_request.status = LegalRequest.Status.RELEASED
        written = disclosures_record(
            users=legal_request.members.all(),
            recipient=legal_request.authority,
            recipient_role=Disclosure.Role.AUTHORITY,
            data_categories=legal_request.disclosed,
            purpose=f"Legal request: {legal_request.scope}"[:300],
            legal_basis=legal_request.legal_basis,
            channel="legal request",
            request_ref=legal_request.reference,
            restricted=legal_request.secret_until is not None,
            restricted_until=legal_request.secret_until,
            occurred_at=now,
        )
    legal_request.reviewed_by, legal_request.reviewed_at, legal_request.review_note = actor, now, note
    legal_request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_event_record(
        action="privacy.legal_request_approved",
        actor=actor,
        target=legal_request,
        data={"recorded_by": legal_request.recorded_by_id, "status": legal_request.status, "ledger_rows": written},
    )
    return legal_request


@transaction.atomic
def legal_request_decline(
    *, legal_request: LegalRequest, actor: User, note: str, now: datetime | None = None
) -> LegalRequest:
    """The second officer does not agree: nothing is released, and the note says why (record it anew)."""
    legal_request = LegalRequest.objects.select_for_update().get(pk=legal_request.pk)
    _legal_request_review_check(legal_request, actor)
    if not note.strip():
        raise ValueError("Say why the request is declined.")
    legal_request.status = LegalRequest.Status.DECLINED
    legal_request.reviewed_by, legal_request.reviewed_at, legal_request.review_note = actor, now or timezone.now(), note
    legal_request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    audit_event_record(
        action="privacy.legal_request_declined",
        actor=actor,
        target=legal_request,
        data={"recorded_by": legal_request.recorded_by_id},
    )
    return legal_request


# --- Merger or acquisition (``manage.py transfer_archive``) ----------------------------------------------------
class TransferNotDue(Exception):
    """The archive is produced only after the notice period the members were given."""


def _transfer_members() -> QuerySet[User]:
    """Every account that was not erased (an erased member's remains are never transferred)."""
    # The erasure log is kept three years (decision 0034); the pseudonymised account stays, with its tombstone address.
    logged = ErasureLog.objects.values("user_id_erased")
    return (
        User.objects.exclude(pk__in=logged)
        .exclude(email__startswith="erased-", email__endswith="@invalid")
        .order_by("pk")
    )


@transaction.atomic
def transfer_notify(*, acquirer: str, notice_days: int, now: datetime | None = None) -> PlannedTransfer:
    """Record the planned transfer and e-mail every member the notice, in their language, ``notice_days`` ahead."""
    from preceptor.core.mail import email_queue, email_render

    now = now or timezone.now()
    acquirer = acquirer.strip()
    if not acquirer:
        raise ValueError("Name the acquirer.")
    if notice_days < 1:
        raise ValueError("The notice period is at least one day.")
    transfer = PlannedTransfer.objects.create(
        acquirer=acquirer, notice_days=notice_days, notified_at=now, export_after=now + timedelta(days=notice_days)
    )
    count = 0
    for email, language in _transfer_members().filter(is_active=True).values_list("email", "language").iterator():
        email_queue(
            email_render(
                template_prefix="privacy/email/transfer_notice",
                context={"acquirer": acquirer, "transfer_on": transfer.export_after},
                to=email,
                language=language or None,
            )
        )
        count += 1
    transfer.members_notified = count
    transfer.save(update_fields=["members_notified"])
    audit_event_record(
        action="privacy.transfer_notified", target=transfer, data={"acquirer": acquirer, "members": count}
    )
    return transfer


@transaction.atomic
def transfer_export(*, transfer: PlannedTransfer, public_key_pem: bytes, now: datetime | None = None) -> bytes:
    """The complete transfer archive, encrypted to the acquirer's public key (``privacy/transfer.py``), with a
    ledger row naming the acquirer for each member in it. Refused (``TransferNotDue``) before the notice period
    has passed; erased members are left out."""
    from preceptor.privacy import transfer as crypto

    now = now or timezone.now()
    transfer = PlannedTransfer.objects.select_for_update().get(pk=transfer.pk)
    if now < transfer.export_after:
        raise TransferNotDue(f"The members were promised notice until {transfer.export_after:%Y-%m-%d %H:%M}.")
    recipient_key = crypto.public_key_load(public_key_pem)  # a bad key fails before anything is recorded
    members = list(_transfer_members())
    plain = crypto.archive_build(members=members, acquirer=transfer.acquirer, now=now)
    sealed = crypto.archive_encrypt(plain, recipient_key, acquirer=transfer.acquirer)
    disclosures_record(
        users=members,
        recipient=transfer.acquirer,
        recipient_role=Disclosure.Role.CONTROLLER,
        data_categories=gettext_noop("All data of your account"),
        purpose=gettext_noop("Transfer of the service to its new owner (merger or acquisition)"),
        legal_basis=gettext_noop("Legitimate interests (GDPR art. 6(1)(f))"),
        channel="encrypted transfer archive",
        occurred_at=now,
    )
    transfer.exported_at, transfer.members_transferred = now, len(members)
    transfer.key_fingerprint = crypto.public_key_fingerprint(recipient_key)
    transfer.save(update_fields=["exported_at", "members_transferred", "key_fingerprint"])
    audit_event_record(
        action="privacy.transfer_exported",
        target=transfer,
        data={"acquirer": transfer.acquirer, "members": len(members), "key": transfer.key_fingerprint},
    )
    return sealed
