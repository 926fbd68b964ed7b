"""The one CSV writer (core/csv.py): no cell of an export can become a spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from preceptor.core.csv import SafeDictWriter, csv_response, csv_text, safe_cell

PACKAGE = Path(__file__).resolve().parents[2]  # preceptor/


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-12", "="],
)
def test_a_text_cell_that_starts_like_a_formula_gets_a_leading_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Paul Pro", "", " =1+1", "1.75", "2026-03-10", "a=b", "x-y", "'quoted"])
def test_a_text_cell_that_does_not_start_like_a_formula_is_left_as_it_is(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("number", [-12, -1.5, Decimal("-0.25"), 0, 42])
def test_a_number_stays_a_number_even_when_negative(number):
    assert safe_cell(number) == number
    assert csv_text(["n"], [[number]]).splitlines()[1] == str(number)


def test_a_negative_number_given_as_text_is_neutralised_like_any_text():
    assert csv_text(["n"], [["-12"]]).splitlines()[1] == "'-12"


def test_none_is_an_empty_cell_and_a_boolean_is_text():
    assert safe_cell(None) == ""
    assert safe_cell(True) == "True"


def test_every_cell_of_every_row_and_the_header_are_neutralised():
    text = csv_text(["=header", "name"], [["ok", '=HYPERLINK("http://x")'], ["@me", "+1"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["'=header", "name"],
        ["ok", '\'=HYPERLINK("http://x")'],
        ["'@me", "'+1"],
    ]


def test_the_dict_writer_neutralises_each_cell_and_leaves_a_missing_one_empty():
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, fieldnames=["name", "comment"])
    writer.writeheader()
    writer.writerow({"name": "=cmd|' /C calc'!A0"})
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [["name", "comment"], ["'=cmd|' /C calc'!A0", ""]]


def test_the_response_is_a_csv_attachment_written_through_the_safe_writer():
    response, writer = csv_response("roster.csv")
    writer.writerow(["-1+1"])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="roster.csv"'
    assert response.content.decode() == "'-1+1\r\n"


def test_no_module_in_the_package_writes_csv_except_through_core_csv():
    writer_call = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path != PACKAGE / "core" / "csv.py" and writer_call.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
