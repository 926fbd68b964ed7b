"""The vocabulary every app's ``privacy.py`` uses to declare the personal data it holds.

It lives in ``core`` so that any app can declare its data without importing the privacy app above it; the
privacy app (``preceptor.privacy.registry``) collects the declarations and runs export, erasure, retention
and the record of processing over them. Each declaration is typed: purposes, legal bases (GDPR art. 6(1),
and 9(2) for special categories), data categories, sources, recipients (keys of the processors register,
``core/processors.py``, plus in-house audiences), one or more retention rules, and the export and erasure
strategy. The older human-readable strings (``legal_basis``, ``retention``, ``recipients``) are derived from
them, so pages written against them keep working (decision 0025).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext, gettext_noop, ngettext

Erasure = Literal["delete", "pseudonymise", "keep"]
Unit = Literal["days", "months", "years"]
Effect = Literal["delete", "shorten"]


def _t(text: str) -> str:
    """A declaration's own words in the active language (``gettext("")`` would answer the catalogue's header)."""
    return gettext(text) if text else ""


class LegalBasis(StrEnum):
    """GDPR art. 6(1) and, for special categories of data, art. 9(2). The value is the article."""

    CONSENT = "6(1)(a)"
    CONTRACT = "6(1)(b)"
    LEGAL_OBLIGATION = "6(1)(c)"
    VITAL_INTERESTS = "6(1)(d)"
    PUBLIC_TASK = "6(1)(e)"
    LEGITIMATE_INTEREST = "6(1)(f)"
    HEALTH_EXPLICIT_CONSENT = "9(2)(a)"
    HEALTH_CARE = "9(2)(h)"
    LEGAL_CLAIMS = "9(2)(f)"

    @property
    def label(self) -> str:
        return gettext(_BASIS_LABELS[self])

    @property
    def article(self) -> str:
        """ "GDPR art. 6(1)(b)"; the German catalogue says "Art. 6(1)(b) DSGVO"."""
        return gettext("GDPR art. %(article)s") % {"article": self.value}


_BASIS_LABELS = {
    LegalBasis.CONSENT: gettext_noop("Consent"),
    LegalBasis.CONTRACT: gettext_noop("Contract"),
    LegalBasis.LEGAL_OBLIGATION: gettext_noop("Legal obligation"),
    LegalBasis.VITAL_INTERESTS: gettext_noop("Vital interests"),
    LegalBasis.PUBLIC_TASK: gettext_noop("Public task"),
    LegalBasis.LEGITIMATE_INTEREST: gettext_noop("Legitimate interest"),
    LegalBasis.HEALTH_EXPLICIT_CONSENT: gettext_noop("Explicit consent (health data)"),
    LegalBasis.HEALTH_CARE: gettext_noop("Health care (health data)"),
    LegalBasis.LEGAL_CLAIMS: gettext_noop("Legal claims (health data)"),
}


class Purpose(StrEnum):
    """Why data is processed; the published policy and the record of processing group by these."""

    ACCOUNT = "account"  # signing in, trial, membership, contacting the member
    LEARNING = "learning"  # courses, progress, quizzes
    LIVE_CLASSES = "live_classes"  # registration, reminders, attendance
    CME_CREDIT = "cme_credit"  # claims, certificates, reports to accreditors
    PAYMENT = "payment"  # taking payments, subscriptions, orders
    ACCOUNTING = "accounting"  # receipts, invoices, tax
    EMAIL = "email"  # sending e-mail the member asked for
    PROFILE = "profile"  # the public profile and teacher pages
    TEACHING = "teaching"  # teachers' pages and commitments
    SECURITY = "security"  # logs, two-factor sign-in, abuse prevention
    STATISTICS = "statistics"  # first-party statistics and diagnostics
    MARKETING = "marketing"  # consent-gated measurement and advertising
    ACCOUNTABILITY = "accountability"  # audit trail, back-office changes
    CONSENT_PROOF = "consent_proof"  # proof of consent and of information given
    DATA_RIGHTS = "data_rights"  # answering requests, disclosure ledger

    @property
    def label(self) -> str:
        return gettext(_PURPOSE_LABELS[self])


_PURPOSE_LABELS = {
    Purpose.ACCOUNT: gettext_noop("Your account and membership"),
    Purpose.LEARNING: gettext_noop("Courses, progress and quizzes"),
    Purpose.LIVE_CLASSES: gettext_noop("Live classes"),
    Purpose.CME_CREDIT: gettext_noop("CME credit and certificates"),
    Purpose.PAYMENT: gettext_noop("Payments and subscriptions"),
    Purpose.ACCOUNTING: gettext_noop("Accounting and tax records"),
    Purpose.EMAIL: gettext_noop("E-mail you asked for"),
    Purpose.PROFILE: gettext_noop("Profiles"),
    Purpose.TEACHING: gettext_noop("Teaching with us"),
    Purpose.SECURITY: gettext_noop("Security and diagnostics"),
    Purpose.STATISTICS: gettext_noop("Statistics"),
    Purpose.MARKETING: gettext_noop("Measurement and advertising (with consent)"),
    Purpose.ACCOUNTABILITY: gettext_noop("Accountability of staff and system actions"),
    Purpose.CONSENT_PROOF: gettext_noop("Proof of consent and of information given"),
    Purpose.DATA_RIGHTS: gettext_noop("Your data-protection rights"),
}


class DataCategory(StrEnum):
    IDENTITY = "identity"  # name, tombstone
    CONTACT = "contact"  # e-mail, phone, postal address
    ACCOUNT = "account"  # sign-in, language, trial, roles
    CREDENTIALS = "credentials"  # second-factor secrets
    PROFESSIONAL = "professional"  # profession, licences, NPI, board ids
    LEARNING = "learning"  # enrolments, progress, learning time
    ASSESSMENT = "assessment"  # quiz answers and scores, evaluations
    CREDIT = "credit"  # CME claims and certificates
    ATTENDANCE = "attendance"  # live-class registrations and attendance
    PAYMENT = "payment"  # provider references, subscriptions, orders
    INVOICE = "invoice"  # receipts, billing details
    COMMUNICATION = "communication"  # e-mail preferences, opens and clicks
    PROFILE = "profile"  # what the member shows on their profile
    TECHNICAL = "technical"  # IP address, user agent, request data
    CONSENT = "consent"  # consent decisions and acknowledgements
    ACTIVITY = "activity"  # audit events, back-office changes, business events
    REQUESTS = "requests"  # data requests and disclosures

    @property
    def label(self) -> str:
        return gettext(_CATEGORY_LABELS[self])


_CATEGORY_LABELS = {
    DataCategory.IDENTITY: gettext_noop("Name"),
    DataCategory.CONTACT: gettext_noop("Contact details"),
    DataCategory.ACCOUNT: gettext_noop("Account data"),
    DataCategory.CREDENTIALS: gettext_noop("Sign-in secrets"),
    DataCategory.PROFESSIONAL: gettext_noop("Professional identifiers"),
    DataCategory.LEARNING: gettext_noop("Learning activity"),
    DataCategory.ASSESSMENT: gettext_noop("Quiz and evaluation answers"),
    DataCategory.CREDIT: gettext_noop("CME credit"),
    DataCategory.ATTENDANCE: gettext_noop("Class attendance"),
    DataCategory.PAYMENT: gettext_noop("Payment data"),
    DataCategory.INVOICE: gettext_noop("Invoice data"),
    DataCategory.COMMUNICATION: gettext_noop("E-mail preferences and interactions"),
    DataCategory.PROFILE: gettext_noop("Profile"),
    DataCategory.TECHNICAL: gettext_noop("Technical data (IP address, browser)"),
    DataCategory.CONSENT: gettext_noop("Consent decisions"),
    DataCategory.ACTIVITY: gettext_noop("Activity records"),
    DataCategory.REQUESTS: gettext_noop("Data requests and disclosures"),
}


class Source(StrEnum):
    MEMBER = "member"  # the member gave it
    OBSERVED = "observed"  # recorded while the member uses the service
    STAFF = "staff"  # entered by staff
    PAYMENT_PROVIDER = "payment_provider"  # Stripe or PayPal told us
    VIDEO_CONFERENCE = "video_conference"  # the conference server reported it
    SIGN_IN_PROVIDER = "sign_in_provider"  # Facebook, Google or an institution, when the member signs in with it

    @property
    def label(self) -> str:
        return gettext(_SOURCE_LABELS[self])


_SOURCE_LABELS = {
    Source.MEMBER: gettext_noop("You"),
    Source.OBSERVED: gettext_noop("Your use of the service"),
    Source.STAFF: gettext_noop("Our staff"),
    Source.PAYMENT_PROVIDER: gettext_noop("Your payment provider"),
    Source.VIDEO_CONFERENCE: gettext_noop("The video-conference server"),
    Source.SIGN_IN_PROVIDER: gettext_noop("The service you sign in with (Facebook, Google or your institution)"),
}


class Audience(StrEnum):
    """Recipients inside the service (the processors register holds those outside)."""

    STAFF = "staff"
    TEACHERS = "teachers"  # the teachers of a class the member registered for
    MEMBERS = "members"  # other members, as the member chose
    PUBLIC = "public"  # everyone who views a page (teachers' pages, certificates by address)
    ORGANISATION = "organisation"  # the managers of an organisation the member holds a seat in, as they share

    @property
    def label(self) -> str:
        return gettext(_AUDIENCE_LABELS[self])


_AUDIENCE_LABELS = {
    Audience.STAFF: gettext_noop("Preceptor staff"),
    Audience.TEACHERS: gettext_noop("The class's teachers"),
    Audience.MEMBERS: gettext_noop("Members, as you chose"),
    Audience.PUBLIC: gettext_noop("Anyone with the page's address"),
    Audience.ORGANISATION: gettext_noop("Your organisation's managers, as far as you share"),
}


class Export(StrEnum):
    """What the data export (art. 15, 20) gives the member for a declaration."""

    FULL = "full"  # every declared field
    SUMMARY = "summary"  # the fields that mean something to the member (not internal ids or secrets)
    NOT_LINKED = "not_linked"  # not linked to the account, so it cannot be found by person; a statement instead


@dataclass(frozen=True)
class Period:
    """A length of time; ``setting`` names the setting (an int in ``unit``) that overrides ``amount``."""

    amount: int
    unit: Unit
    setting: str = ""

    def current(self) -> int:
        value = getattr(settings, self.setting, self.amount) if self.setting else self.amount
        return int(value)

    def delta(self) -> relativedelta:
        return relativedelta(**{self.unit: self.current()})

    @property
    def text(self) -> str:
        n = self.current()
        if self.unit == "days":
            return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
        if self.unit == "months":
            return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
        return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


@dataclass(frozen=True, kw_only=True)
class _Timed:
    """Rows whose ``anchor`` (a field or lookup path; null means the event has not happened yet) is older than
    ``period`` are removed (``effect`` "delete") or have their personal fields shortened (``effect`` "shorten").
    ``when`` narrows the rule to some rows (``filter(**dict(when))``, in the same ``filter`` as the anchor).
    With ``purge`` empty the generic retention engine enforces the rule; otherwise ``purge`` names the app's
    ``purge(now)`` that does, because the rule is more than a filter and a delete (aggregation, truncating a
    field, rows that other kept rows still rest on)."""

    period: Period
    anchor: str
    when: tuple[tuple[str, Any], ...] = ()
    effect: Effect = "delete"
    purge: str = ""
    note: str = ""

    @property
    def timed(self) -> bool:
        return True

    @property
    def generic(self) -> bool:
        return not self.purge

    def _noted(self, text: str) -> str:
        return f"{text} ({_t(self.note)})" if self.note else text


@dataclass(frozen=True, kw_only=True)
class Duration(_Timed):
    """A period backed by a named setting, counted from when the row was made (``anchor``)."""

    @property
    def text(self) -> str:
        return self._noted(self.period.text)


@dataclass(frozen=True, kw_only=True)
class AfterEvent(_Timed):
    """ "6 years after completion": ``event`` in words, ``anchor`` the field that records it."""

    event: str = ""

    @property
    def text(self) -> str:
        return self._noted(
            gettext("%(period)s after %(event)s") % {"period": self.period.text, "event": _t(self.event)}
        )


@dataclass(frozen=True, kw_only=True)
class LegalHold(_Timed):
    """Kept because a law requires it (``law`` names it), for ``period`` after ``event`` (``anchor``)."""

    law: str = ""
    event: str = ""

    @property
    def text(self) -> str:
        values = {"period": self.period.text, "event": _t(self.event), "law": _t(self.law)}
        if self.event:
            return self._noted(gettext("%(period)s after %(event)s, required by %(law)s") % values)
        return self._noted(gettext("%(period)s, required by %(law)s") % values)


@dataclass(frozen=True, kw_only=True)
class UntilErasure:
    """Kept while the account (or the thing ``note`` names) lasts; erasure removes it per ``erasure``."""

    note: str = ""

    @property
    def timed(self) -> bool:
        return False

    @property
    def text(self) -> str:
        return gettext("Until erasure") + (f" ({_t(self.note)})" if self.note else "")


TimedRule = Duration | AfterEvent | LegalHold
RetentionRule = TimedRule | UntilErasure

AFTER_ERASURE = Period(amount=3, unit="years", setting="RETENTION_AFTER_ERASURE_YEARS")


def after_erasure(*, user: str = "user", period: Period = AFTER_ERASURE, note: str = "") -> AfterEvent:
    """Kept for ``period`` after the member's erasure request was carried out (the row names the request's
    completion, ``privacy.DataRequest``, through the related name ``data_requests``), then deleted."""
    return AfterEvent(
        period=period,
        anchor=f"{user}__data_requests__completed_at",
        when=((f"{user}__data_requests__kind", "erasure"), (f"{user}__data_requests__status", "complete")),
        event=gettext_noop("the account is erased"),
        note=note,
    )


@dataclass(frozen=True)
class PersonalData:
    """One model's personal data, typed. ``name`` is the data set's plural label ("Credit claims") and ``purpose``
    the member-facing sentence; the rest is structure.

    The prose (``name``, ``purpose``, ``basis_note`` and the rules' ``event``, ``law`` and ``note``) is English,
    marked with ``gettext_noop`` so that makemessages extracts it, and translated where it is shown. ``name`` is
    the declaration's own rather than the model's ``verbose_name_plural``: third-party models (allauth's) have no
    translatable one, and Django's fallback appends an "s" to the translated singular."""

    model: type[models.Model]
    name: str
    fields: tuple[str, ...]
    purpose: str
    purposes: tuple[Purpose, ...]
    bases: tuple[LegalBasis, ...]
    categories: tuple[DataCategory, ...]
    sources: tuple[Source, ...]
    rules: tuple[RetentionRule, ...]
    erasure: Erasure
    export: Export = Export.FULL
    processors: tuple[str, ...] = field(default=())  # keys of core.processors.REGISTER
    audiences: tuple[Audience, ...] = field(default=())
    basis_note: str = ""  # e.g. "sending to ad platforms only with consent"

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def title(self) -> str:
        """The data set's name in the active language: "Credit claims", "Punkteanträge"."""
        return _t(self.name)

    @property
    def purpose_text(self) -> str:
        """The member-facing sentence in the active language."""
        return _t(self.purpose)

    @property
    def legal_basis(self) -> str:
        """Derived: "Contract; Legal obligation (GDPR art. 6(1)(b), 6(1)(c))"."""
        labels = "; ".join(b.label for b in self.bases)
        articles = ", ".join(b.value for b in self.bases)
        note = f"; {_t(self.basis_note)}" if self.basis_note else ""
        return gettext("%(bases)s (GDPR art. %(articles)s)") % {"bases": labels, "articles": articles} + note

    @property
    def retention(self) -> str:
        """Derived: each rule in words, "; " between them."""
        return "; ".join(rule.text for rule in self.rules)

    @property
    def timed_rules(self) -> tuple[TimedRule, ...]:
        return tuple(rule for rule in self.rules if not isinstance(rule, UntilErasure))

    @property
    def recipients(self) -> tuple[str, ...]:
        """Derived: in-house audiences, then the named processors and third parties (with their role)."""
        from preceptor.core.processors import processor

        named = []
        for key in self.processors:
            p = processor(key)
            named.append(f"{_t(p.name)} ({p.role.label})")
        return tuple(a.label for a in self.audiences) + tuple(named)


def rule_key(declaration: PersonalData, index: int) -> str:
    """A stable name for a declaration's rule, used in retention run counts: ``mail.EmailEvent#0``."""
    return f"{declaration.label}#{index}"


def row(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A model instance's ``fields`` as JSON-ready values (dates as ISO 8601, files as their name, a related
    object as its id — read from the row, not fetched: one query per row made a heavy member's export slow)."""
    out: dict[str, Any] = {}
    for name in fields:
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a property or an annotation
            field = None
        if isinstance(field, models.ForeignKey):  # one-to-one included
            out[name] = getattr(obj, field.attname)
            continue
        value = getattr(obj, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, models.fields.files.FieldFile):
            value = value.name or None
        elif isinstance(value, models.Model):
            value = value.pk
        out[name] = value
    return out


def value_rows(queryset: models.QuerySet, fields: Iterable[str], related: dict[str, str]) -> list[dict[str, Any]]:
    """``row`` for every row of ``queryset``, read as values without building a model instance per row (which
    cost a heavy member's export a second for 11,000 rows, D1): ``fields`` (plain fields and dates, a foreign key
    as its id), then each ``related`` name with the value of its lookup (``{"course": "course__title"}``)."""
    fields = tuple(fields)
    names = (*fields, *related)
    return [
        {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in zip(names, values, strict=True)
        }
        for values in queryset.values_list(*fields, *related.values())
    ]
