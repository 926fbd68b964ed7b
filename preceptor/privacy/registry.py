"""The privacy registry: every app declares the personal data it holds.

Each app with personal data has a ``privacy.py`` module with:

- ``PERSONAL_DATA``: a list of :class:`PersonalData`, one per model (its own or a third-party model it
  answers for);
- ``export_user(user) -> dict``: everything the app holds about the member, as JSON-ready data;
- ``erase_user(user) -> list[str]``: delete or pseudonymise per the declaration; returns what was kept
  (and why) so the erasure answer can list it;
- optionally ``purge(now) -> dict[str, int]``: the app's daily retention (delete or truncate what is past
  its declared period); returns counts by what was removed.

Data export, erasure, retention and the record of processing activities run over the registry. The test
``test_every_model_with_personal_data_is_declared`` fails when a model that looks personal (a link to the
user, an e-mail, an IP address, a name, phone or address field) is not declared here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models

from preceptor.core.personal_data import PersonalData


@dataclass(frozen=True)
class AppPrivacy:
    app_label: str
    declarations: tuple[PersonalData, ...]
    export_user: Callable[[Any], dict[str, Any]]
    erase_user: Callable[[Any], list[str]]
    purge: Callable[[datetime], dict[str, int]] | None = None


_NAME_FIELD = re.compile(
    r"^((first|last|full|middle|given|family|display|legal)_name|(tele)?phone(_number)?|mobile"
    r"|(street|postal|home|billing)_address|address|date_of_birth|birth_date|ip|ip_address|ip_prefix)$"
)


def looks_personal(model: type[models.Model]) -> list[str]:
    """The fields that make a model look like it holds personal data (empty when it does not)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    reasons: list[str] = []
    if model is user_model:
        reasons.append("is the user model")
    for f in model._meta.get_fields():
        if not getattr(f, "concrete", False):
            continue
        links_to_user = f.is_relation and f.related_model is user_model
        holds_contact = isinstance(f, models.EmailField | models.GenericIPAddressField)
        if links_to_user or holds_contact or _NAME_FIELD.match(f.name):
            reasons.append(f.name)
    return reasons


def _privacy_module(app_label: str) -> ModuleType | None:
    config = apps.get_app_config(app_label)
    try:
        return import_module(f"{config.name}.privacy")
    except ModuleNotFoundError as exc:
        if exc.name != f"{config.name}.privacy":
            raise
        return None


def registry() -> list[AppPrivacy]:
    """Every app's declaration, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        module = _privacy_module(config.label)
        if module is None:
            continue
        found.append(
            AppPrivacy(
                app_label=config.label,
                declarations=tuple(module.PERSONAL_DATA),
                export_user=module.export_user,
                erase_user=module.erase_user,
                purge=getattr(module, "purge", None),
            )
        )
    return found


def declared_models() -> set[type[models.Model]]:
    return {d.model for app in registry() for d in app.declarations}


def undeclared_models(candidates: Iterable[type[models.Model]]) -> dict[str, list[str]]:
    """Models among ``candidates`` that look personal but no ``privacy.py`` declares."""
    declared = declared_models()
    missing = {}
    for model in candidates:
        reasons = looks_personal(model)
        if reasons and model not in declared:
            missing[model._meta.label] = reasons
    return missing


def export_user(user: Any) -> dict[str, dict[str, Any]]:
    """One JSON-ready section per app."""
    return {app.app_label: app.export_user(user) for app in registry()}


def erase_user(user: Any) -> dict[str, list[str]]:
    """Erase per the registry, in reverse app order so dependants go first; returns what each app kept."""
    return {app.app_label: app.erase_user(user) for app in reversed(registry())}


def purge(now: datetime) -> dict[str, int]:
    """Run every app's retention ``purge(now)`` (declared beside its data in ``privacy.py``); what each removed."""
    counts: dict[str, int] = {}
    for app in registry():
        if app.purge is not None:
            counts.update(app.purge(now))
    return counts


def processing_record() -> list[dict[str, Any]]:
    """The record of processing activities (GDPR art. 30), one entry per declared model."""
    return [
        {
            "app": app.app_label,
            "data": declaration.label,
            "fields": list(declaration.fields),
            "purpose": declaration.purpose,
            "legal_basis": declaration.legal_basis,
            "retention": declaration.retention,
            "on_erasure": declaration.erasure,
            "recipients": list(declaration.recipients),
        }
        for app in registry()
        for declaration in app.declarations
    ]


def processing_record_markdown() -> str:
    lines = [
        "# Record of processing activities (GDPR art. 30)",
        "",
        "Controller: the operator of this Preceptor service. Generated from each app's `privacy.py`.",
        "Data subjects: members (learners, teachers, staff) and visitors. Security measures: TLS, Argon2 password",
        "hashing, sign-in throttling, CSP, least-privilege staff roles, append-only audit and consent logs.",
        "",
        "| data | fields | purpose | legal basis | retention | on erasure | recipients |",
        "|---|---|---|---|---|---|---|",
    ]
    for entry in processing_record():
        lines.append(
            f"| {entry['data']} | {', '.join(entry['fields'])} | {entry['purpose']} | {entry['legal_basis']} | "
            f"{entry['retention']} | {entry['on_erasure']} | {', '.join(entry['recipients']) or '—'} |"
        )
    return "\n".join(lines) + "\n"
