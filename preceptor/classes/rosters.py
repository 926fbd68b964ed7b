"""A class roster as a CSV file (the rows come from ``services.roster_disclose``, which records the disclosure)."""

from __future__ import annotations

import csv
import io


def roster_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "minutes attended"])
    for row in rows:
        writer.writerow([row["name"], row["email"], row["minutes"]])
    return buffer.getvalue()
