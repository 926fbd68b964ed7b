"""Money as the member reads it. Amounts are integer minor units (cents) everywhere."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language

SYMBOLS = {"EUR": "€", "USD": "$"}
# Languages that write the currency after the amount, with a no-break space: "19,00 €" (German), not "€19.00".
SYMBOL_AFTER = {"de"}


def money(amount_minor: int, currency: str) -> str:
    """12900, "EUR" → "€129.00" in English, "129,00 €" in German: the active language's decimal and thousands
    separators (Django's formats) and its place for the symbol."""
    sign = "-" if amount_minor < 0 else ""
    amount = formats.number_format(Decimal(abs(amount_minor)) / 100, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency)
    language = (get_language() or "en").split("-")[0]
    if language in SYMBOL_AFTER:
        return f"{sign}{amount}\N{NO-BREAK SPACE}{symbol or currency}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{currency} {amount}"
