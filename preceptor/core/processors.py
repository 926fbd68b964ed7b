"""The processors register: everyone outside Preceptor who receives members' personal data.

Each entry names the party, its role (a processor acting on our instructions, an independent controller, a
joint controller, or another recipient such as an authority), where it processes the data, the safeguard for a
transfer outside the EU/EEA, the date of the data-processing agreement and a contact address (the erasure
chain writes to it, GDPR art. 19). ``settings`` names the settings that switch the party on: Stripe only when
``STRIPE_SECRET_KEY`` is set, Google tags only when their id is, and so on. On a demo server (``DEBUG`` with
``BILLING_DEMO``) the parties a production server always has (payment and e-mail providers) are listed too, so
that the demo's policy reads like the real one.

Names of generic parties ("Hosting provider"), countries and services are English msgids marked with
``gettext_noop``; the policy translates them where it shows them (an operator's own names pass unchanged).

Declarations (each app's ``privacy.py``) refer to entries by key. An operator corrects or completes an entry
with the ``PRIVACY_PROCESSORS`` setting, a JSON object of key → fields, for instance
``{"hosting": {"name": "Hetzner Online GmbH", "country": "Germany", "dpa_date": "2025-01-15",
"contact": "data-protection@hetzner.com"}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext, gettext_noop


class Role(StrEnum):
    PROCESSOR = "processor"
    CONTROLLER = "controller"  # an independent controller (PayPal for its own account holders)
    JOINT_CONTROLLER = "joint_controller"
    RECIPIENT = "recipient"  # a third party receiving data for its own task (an accreditor, an authority)

    @property
    def label(self) -> str:
        label = {
            Role.PROCESSOR: gettext_noop("Processor"),
            Role.CONTROLLER: gettext_noop("Independent controller"),
            Role.JOINT_CONTROLLER: gettext_noop("Joint controller"),
            Role.RECIPIENT: gettext_noop("Recipient"),
        }[self]
        return gettext(label)


class Safeguard(StrEnum):
    """Why a transfer is lawful (GDPR chapter V); ``EEA`` when the data stays in the EU/EEA."""

    EEA = "eea"
    ADEQUACY = "adequacy"
    DPF = "dpf"  # EU–US Data Privacy Framework: an adequacy decision for certified companies
    SCC = "scc"
    BCR = "bcr"
    DEROGATION = "derogation"  # art. 49(1)(b): necessary for the contract (the member claims US credit)

    @property
    def label(self) -> str:
        label = {
            Safeguard.EEA: gettext_noop("No transfer (EU/EEA)"),
            Safeguard.ADEQUACY: gettext_noop("Adequacy decision (GDPR art. 45)"),
            Safeguard.DPF: gettext_noop("EU–US Data Privacy Framework (adequacy decision, GDPR art. 45)"),
            Safeguard.SCC: gettext_noop("Standard contractual clauses (GDPR art. 46(2)(c))"),
            Safeguard.BCR: gettext_noop("Binding corporate rules (GDPR art. 47)"),
            Safeguard.DEROGATION: gettext_noop("Necessary for the contract you asked for (GDPR art. 49(1)(b))"),
        }[self]
        return gettext(label)


@dataclass(frozen=True, kw_only=True)
class Processor:
    key: str
    name: str
    role: Role
    country: str
    safeguard: Safeguard
    service: str  # what it does for us, in a few words (English, marked for translation like the country)
    contact: str = ""  # e-mail address for data-protection matters
    dpa_date: date | None = None  # the data-processing agreement (processors only)
    settings: tuple[str, ...] = ()  # all must be set for the party to be active; empty: always active
    demo: bool = False  # also active on a demo server (DEBUG and BILLING_DEMO)
    privacy_url: str = ""

    @property
    def active(self) -> bool:
        if all(_setting(name) for name in self.settings):
            return True
        return self.demo and bool(_setting("DEBUG") == "True" and _setting("BILLING_DEMO") == "True")


# The defaults; names and contacts for configurable parties come from the settings or PRIVACY_PROCESSORS.
_DEFAULTS: tuple[Processor, ...] = (
    Processor(
        key="hosting",
        name=gettext_noop("Hosting provider"),
        role=Role.PROCESSOR,
        country=gettext_noop("Germany"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("Servers, database and backups"),
    ),
    Processor(
        key="email",
        name=gettext_noop("E-mail delivery provider"),
        role=Role.PROCESSOR,
        country=gettext_noop("Germany"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("Delivering e-mail"),
        settings=("EMAIL_SMTP_HOST",),  # derived: EMAIL_HOST when EMAIL_URL is an smtp address
        demo=True,
    ),
    Processor(
        key="stripe",
        name="Stripe Payments Europe, Ltd.",
        role=Role.PROCESSOR,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop("Card payments and subscriptions"),
        contact="dpo@stripe.com",
        settings=("STRIPE_SECRET_KEY",),
        demo=True,
        privacy_url="https://stripe.com/privacy",
    ),
    Processor(
        key="paypal",
        name="PayPal (Europe) S.à r.l. et Cie, S.C.A.",
        role=Role.CONTROLLER,
        country=gettext_noop("Luxembourg"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("PayPal payments, for its own account holders"),
        contact="dataprotection@paypal.com",
        settings=("PAYPAL_CLIENT_ID",),
        demo=True,
        privacy_url="https://www.paypal.com/privacy",
    ),
    Processor(
        key="bigbluebutton",
        name=gettext_noop("BigBlueButton server"),
        role=Role.PROCESSOR,
        country=gettext_noop("Germany"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("Live classes (video conference)"),
        settings=("BBB_URL",),
    ),
    Processor(
        key="google_analytics",
        name="Google Ireland Limited (Google Analytics)",
        role=Role.PROCESSOR,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop("Audience measurement, only with your consent"),
        settings=("GA_MEASUREMENT_ID",),
        privacy_url="https://policies.google.com/privacy",
    ),
    Processor(
        key="google_ads",
        name="Google Ireland Limited (Google Ads)",
        role=Role.JOINT_CONTROLLER,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop("Advertising conversions, only with your consent"),
        settings=("GOOGLE_ADS_ID",),
        privacy_url="https://policies.google.com/privacy",
    ),
    Processor(
        key="meta",
        name="Meta Platforms Ireland Limited (Meta pixel)",
        role=Role.JOINT_CONTROLLER,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop("Advertising conversions, only with your consent"),
        settings=("META_PIXEL_ID",),
        privacy_url="https://www.facebook.com/privacy/policy/",
    ),
    Processor(
        key="hotjar",
        name="Hotjar Ltd.",
        role=Role.PROCESSOR,
        country=gettext_noop("Malta"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("Usage recordings and heatmaps, only with your consent"),
        settings=("HOTJAR_SITE_ID",),
        privacy_url="https://www.hotjar.com/legal/policies/privacy/",
    ),
    Processor(
        key="facebook_login",
        name="Meta Platforms Ireland Limited (Facebook Login)",
        role=Role.CONTROLLER,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop(
            "Signing in with Facebook, only if you choose it; it sends us your name, e-mail address and profile picture"
        ),
        settings=("FACEBOOK_CLIENT_ID",),
        privacy_url="https://www.facebook.com/privacy/policy/",
    ),
    Processor(
        key="google_sign_in",
        name="Google Ireland Limited (Sign in with Google)",
        role=Role.CONTROLLER,
        country=gettext_noop("Ireland (and the USA)"),
        safeguard=Safeguard.DPF,
        service=gettext_noop("Signing in with Google, only if you choose it; it sends us your name and e-mail address"),
        settings=("GOOGLE_CLIENT_ID",),
        privacy_url="https://policies.google.com/privacy",
    ),
    Processor(
        key="institution_sign_in",
        name=gettext_noop("Your institution's sign-in service (OpenID Connect)"),
        role=Role.CONTROLLER,
        country=gettext_noop("Germany"),
        safeguard=Safeguard.EEA,
        service=gettext_noop(
            "Signing in with your institution, only if you choose it; it sends us your name and e-mail address"
        ),
        settings=("OIDC_CLIENT_ID",),
    ),
    Processor(
        key="joint_provider",
        name=gettext_noop("The accredited provider of each jointly provided activity"),
        role=Role.RECIPIENT,
        country=gettext_noop("USA"),
        safeguard=Safeguard.DEROGATION,
        service=gettext_noop("Awarding AMA PRA Category 1 Credit™ for activities it accredits"),
    ),
    Processor(
        key="eaccme",
        name="EACCME® (UEMS)",
        role=Role.RECIPIENT,
        country=gettext_noop("Belgium"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("European CME credit (ECMEC®s)"),
    ),
    Processor(
        key="accme_pars",
        name="ACCME (PARS)",
        role=Role.RECIPIENT,
        country=gettext_noop("USA"),
        safeguard=Safeguard.DEROGATION,
        service=gettext_noop("Reporting completions to licensing boards, only with your consent"),
    ),
    Processor(
        key="tax_authorities",
        name=gettext_noop("Tax authorities and auditors"),
        role=Role.RECIPIENT,
        country=gettext_noop("Germany"),
        safeguard=Safeguard.EEA,
        service=gettext_noop("Inspecting accounting records when the law requires"),
    ),
)

_FIELD_NAMES = {f.name for f in fields(Processor)} - {"key"}


def _setting(name: str) -> str:
    if name == "EMAIL_SMTP_HOST":  # Django's default EMAIL_HOST is "localhost": only an SMTP EMAIL_URL counts
        smtp = str(getattr(settings, "EMAIL_BACKEND", "")).endswith("smtp.EmailBackend")
        return str(getattr(settings, "EMAIL_HOST", "")) if smtp else ""
    return str(getattr(settings, name, None) or "")


def _overrides() -> dict[str, dict[str, Any]]:
    raw: Any = getattr(settings, "PRIVACY_PROCESSORS", None) or {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"PRIVACY_PROCESSORS is not valid JSON: {exc}") from exc
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise ImproperlyConfigured("PRIVACY_PROCESSORS must be a JSON object of key → {field: value}")
    return raw


def _configured(p: Processor) -> Processor:
    """Names taken from the settings: the hosting provider, the e-mail provider's host, the BigBlueButton host
    (in the active language: the register is read where it is shown)."""
    if p.key == "hosting" and (name := _setting("HOSTING_PROVIDER")):
        p = replace(p, name=name)
    elif p.key == "email" and (host := _setting("EMAIL_SMTP_HOST")):
        p = replace(p, name=gettext("E-mail delivery provider (%(host)s)") % {"host": host})
    elif p.key == "bigbluebutton" and (url := _setting("BBB_URL")):
        p = replace(p, name=gettext("BigBlueButton server (%(host)s)") % {"host": urlsplit(url).hostname})
    elif p.key == "institution_sign_in" and (name := _setting("OIDC_NAME")):
        p = replace(p, name=gettext("%(name)s (sign-in with OpenID Connect)") % {"name": name})
    return p


def _apply(p: Processor, changes: dict[str, Any]) -> Processor:
    unknown = set(changes) - _FIELD_NAMES
    if unknown:
        raise ImproperlyConfigured(f"PRIVACY_PROCESSORS[{p.key!r}]: unknown fields {sorted(unknown)}")
    typed: dict[str, Any] = dict(changes)
    if "role" in typed:
        typed["role"] = Role(typed["role"])
    if "safeguard" in typed:
        typed["safeguard"] = Safeguard(typed["safeguard"])
    if typed.get("dpa_date"):
        typed["dpa_date"] = date.fromisoformat(str(typed["dpa_date"]))
    if "settings" in typed:
        typed["settings"] = tuple(typed["settings"])
    return replace(p, **typed)


def register() -> dict[str, Processor]:
    """Every party, active or not, by key, with the settings' names and overrides applied."""
    overrides = _overrides()
    unknown = set(overrides) - {p.key for p in _DEFAULTS}
    if unknown:
        raise ImproperlyConfigured(f"PRIVACY_PROCESSORS names unknown parties: {sorted(unknown)}")
    return {p.key: _apply(_configured(p), overrides.get(p.key, {})) for p in _DEFAULTS}


KEYS: frozenset[str] = frozenset(p.key for p in _DEFAULTS)


def processor(key: str) -> Processor:
    """One party by key (``KeyError`` for an unknown key: declarations are checked against ``KEYS``)."""
    return register()[key]


def active_processors() -> list[Processor]:
    """The parties this configuration actually uses, in register order."""
    return [p for p in register().values() if p.active]
