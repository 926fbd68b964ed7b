"""The vocabulary every app's ``privacy.py`` uses to declare the personal data it holds.

It lives in ``core`` so that any app can declare its data without importing the privacy app above it; the
privacy app (``preceptor.privacy.registry``) collects the declarations and runs export, erasure, retention
and the record of processing over them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db import models

Erasure = Literal["delete", "pseudonymise", "keep"]


@dataclass(frozen=True)
class PersonalData:
    model: type[models.Model]
    fields: tuple[str, ...]
    purpose: str
    legal_basis: str
    retention: str
    erasure: Erasure
    recipients: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.model._meta.label


def row(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A model instance's ``fields`` as JSON-ready values (dates as ISO 8601, files as their name)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, models.fields.files.FieldFile):
            value = value.name or None
        elif isinstance(value, models.Model):
            value = value.pk
        out[name] = value
    return out
