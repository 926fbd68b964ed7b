"""No bad input is a server error: every URL converter, query parameter and form field of the URLconf, fed hostile
values, answers below 500 and logs no ``django.request`` error, for an anonymous visitor, a member, a teacher and
staff, on the seeded demo (``pages.py``).

Two sources of hostile values: a fixed corpus of known-nasty strings (``CORPUS``, applied to every parameter and
every field, so each one is tried everywhere on every run) and Hypothesis (``hostile_text`` and the strategies per
converter, a bounded number of examples, so the module runs in a minute or two).

A URL parameter gets one hostile value at a time while the others keep the demo's good values, so the hostile one
reaches the view (a course that exists, a lesson of it, a file id that is hostile). Forms are found by opening every
page and reading its ``<form>`` fields; the field names of the project's form classes are posted to every URL as
well, for the endpoints that a script posts to (video progress) and the views that read ``request.POST`` directly.
"""

from __future__ import annotations

import inspect
import logging
import pkgutil
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import import_module
from typing import Any, cast
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django import forms
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import Resolver404, get_resolver, path, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import preceptor
from preceptor.core.converters import IdConverter
from preceptor.site.tests.pages import PAGES, SKIPPED, Demo, url_names

pytestmark = pytest.mark.django_db

VISITORS = ("anonymous", "pro", "teacher", "staff")
EXAMPLES = 150  # per Hypothesis test: with the corpus, the module runs in a minute or two

# --- The hostile values ----------------------------------------------------------------------------------
TEN_THOUSAND_DIGITS = "9" * 10_000
CORPUS = [
    "'; DROP TABLE accounts_user; --",
    "' OR '1'='1' --",
    '"; SELECT pg_sleep(5); --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "\x00",
    "a\x00b",
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/" + "../" * 20,
    TEN_THOUSAND_DIGITS,
    "-" + TEN_THOUSAND_DIGITS,
    "9223372036854775808",
    "-9223372036854775809",
    "-1",
    "1e309",
    "NaN",
    "-Infinity",
    "0x7fffffff",
    "١٢٣",  # Arabic-Indic digits
    "\u202egnp.exe\u202c",  # right-to-left override
    "\u200f\u200e\u2066\u2069",
    "😀👩‍⚕️🏳️‍🌈" * 20,
    "\ufeff\ufffe\uffff",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "",
    " ",
    "x" * 10_000,
    "2026-02-30",
    "99999-12-31",
    "00000000-0000-0000-0000-00000000000g",
]
# Bytes a browser would send percent-encoded, that are not UTF-8 (overlong encodings, lone bytes) or are NUL:
# sent as they are, unquoted, in paths, query strings and form bodies.
RAW_PERCENT = ["%00", "%C0%AF", "%C0%AE%C0%AE%C0%AF", "%E0%80%AF", "%FF%FE", "%ED%A0%80", "%2e%2e%2f%2e%2e%2f", "%"]

hostile_text = st.one_of(
    st.sampled_from(CORPUS),
    st.text(max_size=200),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=20),
    st.integers().map(str),
    st.integers(min_value=19, max_value=6000).map(lambda n: "7" * n),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.sampled_from(["..", ".", "%2e", "etc", "passwd", "\x00", "~"]), max_size=8).map("/".join),
)


def converter_values(converter: object) -> st.SearchStrategy[str]:
    """Values that pass the converter's pattern (so they reach the view), and others that do not."""
    if isinstance(converter, IntConverter | IdConverter):
        fitting = st.one_of(
            st.integers(min_value=0, max_value=10**40).map(str),
            st.integers(min_value=1, max_value=5000).map(lambda n: "9" * n),
            st.integers(min_value=0, max_value=30).map(lambda n: "0" * n + "1"),
        )
    elif isinstance(converter, SlugConverter):
        fitting = st.from_regex(r"\A[-a-zA-Z0-9_]{1,300}\Z")
    elif isinstance(converter, UUIDConverter):
        fitting = st.uuids().map(str)
    elif isinstance(converter, PathConverter):
        fitting = st.text(min_size=1, max_size=300)
    else:
        fitting = st.text(min_size=1, max_size=300).filter(lambda text: "/" not in text)
    return st.one_of(fitting, hostile_text.filter(bool))


# --- Watching for errors ---------------------------------------------------------------------------------
class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:300])


@contextmanager
def request_errors() -> Iterator[_Errors]:
    """Every ``django.request`` error logged meanwhile (an unhandled exception in a view is logged there)."""
    handler = _Errors()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@dataclass
class Visitor:
    who: str
    client: Client
    errors: _Errors
    problems: list[str] = field(default_factory=list)

    def send(self, method: str, path: str, *, body: str = "", query: str = "") -> int:
        """GET or POST ``path`` (a form-encoded body, a query string) and note any 5xx, error log or exception."""
        logged = len(self.errors.messages)
        target = f"{path}?{query}" if query else path
        shown = f"{self.who}: {method} {target[:200]} {body[:200]!r}"
        try:
            if method == "POST":
                response = self.client.post(target, body, content_type="application/x-www-form-urlencoded")
            else:
                response = self.client.get(target)
            if response.streaming:  # the client closes the file (and the request) once it is read
                b"".join(cast(Iterator[bytes], cast(StreamingHttpResponse, response).streaming_content))
        except Exception as error:  # anything raised is the finding
            self.problems.append(f"{shown}: raised {error!r}")
            return 500
        if response.status_code >= 500:
            self.problems.append(f"{shown}: answered {response.status_code}")
        self.problems += [f"{shown}: logged {message}" for message in self.errors.messages[logged:]]
        return response.status_code


@pytest.fixture
def visitors(demo: Demo, settings) -> Iterator[dict[str, Visitor]]:
    settings.DEBUG = False  # as in production (a 404 is the site's page, not the slow debug page listing the URLs)
    settings.STAFF_REQUIRE_MFA = False  # staff pages open without the second factor, which has tests of its own
    settings.MEDIA_ROOT = demo.objects["media_root"]
    with request_errors() as errors:
        found = {}
        for who in VISITORS:
            client = Client(raise_request_exception=False)
            if who != "anonymous":
                client.force_login(demo.users[who])
            found[who] = Visitor(who, client, errors)
        yield found


def assert_no_problems(visitors: dict[str, Visitor]) -> None:
    problems = [problem for visitor in visitors.values() for problem in visitor.problems]
    assert not problems, f"{len(problems)} server errors:\n" + "\n".join(sorted(set(problems))[:60])


# --- The URLconf as templates ----------------------------------------------------------------------------
@dataclass
class Route:
    name: str
    template: str  # "/courses/%(slug)s/%(lesson)s/", as Django reverses it
    converters: dict[str, object]  # parameter → converter (regex routes: empty, every parameter a string)
    params: list[str]

    def path(self, values: dict[str, Any], raw: dict[str, str] | None = None) -> str:
        """The path with ``values`` percent-encoded and ``raw`` inserted as they are (already percent-encoded)."""
        encoded = {
            name: quote(str(value), safe="/" if isinstance(self.converters.get(name), PathConverter) else "")
            for name, value in values.items()
        }
        return self.template % {**encoded, **(raw or {})}


def route_of(name: str) -> Route:
    resolver = get_resolver()
    *namespaces, view = name.split(":")
    prefix = ""
    for namespace in namespaces:
        extra, resolver = resolver.namespace_dict[namespace]
        prefix += extra
    bits, _pattern, _defaults, converters = resolver.reverse_dict.getlist(view)[0]
    template, params = bits[0]
    return Route(name, "/" + prefix + template, dict(converters), list(params))


def good_values(demo: Demo, visitor: str, name: str) -> tuple[dict[str, Any], str]:
    """The demo's parameters for URL ``name`` as seen by ``visitor``, and its query string."""
    kwargs = dict(PAGES[name](demo, None if visitor == "anonymous" else demo.users[visitor])[0])
    return kwargs, kwargs.pop("?", "")


def routes() -> list[Route]:
    return [route_of(name) for name, _route in url_names() if name not in SKIPPED]


def test_every_url_of_the_urlconf_is_driven_and_its_template_reverses_the_demo_path(demo):
    found = routes()
    assert len(found) >= 70
    with_params = [route for route in found if route.params]
    assert {"cme:claim", "catalog:file", "cme:evaluations", "billing:receipt", "site:public_media"} <= {
        route.name for route in with_params
    }
    for route in with_params:
        values, _query = good_values(demo, "pro", route.name)
        assert resolve(route.path(values)).url_name == route.name.rsplit(":", 1)[-1]


# --- URL converters --------------------------------------------------------------------------------------
def reaching(converter: object, payloads: list[str]) -> list[str]:
    """The payloads that pass the converter's pattern and so reach the view (the others are a 404 from the URL
    resolver itself, whatever the view does), and two that do not, to see that 404 too."""
    pattern = re.compile(getattr(converter, "regex", "[^/]+"))
    passing = [payload for payload in payloads if payload and pattern.fullmatch(payload)]
    return passing + [payload for payload in payloads if payload and not pattern.fullmatch(payload)][:2]


def test_every_url_parameter_answers_the_corpus_without_a_server_error(demo, visitors):
    for route in routes():
        for param in route.params:
            converter = route.converters.get(param)
            sent = [(payload, None) for payload in reaching(converter, CORPUS)]
            sent += [(None, raw) for raw in reaching(converter, RAW_PERCENT)]
            for number, (payload, raw) in enumerate(sent):
                who = VISITORS[number % len(VISITORS)]  # every payload once, the visitors taking turns
                values, _query = good_values(demo, who, route.name)
                path = route.path({**values, param: payload}) if raw is None else route.path(values, raw={param: raw})
                visitors[who].send("GET", path)
    assert_no_problems(visitors)


def test_every_url_parameter_answers_hypothesis_values_without_a_server_error(demo, visitors):
    targets = [(route, param) for route in routes() for param in route.params]

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from(targets), who=st.sampled_from(VISITORS), data=st.data())
    def one_hostile_parameter(target, who, data):
        route, param = target
        value = data.draw(converter_values(route.converters.get(param)), label=param)
        values, _query = good_values(demo, who, route.name)
        visitors[who].send("GET", route.path({**values, param: value}))

    one_hostile_parameter()
    assert_no_problems(visitors)


def test_a_huge_id_in_every_id_parameter_is_404(demo, visitors):
    id_routes = [route for route in routes() if any(isinstance(c, IdConverter) for c in route.converters.values())]
    assert {route.name for route in id_routes} >= {"cme:claim", "cme:evaluations", "catalog:file"}
    for route in id_routes:
        values, _query = good_values(demo, "staff", route.name)
        for param, converter in route.converters.items():
            if isinstance(converter, IdConverter):
                for huge in ("9223372036854775808", "9" * 30, TEN_THOUSAND_DIGITS):
                    assert visitors["staff"].send("GET", route.path({**values, param: huge})) == 404
    assert_no_problems(visitors)


@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("billing:receipt", "public_id", "not-a-uuid"),
        ("billing:receipt", "public_id", "00000000-0000-0000-0000-00000000000g"),
        ("cme:verify", "certificate_id", "12345678-1234-1234-1234-1234567890123"),
        ("catalog:course", "slug", "h\u00e9art-rhythm"),
        ("catalog:course", "slug", "heart\u202erhythm"),
        ("classes:detail", "slug", "\u0441lass"),  # a Cyrillic "c"
        ("privacy:policy_version", "version", "\uff11"),  # a full-width "1"
    ],
)
def test_a_malformed_uuid_or_a_slug_with_odd_unicode_is_404(demo, visitors, name, param, value):
    route = route_of(name)
    values, _query = good_values(demo, "pro", name)
    raw = {param: value} if value.startswith("%") else {}
    path = route.path({**values, **({} if raw else {param: value})}, raw=raw)
    assert visitors["pro"].send("GET", path) == 404
    assert_no_problems(visitors)


# --- Query strings and posted fields ---------------------------------------------------------------------
QUERY_NAMES = ("q", "format", "currency", "as", "next", "start", "end", "page", "language", "action", "kind")


def form_class_field_names() -> set[str]:
    """The fields of every form class in the project's ``forms`` modules."""
    names: set[str] = set()
    for module_info in pkgutil.iter_modules(preceptor.__path__):
        try:
            module = import_module(f"preceptor.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                names |= set(getattr(value, "base_fields", {}))
    return names


class FormReader(HTMLParser):
    """The ``<form>``s of a page: action, method and fields (name → default value, and every value offered)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "option" and self._select and self.forms:
            self.forms[-1]["fields"][self._select].append(attributes.get("value", ""))
            return
        if tag == "form":
            self.forms.append(
                {
                    "action": attributes.get("action", ""),
                    "method": attributes.get("method", "get").lower(),
                    "fields": {},
                }
            )
            return
        if not self.forms or not attributes.get("name"):
            return
        fields: dict[str, list[str]] = self.forms[-1]["fields"]
        name = attributes["name"]
        if tag == "input" and attributes.get("type", "text") != "file":
            kind = attributes.get("type", "text")
            values = fields.setdefault(name, [])
            if kind not in ("checkbox", "radio") or "checked" in attributes:
                values.insert(0, attributes.get("value", ""))
            else:
                values.append(attributes.get("value", "on"))
        elif tag in ("button", "textarea"):
            fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select":
            fields.setdefault(name, [])
            self._select = name

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass(frozen=True)
class Form:
    who: str
    page: str
    action: str
    method: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # name → offered values, the default first

    def body(self, changes: dict[str, str], raw: dict[str, str] | None = None) -> str:
        values = {name: (offered[0] if offered else "") for name, offered in self.fields}
        values.update(changes)
        encoded = urlencode(values)
        return "&".join([encoded, *(f"{quote(name)}={value}" for name, value in (raw or {}).items())]).strip("&")


NEVER_SUBMITTED = ("account_logout",)  # it would end the visitor's session for the rest of the walk


def forms_of(demo: Demo, visitors: dict[str, Visitor]) -> list[Form]:
    """Every form on every page, as each visitor sees it (once per action, method and field names)."""
    found: dict[tuple, Form] = {}
    for who, visitor in visitors.items():
        for name, _route in url_names():
            if name in SKIPPED:
                continue
            route = route_of(name)
            for kwargs in PAGES[name](demo, None if who == "anonymous" else demo.users[who]):
                kwargs = dict(kwargs)
                query = kwargs.pop("?", "")
                page = route.path(kwargs)
                response = visitor.client.get(f"{page}?{query}" if query else page)
                if response.streaming or "html" not in response.get("Content-Type", ""):
                    continue
                reader = FormReader()
                reader.feed(response.content.decode(errors="replace"))
                for read in reader.forms:
                    action = urlsplit(read["action"])
                    if action.netloc and action.netloc != "testserver":
                        continue
                    path = action.path or page
                    try:
                        if resolve(path).url_name in NEVER_SUBMITTED:
                            continue
                    except Resolver404:
                        continue
                    fields = tuple(
                        sorted(
                            (field_name, tuple(offered))
                            for field_name, offered in read["fields"].items()
                            if field_name != "csrfmiddlewaretoken"
                        )
                    )
                    # once per view, method and fields: the same form on each lesson or class page is one form
                    key = (resolve(path).view_name, read["method"], tuple(field_name for field_name, _ in fields))
                    found.setdefault(key, Form(who, page, path, read["method"], fields))
    return list(found.values())


def submit(visitor: Visitor, form: Form, body: str) -> None:
    if form.method == "post":
        visitor.send("POST", form.action, body=body)
    else:
        visitor.send("GET", form.action, query=body)


_FOUND: dict[int, list[Form]] = {}


@pytest.fixture
def every_form(demo, visitors) -> list[Form]:
    """The forms, found once for the module's demo (they are paths and field names, no database rows)."""
    if id(demo) not in _FOUND:
        _FOUND[id(demo)] = forms_of(demo, visitors)
        for visitor in visitors.values():
            visitor.problems.clear()  # opening the pages is the GET tests' business; here the forms are
    return _FOUND[id(demo)]


def test_the_walk_finds_the_forms_of_every_kind_of_visitor(every_form):
    kinds = {(form.who, resolve(form.action).view_name) for form in every_form}
    assert ("anonymous", "account_login") in kinds
    assert ("anonymous", "account_signup") in kinds
    assert ("pro", "profiles:edit") in kinds
    assert ("staff", "cme:staff") in kinds
    assert any(form.method == "get" for form in every_form), "search and filter forms are GET forms"
    assert sum(len(form.fields) for form in every_form) >= 50


def test_every_form_field_answers_the_corpus_without_a_server_error(every_form, visitors):
    for form in every_form:
        visitor = visitors[form.who]
        for payload in CORPUS:
            submit(visitor, form, form.body({name: payload for name, _ in form.fields}))
        for raw in RAW_PERCENT:
            submit(visitor, form, form.body({}, raw={name: raw for name, _ in form.fields}))
    assert_no_problems(visitors)


def test_every_form_field_answers_hypothesis_values_one_field_at_a_time_without_a_server_error(every_form, visitors):
    fields = [(form, name) for form in every_form for name, _ in form.fields]

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(target=st.sampled_from(fields), value=hostile_text)
    def one_hostile_field(target, value):
        form, name = target
        submit(visitors[form.who], form, form.body({name: value}))

    one_hostile_field()
    assert_no_problems(visitors)


def mixed(names: list[str], payloads: list[str], turn: int) -> str:
    """A form body (or query string) giving each name a payload; ``turn`` shifts which name gets which."""
    return urlencode({name: payloads[(number + turn) % len(payloads)] for number, name in enumerate(names)})


def test_every_url_answers_hostile_query_strings_and_posted_fields_without_a_server_error(demo, visitors):
    names = sorted(form_class_field_names() | {"position", "watched", "purpose", "surface", "confirm_unanswered"})
    assert {"position", "watched", "credits", "email"} <= set(names)
    payloads = [payload for payload in CORPUS if len(payload) < 100] + [TEN_THOUSAND_DIGITS]
    for turn, route in enumerate(routes()):
        for number, (who, visitor) in enumerate(visitors.items()):
            values, _query = good_values(demo, who, route.name)
            path = route.path(values)
            visitor.send("GET", path, query=mixed(list(QUERY_NAMES), payloads, turn + number))
            visitor.send("POST", path, body=mixed(names, payloads, turn + number))
        raw = RAW_PERCENT[turn % len(RAW_PERCENT)]
        visitor = visitors[VISITORS[turn % len(VISITORS)]]
        path = route.path(good_values(demo, visitor.who, route.name)[0])
        visitor.send("GET", path, query="&".join(f"{name}={raw}" for name in QUERY_NAMES))
        visitor.send("POST", path, body="&".join(f"{name}={raw}" for name in names))
    assert_no_problems(visitors)


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]  # this module is the URLconf of the test below


def test_the_fuzz_would_see_a_server_error(visitors, settings):
    """The watch itself can fail: a view that raises is reported, through its 500 and its logged error."""
    settings.ROOT_URLCONF = __name__
    visitor = visitors["anonymous"]
    assert visitor.send("GET", "/boom/") == 500
    assert any("answered 500" in problem for problem in visitor.problems)
    assert any("logged Internal Server Error: /boom/" in problem for problem in visitor.problems)
