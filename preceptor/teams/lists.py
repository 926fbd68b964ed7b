"""Reading invitation lists as managers type or upload them, and the invitation link's token (pure functions)."""

from __future__ import annotations

import csv
import hashlib
import io

from django.utils.translation import gettext as _

from preceptor.teams.errors import TeamsError

CSV_MAX_BYTES = 256 * 1024
CSV_MAX_ROWS = 1000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def addresses_from_text(text: str) -> list[tuple[int, str]]:
    """Addresses typed or pasted one a line (commas and semicolons separate too), with their line numbers."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        found.extend((number, part) for part in line.replace(";", ",").split(",") if part.strip())
    return found


def addresses_from_csv(content: bytes) -> list[tuple[int, str]]:
    """The first column of an uploaded CSV (a header row naming an e-mail column is skipped; the column named
    "email" or "e-mail" is used when there is one). UTF-8 (with or without BOM) or Windows-1252, as spreadsheet
    programs save it. Raises ``TeamsError`` for a file that is not a readable CSV list."""
    if len(content) > CSV_MAX_BYTES:
        raise TeamsError(_("The file is larger than 256 KB. Split the list and upload each part."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise TeamsError(_("This is not a CSV file. Save the list from your spreadsheet as CSV and upload that."))
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)  # as spreadsheets save: comma, semicolon (German Excel) or tab
    try:  # newline="" lets the reader take \r\n, \n and a lone \r (old Excel for Mac) alike
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # a field longer than the reader's limit, an unfinished quote
        raise TeamsError(
            _("This file cannot be read as a list of addresses. Save it as CSV and upload it again.")
        ) from exc
    column = 0
    start = 0
    if rows and rows[0]:
        header = [cell.strip().lower().replace("-", "") for cell in rows[0]]
        if "email" in header:
            column, start = header.index("email"), 1
        elif "@" not in rows[0][0]:
            start = 1
    found = [
        (number, row[column] if column < len(row) else "")
        for number, row in enumerate(rows, start=1)
        if number > start and any(cell.strip() for cell in row)
    ]
    if len(found) > CSV_MAX_ROWS:
        raise TeamsError(_("The file lists more than 1,000 addresses. Split the list and upload each part."))
    if not found:
        raise TeamsError(_("The file lists no addresses."))
    return found
