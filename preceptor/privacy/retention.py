"""The retention engine: every declared period (``rules`` in each app's ``privacy.py``), enforced in one run.

For each timed rule the engine selects the rows whose anchor is older than the rule's period (and that match
its ``when``). All selections are made first, at the same instant, so that one rule's deletions cannot hide
another's rows (the after-erasure rules count from the erasure request, which a rule of its own deletes).
Then the apps' own ``purge(now)`` run, for the rules that name one, and the engine deletes what the generic
rules selected. Each rule's count is what it selected and is no longer there (or, for a "shorten" rule, no
longer matches), under its key (``rule_key``: ``mail.EmailEvent#1``). A second run finds nothing: idempotent.

Retention deletes through the plain ``QuerySet``: append-only rows (consent records, audit events, teacher
terms acceptances) end here and nowhere else (decision 0025).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db import models, transaction

from preceptor.core.personal_data import PersonalData, TimedRule, UntilErasure, rule_key
from preceptor.privacy import registry

CHUNK = 500


def rule_queryset(declaration: PersonalData, rule: TimedRule, now: datetime) -> models.QuerySet[Any]:
    """The rows ``rule`` says must be gone at ``now`` (through the plain queryset: no append-only guard)."""
    cutoff = now - rule.period.delta()
    lookups = {**dict(rule.when), f"{rule.anchor}__lt": cutoff}
    return models.QuerySet(model=declaration.model).filter(**lookups)


def timed_rules() -> Iterator[tuple[str, PersonalData, TimedRule]]:
    for app in registry.registry():
        for declaration in app.declarations:
            for index, rule in enumerate(declaration.rules):
                if not isinstance(rule, UntilErasure):
                    yield rule_key(declaration, index), declaration, rule


def _chunks(pks: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(pks), CHUNK):
        yield pks[start : start + CHUNK]


def _still_due(declaration: PersonalData, rule: TimedRule, now: datetime, pks: list[Any]) -> int:
    return sum(rule_queryset(declaration, rule, now).filter(pk__in=chunk).count() for chunk in _chunks(pks))


def enforce(now: datetime) -> dict[str, int]:
    """Run every rule at ``now``; returns each rule's count and, as before, what each app's purge reported."""
    due = {
        key: (declaration, rule, list(rule_queryset(declaration, rule, now).values_list("pk", flat=True).distinct()))
        for key, declaration, rule in timed_rules()
    }
    counts: dict[str, int] = dict(registry.purge(now))
    for key, (declaration, rule, pks) in due.items():
        if rule.generic and rule.effect == "delete":
            with transaction.atomic():
                for chunk in _chunks(pks):
                    models.QuerySet(model=declaration.model).filter(pk__in=chunk).delete()
        counts[key] = len(pks) - _still_due(declaration, rule, now, pks)
    return counts
