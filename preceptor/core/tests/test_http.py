"""Ranged file responses and the id converter: hostile Range headers and ids answer 206, 416 or 404, never 500."""

from __future__ import annotations

import io

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from preceptor.core.converters import MAX_ID, IdConverter
from preceptor.core.http import ranged_file_response

BODY = bytes(range(256)) * 4  # 1,024 bytes
SIZE = len(BODY)
HUGE = "9" * 10_000  # beyond the 4,300 digits int() accepts from a string


def served(range_header):
    headers = {"HTTP_RANGE": range_header} if range_header is not None else {}
    request = RequestFactory().get("/file", **headers)
    response = ranged_file_response(request, io.BytesIO(BODY), size=SIZE, filename="a.bin")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-99999999999999999999999", 0, SIZE - 1),
        (f"bytes=0-{HUGE}", 0, SIZE - 1),
        (f"bytes=10-{'0' * 5000}20", 10, 20),
        (f"bytes=-{HUGE}", 0, SIZE - 1),
        ("bytes=-99999999999999999999", 0, SIZE - 1),
        ("bytes=1000-", 1000, SIZE - 1),
    ],
)
def test_a_range_with_a_huge_end_or_suffix_is_clamped_to_the_file(header, first, last):
    response, body = served(header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{SIZE}"
    assert body == BODY[first : last + 1]
    assert response["Content-Length"] == str(last - first + 1)


@pytest.mark.parametrize(
    "header",
    [
        "bytes=99999999999999999999-",
        f"bytes={HUGE}-",
        f"bytes={HUGE}-{HUGE}",
        f"bytes={SIZE}-",
        "bytes=-0",
        "bytes=5-4",
    ],
)
def test_a_range_that_starts_past_the_end_is_refused_with_416(header):
    response, _body = served(header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize(
    "header",
    [
        "bytes=0-1,2-3,4-5",
        ",".join(["bytes=0-1"] * 1000),
        "bytes=-5-10",
        "bytes=--5",
        "bytes=5",
        "bytes=-",
        "bytes=a-b",
        "bytes=١-٢",  # Arabic-Indic digits are digits to Python, not to HTTP
        "items=0-10",
        "bytes=0-10\x00",
        "garbage",
        "",
    ],
)
def test_a_range_header_that_is_not_one_plain_range_is_ignored_and_the_whole_file_served(header):
    response, body = served(header)
    assert response.status_code == 200
    assert body == BODY
    assert response["Content-Length"] == str(SIZE)


def test_an_id_converter_accepts_the_63_bit_range_and_nothing_beyond():
    converter = IdConverter()
    assert converter.to_python("0") == 0
    assert converter.to_python(str(MAX_ID)) == MAX_ID
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))
    assert converter.to_url(42) == "42"


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            assert isinstance(pattern, URLPattern)
            yield prefix + str(pattern.pattern), pattern


def test_every_integer_parameter_of_our_own_urls_uses_the_id_converter():
    ours = [
        (route, name)
        for route, pattern in _patterns(get_resolver().url_patterns)
        if getattr(pattern.callback, "__module__", "").startswith("preceptor.")
        for name, converter in getattr(pattern.pattern, "converters", {}).items()
        if isinstance(converter, IntConverter)
    ]
    assert not ours, f"use <id:…> for these integer parameters: {ours}"
    id_routes = [route for route, _pattern in _patterns(get_resolver().url_patterns) if "<id:" in route]
    assert id_routes, "the integer URL parameters are there to check"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/u/a%00b/", "/u/%00/photo.jpg", "/courses/?q=%00", "/courses/?q=a&q=b%00", "/courses/?%00=1", "/%00"]
)
def test_a_nul_character_in_the_path_or_the_query_string_is_a_bad_request(path):
    # PostgreSQL refuses NUL in a text parameter: a view looking the value up would answer 500 there.
    assert Client(raise_request_exception=False).get(path).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ['sessionid="abcdefgh\\000ijklmnop"', 'csrftoken="a\\000b"'])
def test_a_nul_character_in_a_cookie_is_a_bad_request(cookie):
    # The session store looks the session cookie up in the database: PostgreSQL would answer 500 to a NUL.
    assert Client(raise_request_exception=False).get("/", HTTP_COOKIE=cookie).status_code == 400


@pytest.mark.django_db
def test_a_query_string_without_a_nul_is_let_through():
    assert Client().get("/courses/?q=ecg%20%C3%A9").status_code == 200


def test_a_members_pdf_is_downloaded_and_never_kept_by_a_shared_cache():
    from preceptor.core.http import pdf_download

    response = pdf_download(b"%PDF-1.4", "certificate-1.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="certificate-1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
