"""ACCME PARS learner-completion export (docs/requirements.md, CME requirements 21–28).

Records are never edited in PARS: the exporter compares what each claim should look like in PARS with what
was last sent for it (``ParsRecord``) and emits only the difference — ``add`` for a new completion, ``delete``
for one that was withdrawn (revoked claim, consent withdrawn), and ``delete`` then ``add`` for a correction.
Output is streamed claim by claim, so memory stays flat however many completions a year holds.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from typing import Any, TextIO
from uuid import UUID
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from preceptor.cme.models import Activity, Claim, CreditType, LearnerIdentity, ParsRecord
from preceptor.core.bulk import db_value, rows_insert
from preceptor.privacy.models import Disclosure
from preceptor.privacy.services import disclosures_record

REPORTING_ZONE = ZoneInfo("America/Chicago")  # PARS assumes US Central time (requirement 26)
CHUNK = 2000
ACTIVITY_CERTIFICATION = "AMA PRA Category 1"
TSV_COLUMNS = (
    "LearnerRecordAction",
    "ReportingOrganization",
    "GivenName",
    "FamilyName",
    "BirthDate",
    "ProviderOrganization",
    "ModuleID",
    "ModuleName",
    "Status",
    "CompletedDateTime",
    "UniqueIDDomain",
    "UniqueIDValue",
    "ActivityCertification",
    "CreditUnit",
    "NumberOfCredits",
    "CreditID",
)


class YearClosed(Exception):
    pass


def year_closes_at(year: int) -> datetime:
    """Learner data for ``year`` is accepted until the end of 31 March of the next year, Central time."""
    return datetime.combine(date(year + 1, 4, 1), time(0, 0), tzinfo=REPORTING_ZONE)


def year_state(year: int, now: datetime | None = None) -> str:
    """ "open", "closing" (within 30 days of the deadline) or "closed" (requirement 27)."""
    now = now or timezone.now()
    closes = year_closes_at(year)
    if now >= closes:
        return "closed"
    return "closing" if closes - now <= timedelta(days=30) else "open"


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, 1, 1), time(0, 0), tzinfo=REPORTING_ZONE)
    return start, datetime.combine(date(year + 1, 1, 1), time(0, 0), tzinfo=REPORTING_ZONE)


def reporting_datetime(moment: datetime) -> str:
    """The moment as a Central-time wall clock, as PARS expects it, with its offset (``-06:00`` or ``-05:00``):
    the schema's ``date-time`` format is RFC 3339, which requires one; the calendar date stays Central's."""
    return moment.astimezone(REPORTING_ZONE).isoformat(timespec="seconds")  # the microseconds dropped


def learner_record(claim: Claim | _Row, identity: LearnerIdentity, activity: Activity) -> dict[str, Any]:
    """One ``ActivityReport`` for the claim (requirement 24), without its action."""
    return _record(
        activity,
        member=_member(identity),
        unique_id=identity.unique_ids[0],
        completed=reporting_datetime(claim.completed_at),
        credits=float(claim.claimed_credits),
        credit_id=_credit_id(activity, claim.certificate_id),
    )


def _member(identity: LearnerIdentity) -> dict[str, Any]:
    member: dict[str, Any] = {"Name": {"GivenName": identity.first_name, "FamilyName": identity.last_name}}
    if identity.birth_date:
        member["PersonalInfo"] = {"BirthDate": identity.birth_date}
    return member


def _credit_id(activity: Activity, certificate_id: Any) -> str:
    return f"ccid:{activity.accredited_provider.reporting_domain}:{certificate_id}"[:300]


def _record(
    activity: Activity, *, member: Any, unique_id: Any, completed: str, credits: Any, credit_id: str
) -> dict[str, Any]:
    """The record of ``learner_record``, from the learner's and the claim's parts (``_template`` passes marks)."""
    provider = activity.accredited_provider
    return {
        "ReportingOrganization": provider.name,
        "Member": member,
        "Activity": {
            "ProviderOrganization": provider.accme_provider_id,
            "Module": {
                "ModuleName": {"value": activity.title, "moduleID": activity.accme_activity_id},
                "Status": "Completed",
                "CompletedDateTime": completed,
                "CreditCertificate": [
                    {
                        "UniqueID": unique_id,
                        "CreditReceived": {
                            "activityCertification": ACTIVITY_CERTIFICATION,
                            "creditUnit": "Point",
                            "numberOfCredits": credits,
                        },
                        "CreditID": credit_id,
                    }
                ],
            },
        },
        "XtensibleInfo": {"ProviderID": provider.accme_provider_id},
    }


def canonical(record: dict[str, Any]) -> str:
    """The record as the one JSON text it is fingerprinted by and stored as."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def with_action(record: dict[str, Any], action: str) -> dict[str, Any]:
    return {**record, "XtensibleInfo": {**record["XtensibleInfo"], "LearnerRecordAction": action}}


def json_with_action(text: str, record: dict[str, Any], action: str) -> str:
    """The JSON of ``with_action(record, action)``, made from the record's canonical ``text`` without serialising
    the record again: keys are sorted, so ``XtensibleInfo`` is the text's last member."""
    return _json_with_action(text, canonical(record["XtensibleInfo"]), action)


def _json_with_action(text: str, info: str, action: str) -> str:
    """``json_with_action`` given ``info``, the canonical text of the record's ``XtensibleInfo``."""
    tail = f'"XtensibleInfo":{info}}}'
    if not text.endswith(tail) or info == "{}":
        raise ValueError("not the canonical text of a record with XtensibleInfo")
    action_text = _ACTIONS.get(action) or json.dumps(action)
    return f'{text[: -len(tail)]}"XtensibleInfo":{{"LearnerRecordAction":{action_text},{info[1:]}}}'


_ACTIONS = {action: json.dumps(action) for action in ("add", "delete")}


def reportable(identity: LearnerIdentity | None) -> bool:
    """Consent given, and enough identity for PARS: name, month and day of birth, and one identifier."""
    return bool(
        identity
        and identity.pars_consent_at
        and identity.first_name
        and identity.last_name
        and identity.birth_month
        and identity.birth_day
        and identity.unique_ids
    )


@dataclass
class Change:
    claim_id: int
    user_id: int
    action: str
    text: str  # the record's canonical JSON
    fingerprint: str
    info: str  # the canonical JSON of the record's XtensibleInfo, where the JSON writer adds the action
    build: Callable[[], dict[str, Any]]  # the record without the action: made only for the XML and TSV writers

    @property
    def record(self) -> dict[str, Any]:
        return self.build()


@dataclass
class ExportSummary:
    year: int
    added: int = 0
    deleted: int = 0
    skipped_no_activity_id: int = 0
    learners: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Row:
    pk: int
    user_id: int
    activity_id: int
    certificate_id: Any
    claimed_credits: Any
    completed_at: datetime
    revoked_at: datetime | None
    last_action: str | None
    last_fingerprint: str | None
    last_record_id: int | None


def changes(year: int, summary: ExportSummary) -> Iterator[Change]:
    """Streamed over plain rows, learner by learner (one identity per learner, no model instance per claim):
    100,000 completions stay in flat memory. A record's text is its activity's template filled in (``_template``);
    the record itself, as a dict, is made only for the XML and TSV writers."""
    start, end = _year_bounds(year)
    activities = {
        a.pk: a
        for a in Activity.objects.select_related("course", "live_class", "accredited_provider").filter(
            accredited_provider__is_accredited=True
        )
    }
    last = ParsRecord.objects.filter(claim=OuterRef("pk")).order_by("-id")
    row_fields = [f.name for f in fields(_Row)]
    year_claims = Claim.objects.filter(
        credit_type=CreditType.AMA, completed_at__gte=start, completed_at__lt=end, activity_id__in=list(activities)
    )
    claims = (
        year_claims.annotate(
            last_action=Subquery(last.values("action")[:1]),
            last_fingerprint=Subquery(last.values("fingerprint")[:1]),
            last_record_id=Subquery(last.values("id")[:1]),
        )
        .order_by("user_id", "pk")
        .values_list(*row_fields)
    )
    # The learners' identities in the same order, read beside the claims (a merge join): each identity is read
    # and decoded once, not once per claim.
    identities = (
        LearnerIdentity.objects.filter(user_id__in=year_claims.values("user_id"))
        .order_by("user_id")
        .iterator(chunk_size=CHUNK)
    )
    ahead = next(identities, None)
    learner, identity, is_reportable = None, None, False
    member_text = unique_id_text = ""
    templates: dict[int, tuple[str, str] | None] = {}
    credits_texts: dict[Any, str] = {}
    for claim in _rows(claims):
        activity = activities[claim.activity_id]
        if not activity.accme_activity_id:
            summary.skipped_no_activity_id += 1
            continue
        if claim.user_id != learner:
            learner = claim.user_id
            while ahead is not None and ahead.user_id < learner:
                ahead = next(identities, None)
            identity = ahead if ahead is not None and ahead.user_id == learner else None
            is_reportable = reportable(identity)
            if is_reportable and identity is not None:
                member_text, unique_id_text = canonical(_member(identity)), canonical(identity.unique_ids[0])
        wanted = is_reportable and claim.revoked_at is None
        text = info = ""
        build: Callable[[], dict[str, Any]] | None = None
        if wanted and identity is not None:
            build = partial(learner_record, claim, identity, activity)
            if claim.activity_id not in templates:
                templates[claim.activity_id] = _template(activity)
            if (template := templates[claim.activity_id]) is not None:
                text_format, info = template
                if (credits := credits_texts.get(claim.claimed_credits)) is None:
                    credits = credits_texts[claim.claimed_credits] = json.dumps(float(claim.claimed_credits))
                text = text_format.format(
                    _json_string(reporting_datetime(claim.completed_at)),
                    _json_string(_credit_id(activity, claim.certificate_id)),
                    credits,
                    unique_id_text,
                    member_text,
                )
            else:
                record = build()
                text, info = canonical(record), canonical(record["XtensibleInfo"])
        new_fingerprint = fingerprint(text) if build else ""
        sent = claim.last_action == ParsRecord.Action.ADD
        if sent and new_fingerprint != claim.last_fingerprint:
            assert claim.last_record_id is not None  # read from the same record as ``last_action``
            old = ParsRecord.objects.only("record", "fingerprint").get(pk=claim.last_record_id)
            yield Change(
                claim.pk,
                claim.user_id,
                ParsRecord.Action.DELETE,
                canonical(old.record),
                old.fingerprint,
                canonical(old.record["XtensibleInfo"]),
                partial(_given, old.record),
            )
        if build and (not sent or new_fingerprint != claim.last_fingerprint):
            yield Change(claim.pk, claim.user_id, ParsRecord.Action.ADD, text, new_fingerprint, info, build)


def _rows(claims: QuerySet[Claim, tuple[Any, ...]]) -> Iterator[_Row]:
    """The rows of ``claims`` (a ``values_list`` of ``_Row``'s fields), as the database driver gives them but for
    the certificate id, made the text of its UUID, and the times, made aware: Django's converters, applied to every
    value of every row, cost the 100,000-completion export half a second."""
    zone = connection.timezone
    try:
        sql, params = claims.query.sql_with_params()
    except EmptyResultSet:  # no accredited activity: no claim to read
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            for pk, user_id, activity_id, certificate_id, credits, completed_at, revoked_at, *last in rows:
                yield _Row(
                    pk,
                    user_id,
                    activity_id,
                    _uuid_text(certificate_id),
                    credits,  # a float on SQLite, a Decimal on PostgreSQL: only ever made a float
                    _aware(completed_at, zone),
                    None if revoked_at is None else _aware(revoked_at, zone),
                    *last,
                )


def _uuid_text(value: UUID | str) -> str:
    """A UUID column's value as the text of its UUID: SQLite gives its 32 lower-case hexadecimal digits (Django
    writes ``UUID.hex``), PostgreSQL a ``UUID``.
    Made a ``UUID`` only to be written out again, it cost the 100,000-completion export half a second."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value if isinstance(value, UUID) else UUID(value))


def _aware(value: datetime | str, zone: tzinfo | None) -> datetime:
    """A datetime column's value as Django's converter reads it: SQLite gives the naive text of a moment in the
    connection's zone (None without ``USE_TZ``), PostgreSQL an aware datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _given(record: dict[str, Any]) -> dict[str, Any]:
    return record


# A mark for each part of a record that is the learner's or the claim's, in the order ``_template`` numbers them.
_MARKS = tuple(f"\x00pars-part-{n}\x00" for n in range(5))
_json_string = json.encoder.encode_basestring_ascii  # a str as ``canonical`` writes it (``ensure_ascii``)


def _template(activity: Activity) -> tuple[str, str] | None:
    """The canonical text of the activity's records as a ``str.format`` template of the JSON of, in order, the
    completion time, the credit id, the credits, the unique id and the member, and the canonical text of their
    ``XtensibleInfo``: one ``format`` per claim, not the encoding of a fresh record. Made by encoding the record
    with a mark in each of those parts, so the text cannot differ from ``canonical(learner_record(…))``; None if
    the activity's own text holds a mark (then each record is encoded whole)."""
    completed, credit_id, credits, unique_id, member = _MARKS
    record = _record(
        activity, member=member, unique_id=unique_id, completed=completed, credits=credits, credit_id=credit_id
    )
    text = canonical(record).replace("{", "{{").replace("}", "}}")
    for n, mark in enumerate(_MARKS):
        encoded = _json_string(mark)
        if text.count(encoded) != 1:
            return None
        text = text.replace(encoded, f"{{{n}}}")
    return text, canonical(record["XtensibleInfo"])


def _xml(tag: str, value: Any) -> str:
    """JSON → XML as PARS shows it: a ``value`` key becomes the text, other scalar keys beside it attributes."""
    if isinstance(value, list):
        return "".join(_xml(tag, item) for item in value)
    if isinstance(value, dict):
        if "value" in value:
            attributes = "".join(f" {k}={quoteattr(str(v))}" for k, v in value.items() if k != "value")
            return f"<{tag}{attributes}>{escape(str(value['value']))}</{tag}>"
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, float):
        value = f"{value:g}"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def tsv_row(record: dict[str, Any]) -> list[str]:
    module = record["Activity"]["Module"]
    certificate = module["CreditCertificate"][0]
    return [
        record["XtensibleInfo"]["LearnerRecordAction"],
        record["ReportingOrganization"],
        record["Member"]["Name"]["GivenName"],
        record["Member"]["Name"]["FamilyName"],
        record["Member"].get("PersonalInfo", {}).get("BirthDate", ""),
        record["Activity"]["ProviderOrganization"],
        module["ModuleName"]["moduleID"],
        module["ModuleName"]["value"],
        module["Status"],
        module["CompletedDateTime"],
        certificate["UniqueID"]["domain"],
        certificate["UniqueID"]["value"],
        certificate["CreditReceived"]["activityCertification"],
        certificate["CreditReceived"]["creditUnit"],
        f"{certificate['CreditReceived']['numberOfCredits']:g}",
        certificate["CreditID"],
    ]


def _tsv_cell(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


class _Writer:
    def __init__(self, out: TextIO, fmt: str, created: str) -> None:
        self.out, self.fmt, self.created, self.count = out, fmt, created, 0

    def open(self) -> None:
        if self.fmt == "json":
            self.out.write(
                '{"ACCMELearnerReports": {"ActivityReports": {"DateTimeCreated": '
                f'{json.dumps(self.created)}, "ActivityReport": [\n'
            )
        elif self.fmt == "xml":
            self.out.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n<ACCMELearnerReports><ActivityReports>'
                f"<DateTimeCreated>{self.created}</DateTimeCreated>\n"
            )
        else:
            self.out.write("\t".join(TSV_COLUMNS) + "\n")

    def write(self, change: Change) -> None:
        if self.fmt == "json":
            self.out.write((",\n" if self.count else "") + _json_with_action(change.text, change.info, change.action))
        elif self.fmt == "xml":
            self.out.write(_xml("ActivityReport", with_action(change.record, change.action)) + "\n")
        else:
            self.out.write("\t".join(_tsv_cell(c) for c in tsv_row(with_action(change.record, change.action))) + "\n")
        self.count += 1

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]}}}\n")
        elif self.fmt == "xml":
            self.out.write("</ActivityReports></ACCMELearnerReports>\n")


def export_pars(*, year: int, fmt: str, out: TextIO, now: datetime | None = None, record: bool = True) -> ExportSummary:
    """Write the year's learner changes to ``out``. With ``record`` (the default) what was written is
    remembered as sent, and each member included gets a Disclosure row naming the recipient."""
    now = now or timezone.now()
    state = year_state(year, now)
    if state == "closed":
        raise YearClosed(f"PARS closed learner reporting for {year} on 31 March {year + 1}.")
    summary = ExportSummary(year=year)
    if state == "closing":
        summary.warnings.append(f"PARS closes learner reporting for {year} at the end of 31 March {year + 1}.")
    batch = f"{year}-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    writer = _Writer(out, fmt, reporting_datetime(now))
    writer.open()
    exported_at = db_value(ParsRecord, "exported_at", now)

    def written() -> Iterator[tuple[Any, ...]]:
        """Each change, written to ``out`` and counted, as the row that remembers it was sent."""
        for change in changes(year, summary):
            writer.write(change)
            if change.action == ParsRecord.Action.ADD:
                summary.added += 1
            else:
                summary.deleted += 1
            summary.learners.add(change.user_id)
            yield (change.claim_id, change.action, year, change.fingerprint, change.text, batch, exported_at)

    with transaction.atomic():
        if record:
            rows_insert(
                ParsRecord, ["claim", "action", "year", "fingerprint", "record", "batch", "exported_at"], written()
            )
        else:
            deque(written(), maxlen=0)
        writer.close()
        if record:
            _disclose(summary, now, batch)
    return summary


def _disclose(summary: ExportSummary, now: datetime, batch: str) -> None:
    disclosures_record(
        users=sorted(summary.learners),
        recipient=gettext_noop("ACCME (PARS), reported by the accredited provider"),
        recipient_role=Disclosure.Role.CONTROLLER,
        data_categories=gettext_noop(
            "Name, date of birth, NPI or licence or board id, activity, completion date, credits"
        ),
        purpose=f"Reporting your {summary.year} CME completions to the ACCME and your boards",
        legal_basis=gettext_noop("Your explicit consent (GDPR art. 6(1)(a), 49(1)(a))"),
        transfer_country=gettext_noop("United States"),
        safeguard=gettext_noop("Explicit consent"),
        channel=f"PARS learner file {batch}",
        occurred_at=now,
    )
