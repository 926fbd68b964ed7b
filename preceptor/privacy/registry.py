"""The privacy registry: every app declares the personal data it holds.

Each app with personal data has a ``privacy.py`` module with:

- ``PERSONAL_DATA``: a list of :class:`PersonalData`, one per model (its own or a third-party model it
  answers for);
- ``export_user(user) -> dict``: everything the app holds about the member, as JSON-ready data;
- ``erase_user(user) -> list[str]``: delete or pseudonymise per the declaration; returns what was kept
  (and why) so the erasure answer can list it;
- optionally ``purge(now) -> dict[str, int]``: the app's daily retention (delete or truncate what is past
  its declared period); returns counts by what was removed;
- optionally ``export_files(user) -> dict[str, bytes]``: files the member gave us (a profile photo), by name
  inside the app's folder of the data export.

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

from preceptor.core.personal_data import LegalHold, PersonalData
from preceptor.core.processors import KEYS


@dataclass(frozen=True)
class AppPrivacy:
    app_label: str
    declarations: tuple[PersonalData, ...]
    export_user: Callable[[Any], dict[str, Any]]
    erase_user: Callable[[Any], list[str]]
    purge: Callable[[datetime], dict[str, int]] | None = None
    export_files: Callable[[Any], dict[str, bytes]] | None = None


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
                export_files=getattr(module, "export_files", None),
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


SUBJECT_LINK = "user"  # the field that says whose data a row is: declared by the declaration itself


def undeclared_fields() -> dict[str, list[str]]:
    """Fields of declared models that look personal but their declaration does not list (the link to the
    member whose data it is, ``user``, aside)."""
    missing = {}
    for app in registry():
        for d in app.declarations:
            fields = [
                name
                for name in looks_personal(d.model)
                if name not in d.fields and name not in (SUBJECT_LINK, "is the user model")
            ]
            if fields:
                missing[d.label] = fields
    return missing


def declaration_problems() -> list[str]:
    """What is wrong with the declarations: no name, no retention rule, an unknown processor, an undeclared field,
    a rule the generic engine cannot enforce without naming the app's purge, a hold that names no law."""
    problems = []
    for app in registry():
        for d in app.declarations:
            where = f"{app.app_label}: {d.label}"
            if not d.name.strip():
                problems.append(f"{where} has no name for the policy and the record")
            if not d.rules:
                problems.append(f"{where} declares no retention rule")
            if not (d.purposes and d.bases and d.categories and d.sources):
                problems.append(f"{where} lacks purposes, legal bases, categories or sources")
            names = {f.name for f in d.model._meta.get_fields()}
            problems += [f"{where} declares a field it lacks: {name}" for name in d.fields if name not in names]
            problems += [f"{where} names an unknown processor: {key}" for key in d.processors if key not in KEYS]
            for rule in d.timed_rules:
                if rule.effect != "delete" and rule.generic:
                    problems.append(f"{where}: only an app purge can {rule.effect} ({rule.text})")
                if isinstance(rule, LegalHold) and not rule.law:
                    problems.append(f"{where}: a legal hold names no law ({rule.text})")
    return problems


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
            "name": declaration.title,
            "fields": list(declaration.fields),
            "purpose": declaration.purpose_text,
            "legal_basis": declaration.legal_basis,
            "retention": declaration.retention,
            "on_erasure": declaration.erasure,
            "recipients": list(declaration.recipients),
            "purposes": [p.value for p in declaration.purposes],
            "legal_bases": [b.article for b in declaration.bases],
            "categories": [c.value for c in declaration.categories],
            "sources": [s.value for s in declaration.sources],
            "processors": list(declaration.processors),
            "audiences": [a.value for a in declaration.audiences],
            "rules": [rule.text for rule in declaration.rules],
            "export": declaration.export.value,
        }
        for app in registry()
        for declaration in app.declarations
    ]
