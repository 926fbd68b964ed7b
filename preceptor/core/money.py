"""Money as the member reads it. Amounts are integer minor units (cents) everywhere."""

from __future__ import annotations


def money(amount_minor: int, currency: str) -> str:
    """12900, "EUR" → "€129.00"; amounts are integer minor units everywhere."""
    symbol = {"EUR": "€", "USD": "$"}.get(currency, f"{currency} ")
    return f"{symbol}{amount_minor // 100:,}.{amount_minor % 100:02d}"
