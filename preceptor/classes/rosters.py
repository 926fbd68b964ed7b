"""A class roster as a CSV file (the rows come from ``services.roster_disclose``, which records the disclosure)."""

from __future__ import annotations

from preceptor.core.csv import csv_text


def roster_csv(rows: list[dict[str, str]]) -> str:
    return csv_text(
        ["name", "email", "minutes attended"], ([row["name"], row["email"], row["minutes"]] for row in rows)
    )
