"""The one CSV writer for every export: no cell can become a spreadsheet formula.

A spreadsheet opening a CSV runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, with a tab or
a carriage return) as a formula: a member named ``=HYPERLINK("http://x")`` would become a link in the teacher's
roster. Following OWASP's CSV-injection guidance, such a text cell gets a leading ``'``, which spreadsheets
show as text. Every text cell is checked, whatever the column: ``-12`` written as text becomes ``'-12``.

Numbers stay numbers: a cell given as an ``int``, ``float`` or ``Decimal`` is written as it is, because its
text (digits, one sign, a point, an exponent) cannot hold a formula, and the column stays numeric for sums.
Exports that want a column numeric pass the number, not its formatted text.

``preceptor/core/tests/test_csv.py`` checks that no other module in the package calls ``csv.writer`` or
``csv.DictWriter``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def safe_cell(value: Any) -> Any:
    """``value`` as a cell no spreadsheet will evaluate: numbers as they are, text with a leading ``'`` when it
    starts like a formula, ``None`` as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` whose every cell passes through ``safe_cell``."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """``csv.DictWriter`` whose every cell (and header) passes through ``safe_cell``."""

    def __init__(self, out: _Writable, fieldnames: Sequence[str]) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = SafeWriter(out)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow([row.get(name) for name in self.fieldnames])

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> str:
    """A whole export as text: the header, then the rows."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """An attachment response named ``filename`` and the safe writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response, SafeWriter(response)
