from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import datetime, timedelta, tzinfo
from html import escape as html_escape
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from preceptor.accounts.models import User
from preceptor.core.hashing import address_hashes, normalise_address
from preceptor.privacy import registry
from preceptor.privacy.models import (
    ConsentRecord,
    DataRequest,
    Disclosure,
    ErasureLog,
    PolicyAcknowledgement,
    PolicyVersion,
    RetentionRun,
)

POLICY_CACHE_KEY = "privacy:policy:current"


def member_grants(user: User, purpose: str) -> bool:
    """Whether the member's latest recorded decision (made while signed in) grants ``purpose``."""
    latest = ConsentRecord.objects.filter(user=user).order_by("-created_at").values_list("granted", flat=True).first()
    return bool(latest and purpose in latest)


def current_policy() -> PolicyVersion | None:
    """The version in force today (cached a minute; publishing clears it)."""
    cached = cache.get(POLICY_CACHE_KEY)
    if cached is None:
        cached = (
            PolicyVersion.objects.filter(effective_on__lte=timezone.localdate())
            .order_by("-effective_on", "-id")
            .first()
            or False
        )
        cache.set(POLICY_CACHE_KEY, cached, 60)
    return cached or None


def needs_acknowledgement(user: User | AnonymousUser | None) -> PolicyVersion | None:
    """The current policy if it is a material change the signed-in member has not acknowledged yet."""
    policy = current_policy()
    if policy is None or not policy.material or user is None or not user.is_authenticated:
        return None
    if PolicyAcknowledgement.objects.filter(user=user, policy=policy).exists():
        return None
    return policy


def retention_status(*, now: datetime | None = None) -> dict[str, Any]:
    """When the daily retention jobs last ran; "overdue" after 48 hours without a run."""
    now = now or timezone.now()
    last = RetentionRun.objects.order_by("-finished_at").first()
    return {
        "last_run": last.finished_at.isoformat() if last else None,
        "overdue": last is None or now - last.finished_at > timedelta(hours=48),
    }


EXPORT_SCHEMA_VERSION = 2  # 2: files beside the JSON (``<app>/<name>``), answers as text, a readable overview

# What each part of the service is called in the readable overview (an app without an entry shows its label).
EXPORT_SECTIONS = {
    "accounts": _("Your account"),
    "profiles": _("Your profile"),
    "billing": _("Membership and payments"),
    "privacy": _("Privacy choices, requests and who received your data"),
    "mail": _("E-mail preferences"),
    "analytics": _("Statistics"),
    "catalog": _("Courses and progress"),
    "classes": _("Live classes"),
    "quizzes": _("Quizzes and post-tests"),
    "cme": _("CME credit and evaluations"),
    "core": _("Activity log"),
}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _readable_value(value: Any, zone: tzinfo) -> str:
    """One value as text a member reads: yes/no, dates without seconds (in ``zone``), an empty value as a dash."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}" if timezone.is_aware(moment) else f"{moment:%Y-%m-%d}"
    return str(value)


def _section_title(app_label: str) -> str:
    return str(EXPORT_SECTIONS.get(app_label, capfirst(app_label)))


def _heading(key: str) -> str:
    return capfirst(key.replace("_", " "))


def readable_html(value: Any) -> SafeString:
    """JSON-ready data as HTML: a list of records as a table, a record as a list of named values, the rest as
    text, dates in the active time zone. Every text is escaped (the data holds what members and staff typed)."""
    return mark_safe(_readable_html(value, timezone.get_current_timezone()))  # noqa: S308 -- every text is escaped in _readable_html


def _readable_html(value: Any, zone: tzinfo) -> str:
    """``readable_html`` as a plain string, built by joining escaped parts: ``format_html`` per cell cost a heavy
    member's export (10,000 progress rows, D1) a second. A number or a text that is no date, the most common
    cells, is written directly; ``html.escape`` is what Django's ``escape`` applies, without its check for lazy
    arguments on every call."""
    if type(value) is int:
        return str(value)
    if type(value) is str and value and not _ISO_DATETIME.match(value):
        return html_escape(value)
    if isinstance(value, dict) and value:
        items = "".join(
            f"<dt>{html_escape(_heading(k))}</dt><dd>{_readable_html(v, zone)}</dd>" for k, v in value.items()
        )
        return f"<dl>{items}</dl>"
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        columns = list(dict.fromkeys(k for v in value for k in v))
        head = "".join(f"<th>{html_escape(_heading(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{_readable_html(v.get(c), zone)}</td>" for c in columns) + "</tr>" for v in value
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if isinstance(value, list | tuple) and value:
        return ", ".join(html_escape(_readable_value(v, zone)) for v in value)
    return html_escape(_readable_value(value, zone))


def data_export_build(*, user: User, now: datetime | None = None) -> bytes:
    """A ZIP: one JSON file per app (from the privacy registry), the files the member gave us (a profile photo,
    in the app's folder), index.html (a readable overview of all of it), manifest.json with SHA-256s."""
    now = now or timezone.now()
    files: dict[str, bytes] = {}
    sections = []
    apps = registry.registry()
    for app in apps:
        data = app.export_user(user)
        files[f"{app.app_label}.json"] = json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
        given = app.export_files(user) if app.export_files else {}
        for name, content in given.items():
            files[f"{app.app_label}/{name}"] = content
        # A round trip through JSON: the overview shows exactly what the JSON file holds.
        plain = json.loads(files[f"{app.app_label}.json"])
        sections.append(
            {
                "label": app.app_label,
                "title": _section_title(app.app_label),
                "content": readable_html(plain) if any(plain.values()) else "",
                "files": sorted(f"{app.app_label}/{name}" for name in given),
            }
        )
    order = list(EXPORT_SECTIONS)  # the member's own parts first, the activity log last
    sections.sort(key=lambda section: order.index(section["label"]) if section["label"] in order else len(order))
    declarations = [
        {
            "data": f"{_section_title(app.app_label)}: {d.title}",
            "purpose": d.purpose_text,
            "legal_basis": d.legal_basis,
            "retention": d.retention,
            "recipients": d.recipients,
        }
        for app in apps
        for d in app.declarations
    ]
    files["index.html"] = render_to_string(
        "privacy/export_index.html",
        {
            "user": user,
            "generated_at": now,
            "files": sorted(files),
            "sections": sections,
            "declarations": declarations,
        },
    ).encode()
    return zip_with_manifest(
        files, {"schema_version": EXPORT_SCHEMA_VERSION, "generated_at": now.isoformat(), "subject": user.email}
    )


def zip_with_manifest(files: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    """A ZIP of ``files`` plus ``manifest.json``: ``manifest`` and each file's SHA-256, so the receiver can check
    that nothing is missing or altered (the member's export, the transfer archive)."""
    hashes = {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())}
    listed = {**files, "manifest.json": json.dumps({**manifest, "files": hashes}, indent=2).encode()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in listed.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def disclosures_grouped(*, user: User) -> list[dict[str, Any]]:
    """The member's ledger with identical disclosures (same recipient, role, data, purpose, legal basis, country
    and safeguard) as one line: how often, first and last time, newest first. Hidden rows are left out."""
    fields = (
        "recipient",
        "recipient_role",
        "data_categories",
        "purpose",
        "legal_basis",
        "transfer_country",
        "safeguard",
    )
    roles = dict(Disclosure.Role.choices)
    groups = (
        Disclosure.objects.visible_to_member()
        .filter(user=user)
        .values(*fields)
        .annotate(count=Count("id"), first_at=Min("occurred_at"), last_at=Max("occurred_at"))
        .order_by("-last_at", "recipient")
    )
    # The texts are stored in English; those written by the code are message ids, shown in the reader's
    # language (free text, such as a legal request's scope or a teacher's name, has no translation and stays).
    translated = ("recipient", "data_categories", "purpose", "legal_basis", "transfer_country", "safeguard")
    return [
        {
            **group,
            **{name: gettext(group[name]) if group[name] else "" for name in translated},
            "role": roles.get(group["recipient_role"], group["recipient_role"]),
        }
        for group in groups
    ]


def pending_erasure(user: User | AnonymousUser | None) -> DataRequest | None:
    """The signed-in member's account deletion that is waiting for its cool-off to end, if any. Every page of a
    signed-in member asks (``policy_notice``) and almost every answer is "none": that question is one written-out
    statement (building the ORM query cost more than running it; decision 0040), the request itself is read only
    when there is one."""
    if user is None or not user.is_authenticated:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {DataRequest._meta.db_table} WHERE user_id = %s AND kind = %s AND status = %s"  # noqa: S608 -- the table name is the model's; the values are parameters
            " ORDER BY received_at DESC LIMIT 1",  # the newest, as the model's ordering gives it
            [user.pk, DataRequest.Kind.ERASURE.value, DataRequest.Status.PENDING.value],
        )
        found = cursor.fetchone()
    return DataRequest.objects.filter(pk=found[0]).first() if found else None


def erasure_option(user: Any, key: str, default: str) -> str:
    """What the member chose for ``key`` when asking to delete their account (``hooks.erasure_choices``): the
    latest erasure request that was not cancelled says; ``default`` when it says nothing (a request received by
    staff, or a choice offered after it was made)."""
    found = (
        DataRequest.objects.filter(user=user, kind=DataRequest.Kind.ERASURE)
        .exclude(status=DataRequest.Status.CANCELLED)
        .order_by("-received_at", "-pk")
        .values_list("options", flat=True)
        .first()
    )
    value = (found or {}).get(key)
    return value if isinstance(value, str) and value else default


def erasure_logs_for_address(address: str) -> list[ErasureLog]:
    """The erasure log's rows for ``address``: keyed rows by the hash under the current or a fallback key, and rows
    logged before the hash was keyed (``keyed`` false) by the plain SHA-256 they hold (decision 0029)."""
    if not normalise_address(address):
        return []
    plain = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    keyed = Q(keyed=True, email_hash__in=address_hashes(address))
    return list(ErasureLog.objects.filter(keyed | Q(keyed=False, email_hash=plain)).order_by("performed_at", "pk"))
