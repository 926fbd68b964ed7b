"""The published privacy policy and the record of processing, generated from the declarations.

Every app's ``privacy.py`` declares what it holds, why, on which legal basis, who receives it and for how long;
the processors register names the recipients. This module turns that into

- the sections of the privacy policy (``policy_sections`` → ``policy_render``), with the staff's prose per
  section placed before the generated part;
- the cookie table, from the consent purposes and the necessary cookies in settings;
- a fingerprint of everything the policy is generated from (``declarations_hash``): a published version
  stores it, and the back office asks for a new version when the code no longer matches it;
- the record of processing activities (``processing_record_text``, ``processing_record_json``).

It reads; publishing is ``services.policy_generate``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from preceptor.core.personal_data import Audience, LegalBasis, PersonalData, Purpose
from preceptor.core.processors import Processor, active_processors, register
from preceptor.privacy import consent, registry, statistics
from preceptor.privacy.selectors import EXPORT_SECTIONS, current_policy

# The sections of the policy, in order; staff may write prose for each (``PolicyVersion.prose``).
SECTIONS: dict[str, Any] = {
    "controller": _("Who we are"),
    "collected": _("What we collect and why"),
    "legal_bases": _("Legal bases"),
    "recipients": _("Who receives your data"),
    "retention": _("How long we keep it"),
    "rights": _("Your rights and how to use them"),
    "cookies": _("Cookies"),
    "changes": _("Changes to this policy"),
}

# Who sets each consent purpose's cookies and for how long (the purposes themselves are in ``consent.PURPOSES``;
# a test fails when a purpose is missing here).
COOKIE_DETAILS: dict[str, dict[str, Any]] = {
    "statistics_google": {
        "provider": "Google Ireland Limited",
        "cookies": {"_ga, _ga_*": _("2 years"), "_gid": _("24 hours")},
    },
    "statistics_hotjar": {
        "provider": "Hotjar Ltd.",
        "cookies": {"_hjSessionUser_*": _("1 year"), "_hjSession_*": _("30 minutes")},
    },
    "marketing_google": {"provider": "Google Ireland Limited", "cookies": {"_gcl_*": _("90 days")}},
    "marketing_meta": {"provider": "Meta Platforms Ireland Limited", "cookies": {"_fbp": _("90 days")}},
    "email_tracking": {"provider": settings.SITE_NAME, "cookies": {}},
}


def _t(label: Any) -> str:
    """A vocabulary label or declaration string in the active language (they are English msgids)."""
    return gettext(str(label)) if label else ""


def _declarations() -> list[tuple[str, PersonalData]]:
    return [(app.app_label, d) for app in registry.registry() for d in app.declarations]


def _data_name(declaration: PersonalData) -> str:
    """The declaration's own plural label, translated (not the model's ``verbose_name_plural``: decision 0033)."""
    return str(capfirst(declaration.title))


def _section(app_label: str) -> str:
    return str(EXPORT_SECTIONS.get(app_label, capfirst(app_label)))


def _active_processors() -> dict[str, Processor]:
    return {p.key: p for p in active_processors()}


def _recipient_names(declaration: PersonalData, active: dict[str, Processor]) -> list[str]:
    """In-house audiences and the active processors and third parties the declaration names."""
    return [_t(a.label) for a in declaration.audiences] + [
        _t(active[key].name) for key in declaration.processors if key in active
    ]


def collected() -> list[dict[str, Any]]:
    """What we hold, grouped by its main purpose (the first declared, in ``Purpose`` order): each data set with
    why, its other purposes, its legal basis, what it includes and where it comes from."""
    by_purpose: dict[Purpose, list[dict[str, Any]]] = {}
    for app_label, declaration in _declarations():
        main, *others = declaration.purposes
        bases = "; ".join(f"{_t(b.label)} ({b.article})" for b in declaration.bases)
        by_purpose.setdefault(main, []).append(
            {
                "data": _data_name(declaration),
                "section": _section(app_label),
                "why": declaration.purpose_text,
                "also": [_t(p.label) for p in others],
                "bases": bases + (f": {_t(declaration.basis_note)}" if declaration.basis_note else ""),
                "categories": [_t(c.label) for c in declaration.categories],
                "sources": [_t(s.label) for s in declaration.sources],
            }
        )
    return [
        {"purpose": _t(purpose.label), "key": purpose.value, "items": by_purpose[purpose]}
        for purpose in Purpose
        if purpose in by_purpose
    ]


def legal_bases() -> list[dict[str, Any]]:
    """Each legal basis with the purposes that rest on it."""
    found: dict[LegalBasis, list[str]] = {}
    for _app, declaration in _declarations():
        for basis in declaration.bases:
            purposes = found.setdefault(basis, [])
            purposes += [_t(p.label) for p in declaration.purposes if _t(p.label) not in purposes]
    return [
        {"basis": _t(basis.label), "article": basis.article, "purposes": found[basis]}
        for basis in LegalBasis
        if basis in found
    ]


def recipients() -> list[dict[str, Any]]:
    """Everyone outside Preceptor this configuration shares data with (the active entries of the processors
    register), with role, country, transfer safeguard and what they receive; then the audiences inside it."""
    active = _active_processors()
    receives: dict[str, list[str]] = {}
    for _app, declaration in _declarations():
        for key in (*declaration.processors, *(f"audience:{a.value}" for a in declaration.audiences)):
            names = receives.setdefault(key, [])
            for category in declaration.categories:
                if _t(category.label) not in names:
                    names.append(_t(category.label))
    rows = [
        {
            "key": p.key,
            "name": _t(p.name),
            "role": _t(p.role.label),
            "country": _t(p.country),
            "safeguard": _t(p.safeguard.label),
            "service": _t(p.service),
            "privacy_url": p.privacy_url,
            "contact": p.contact,
            "dpa_date": p.dpa_date,
            "data": receives.get(p.key, []),
            "outside": True,
        }
        for p in active.values()
    ]
    rows += [
        {"key": a.value, "name": _t(a.label), "data": receives[f"audience:{a.value}"], "outside": False}
        for a in Audience
        if f"audience:{a.value}" in receives
    ]
    return rows


def retention() -> list[dict[str, Any]]:
    """Each data set's retention rules, the member's own parts of the service first."""
    order = list(EXPORT_SECTIONS)
    ordered = sorted(_declarations(), key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
    return [
        {"data": _data_name(d), "section": _section(app), "periods": [_t(rule.text) for rule in d.rules]}
        for app, d in ordered
    ]


def _duration(seconds: int | None) -> str:
    if not seconds:
        return str(_("Until you close the browser"))
    days = seconds // 86400
    if days >= 360:
        return str(translation.ngettext("%(n)d year", "%(n)d years", round(days / 365)) % {"n": round(days / 365)})
    return str(translation.ngettext("%(n)d day", "%(n)d days", days) % {"n": days})


def cookie_rows() -> list[dict[str, Any]]:
    """The cookie table: the necessary cookies, then those of each purpose this server offers."""
    session = str(
        _("Until you close the browser, or %(period)s if you tick “Remember me”")
        % {"period": _duration(settings.SESSION_COOKIE_AGE)}
    )
    rows: list[dict[str, Any]] = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "provider": settings.SITE_NAME,
            "purpose": _("Keeps you signed in."),
            "lifetime": session,
            "necessary": True,
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "provider": settings.SITE_NAME,
            "purpose": _("Protects your forms against cross-site request forgery."),
            "lifetime": _duration(settings.CSRF_COOKIE_AGE),
            "necessary": True,
        },
        {
            "name": consent.COOKIE,
            "provider": settings.SITE_NAME,
            "purpose": _("Remembers your cookie choices."),
            "lifetime": _duration(consent.MAX_AGE),
            "necessary": True,
        },
        {
            "name": statistics.COOKIE,
            "provider": settings.SITE_NAME,
            "purpose": _("Set only if you ask us not to count your visits; it holds no identifier."),
            "lifetime": _duration(statistics.MAX_AGE),
            "necessary": True,
        },
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "provider": settings.SITE_NAME,
            "purpose": _("Remembers the language you chose, only if you change it."),
            "lifetime": _duration(settings.LANGUAGE_COOKIE_AGE),
            "necessary": True,
        },
        {
            "name": "preceptor-shell-… (Cache Storage)",
            "provider": settings.SITE_NAME,
            "purpose": _(
                "Not a cookie: our app keeps its offline page, stylesheet and icons on your device, so that it can "
                "show a page without a connection. It holds nothing about you."
            ),
            "lifetime": _("Until the next version of the app replaces it"),
            "necessary": True,
        },
        {
            "name": "preceptor-lessons (Cache Storage)",
            "provider": settings.SITE_NAME,
            "purpose": _(
                "Not a cookie, and only if you use “Save for offline”: the lessons you saved (video, captions, "
                "transcript, title) on your device, and the time you watched them there until it is sent to us "
                "as your progress."
            ),
            "lifetime": _(
                "Until you remove the lesson, sign out, or may no longer open it (checked when you open your saved "
                "lessons online); watched time until it is sent, the next time you are online"
            ),
            "necessary": True,
        },
    ]
    for name in consent.offered():
        purpose = consent.PURPOSES[name]
        details = COOKIE_DETAILS[name]
        cookies = details["cookies"] or {"—": _("No cookie: an image in our e-mails")}
        for cookie, lifetime in cookies.items():
            rows.append(
                {
                    "name": cookie,
                    "provider": details["provider"],
                    "purpose": f"{purpose['label']}: {purpose['description']}",
                    "lifetime": str(lifetime),
                    "necessary": False,
                }
            )
    return rows


def controller() -> dict[str, str]:
    return {
        "name": settings.BILLING_SELLER_NAME,
        "address": settings.BILLING_SELLER_ADDRESS,
        "site_address": settings.SITE_ADDRESS,
        "email": settings.SUPPORT_EMAIL,
        "site_name": settings.SITE_NAME,
    }


def declarations_fingerprint() -> dict[str, Any]:
    """Everything the generated policy states, as plain data (in English)."""
    active = _active_processors()
    with translation.override("en"):
        return {
            "declarations": [
                {
                    "data": d.label,
                    "name": d.name,
                    "fields": list(d.fields),
                    "purpose": d.purpose,
                    "purposes": [p.value for p in d.purposes],
                    "bases": [b.value for b in d.bases],
                    "basis_note": d.basis_note,
                    "categories": [c.value for c in d.categories],
                    "sources": [s.value for s in d.sources],
                    "retention": d.retention,
                    "recipients": _recipient_names(d, active),
                }
                for _app, d in _declarations()
            ],
            "processors": [
                {k: str(v) for k, v in sorted(vars(p).items()) if k not in ("settings", "demo")}
                for p in active.values()
            ],
            "cookies": [{k: str(v) for k, v in row.items()} for row in cookie_rows()],
            "controller": controller(),
        }


def declarations_hash() -> str:
    """SHA-256 of what the policy is generated from; a published version stores it."""
    text = json.dumps(declarations_fingerprint(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def published_policy_outdated() -> bool:
    """Whether the declarations (or processors, cookies, controller) changed since the version in force was
    published; a version typed as text (2017) was generated from nothing, so it is always outdated."""
    current = current_policy()
    return current is None or current.declarations_hash != declarations_hash()


def policy_sections(prose: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """The context of the generated policy in the active language: the staff prose for it (falling back to
    English) and every generated part."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    prose = prose or {}
    written = {key: (prose.get(key) or {}).get(language) or (prose.get(key) or {}).get("en", "") for key in SECTIONS}
    return {
        "sections": SECTIONS,
        "prose": written,
        "controller": controller(),
        "collected": collected(),
        "legal_bases": legal_bases(),
        "recipients": recipients(),
        "retention": retention(),
        "cookies": cookie_rows(),
    }


def policy_render(*, prose: dict[str, dict[str, str]] | None = None, language: str) -> str:
    """The policy's HTML (without the page around it) in ``language``."""
    with translation.override(language):
        return render_to_string("privacy/_policy_generated.html", policy_sections(prose))


def policy_render_all(*, prose: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """The policy in every language the service ships, as stored with a published version."""
    return {code: policy_render(prose=prose, language=code) for code, _name in settings.LANGUAGES}


def processing_record_json() -> dict[str, Any]:
    """The record of processing activities (GDPR art. 30) as JSON-ready data: the controller, one activity per
    declaration, and every party in the processors register (active in this configuration or not)."""
    active = _active_processors()
    with translation.override("en"):
        return {
            "controller": controller(),
            "activities": [
                {
                    "app": app,
                    "data": d.label,
                    "name": d.title,
                    "fields": list(d.fields),
                    "purpose": d.purpose,
                    "purposes": [str(p.label) for p in d.purposes],
                    "legal_basis": d.legal_basis,
                    "categories": [str(c.label) for c in d.categories],
                    "sources": [str(s.label) for s in d.sources],
                    "retention": [rule.text for rule in d.rules],
                    "on_erasure": d.erasure,
                    "export": str(d.export),
                    "recipients": _recipient_names(d, active),
                }
                for app, d in _declarations()
            ],
            "processors": [
                {
                    "key": p.key,
                    "name": p.name,
                    "role": str(p.role.label),
                    "country": p.country,
                    "safeguard": str(p.safeguard.label),
                    "service": p.service,
                    "dpa_date": p.dpa_date.isoformat() if p.dpa_date else None,
                    "contact": p.contact,
                    "active": p.key in active,
                }
                for p in register().values()
            ],
            "declarations_hash": declarations_hash(),
        }


def _wrap(cells: Iterable[str]) -> str:
    return " | ".join(cell.replace("|", "/").replace("\n", " ") for cell in cells)


def processing_record_text() -> str:
    """The record of processing activities as Markdown text."""
    record = processing_record_json()
    c = record["controller"]
    lines = [
        "# Record of processing activities (GDPR art. 30)",
        "",
        f"Controller: {c['name']}, {c['address']}. Contact: {c['email']}.",
        "Generated from each app's privacy declaration. Data subjects: members (learners, teachers, staff) and",
        "visitors. Security measures: TLS, Argon2 password hashing, sign-in throttling, CSP, least-privilege staff",
        "roles, append-only audit and consent logs.",
        "",
        "## Activities",
        "",
        "| data | fields | purpose | legal basis | retention | on erasure | recipients |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in record["activities"]:
        cells = (
            a["data"],
            ", ".join(a["fields"]),
            "; ".join(a["purposes"]) + f": {a['purpose']}",
            a["legal_basis"],
            "; ".join(a["retention"]),
            a["on_erasure"],
            ", ".join(a["recipients"]) or "—",
        )
        lines.append(f"| {_wrap(cells)} |")
    lines += [
        "",
        "## Processors and other recipients",
        "",
        "| party | role | country | transfer safeguard | data-processing agreement | contact | active here |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in record["processors"]:
        cells = (
            p["name"],
            p["role"],
            p["country"],
            p["safeguard"],
            p["dpa_date"] or "—",
            p["contact"] or "—",
            "yes" if p["active"] else "no",
        )
        lines.append(f"| {_wrap(cells)} |")
    return "\n".join(lines) + "\n"
