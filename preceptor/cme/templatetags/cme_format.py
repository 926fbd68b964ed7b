from __future__ import annotations

from decimal import Decimal

from django import template

from preceptor.cme.credits import format_credits

register = template.Library()


@register.filter
def credits(value: Decimal | None) -> str:
    return format_credits(Decimal(value)) if value is not None else ""
