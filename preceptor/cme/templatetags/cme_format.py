from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats

from preceptor.cme.credits import format_credits, plural_count

register = template.Library()


@register.filter
def credits(value: Decimal | None) -> str:
    """1.75 → "1.75" in English, "1,75" in German (the active language's decimal separator); 2.00 → "2"."""
    if value is None:
        return ""
    return formats.number_format(Decimal(format_credits(Decimal(value))), use_l10n=True)


@register.filter
def credit_count(value: Decimal | None) -> int:
    """The number that picks the plural form for an amount of credit (``blocktranslate count n=x|credit_count``)."""
    return plural_count(Decimal(value)) if value is not None else 0
