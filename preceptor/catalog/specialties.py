"""Specialty names that ship with a translation. A specialty is a row staff can add, so its name is data; when
the name is one of these, pages show it in the reader's language (``Specialty.label``), otherwise as typed."""

from __future__ import annotations

from django.utils.translation import gettext_noop

NAMES = (
    gettext_noop("Anaesthesiology"),
    gettext_noop("Cardiology"),
    gettext_noop("Dermatology"),
    gettext_noop("Emergency medicine"),
    gettext_noop("Endocrinology"),
    gettext_noop("Family medicine"),
    gettext_noop("Gastroenterology"),
    gettext_noop("Infectious diseases"),
    gettext_noop("Internal medicine"),
    gettext_noop("Laboratory medicine"),
    gettext_noop("Nephrology"),
    gettext_noop("Neurology"),
    gettext_noop("Obstetrics and gynaecology"),
    gettext_noop("Oncology"),
    gettext_noop("Paediatrics"),
    gettext_noop("Point-of-care ultrasound"),
    gettext_noop("Psychiatry"),
    gettext_noop("Pulmonology"),
    gettext_noop("Radiology"),
    gettext_noop("Surgery"),
)
