"""Secret URL arguments are declared next to the URLs and redacted from every log (core/redaction.py)."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import include, path, re_path

from preceptor.core.redaction import (
    REDACTED,
    SECRET_NAME,
    SecretsFilter,
    _secret_routes,
    redact_path,
    redact_query,
    redact_text,
    routes,
)


def _view(request, **kwargs):
    return HttpResponse()


# A URLconf of its own for the checks below (``urlconf=__name__``): one declared secret, one forgotten.
SECRET_URL_KWARGS = {"links:reset": ("key",)}
urlpatterns = [
    path(
        "links/",
        include(
            (
                [
                    re_path(r"^reset/(?P<uid>[0-9a-z]+)-(?P<key>.+)/$", _view, name="reset"),
                    path("forgotten/<str:signature>/", _view, name="forgotten"),
                    path("pages/<slug:slug>/", _view, name="page"),
                ],
                "links",
            )
        ),
    ),
]


def undeclared_secret_arguments(urlconf: str | None = None) -> list[str]:
    """Each URL pattern with an argument or converter named like a secret that its app did not declare."""
    found, declared = routes(urlconf)
    return [
        f"{route.name or route.regex}: {name}"
        for route in found
        for name in (*route.arguments, *route.converters)
        if SECRET_NAME.search(name.lower()) and name not in declared.get(route.name, ())
    ]


def test_every_url_argument_named_like_a_secret_is_declared_by_its_app():
    assert undeclared_secret_arguments() == []


def test_a_url_argument_named_like_a_secret_and_not_declared_is_reported():
    assert undeclared_secret_arguments(__name__) == ["links:forgotten: signature"]


def test_every_declared_secret_names_a_url_and_its_argument():
    found, declared = routes()
    by_name = {route.name: route for route in found}
    for name, arguments in declared.items():
        assert name in by_name, name
        assert set(arguments) <= set(by_name[name].arguments), name


def test_a_declaration_naming_an_argument_the_url_lacks_stops_the_redaction(monkeypatch):
    monkeypatch.setitem(SECRET_URL_KWARGS, "links:page", ("token",))
    _secret_routes.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="links:page has no argument token"):
            _secret_routes(__name__)
    finally:
        _secret_routes.cache_clear()


@pytest.mark.parametrize(
    "raw, redacted",
    [
        ("/accounts/password/reset/key/4-c3x2ab-9f8e7d6c5b4a/", "/accounts/password/reset/key/4-[redacted]/"),
        ("/accounts/confirm-email/MTA:1tXyz:abcDEF/", "/accounts/confirm-email/[redacted]/"),
        ("/mail/unsubscribe/MTA:bmV3c2xldHRlcg:sig/", "/mail/unsubscribe/[redacted]/"),
        ("/mail/unsubscribe/MTA:bmV3c2xldHRlcg:sig", "/mail/unsubscribe/[redacted]"),
        ("/mail/o/abc:def.gif", "/mail/o/[redacted].gif"),
        ("/mail/c/abc:def/", "/mail/c/[redacted]/"),
        ("/billing/demo/pay/abc:def/", "/billing/demo/pay/[redacted]/"),
        ("/billing/demo/order/abc:def/", "/billing/demo/order/[redacted]/"),
        ("/accounts/password/reset/key/done/", "/accounts/password/reset/key/done/"),
        ("/certificates/0b0f3c8e-5c36-4b43-9a7e-3d2b1c0f9e11/", "/certificates/0b0f3c8e-5c36-4b43-9a7e-3d2b1c0f9e11/"),
        ("/courses/ecg/", "/courses/ecg/"),
        ("/no/such/page/", "/no/such/page/"),
    ],
)
def test_a_path_keeps_its_shape_and_loses_only_its_secret(raw, redacted):
    assert redact_path(raw) == redacted


def test_the_urlconf_given_by_the_request_log_redacts_as_the_current_one_and_a_long_path_too():
    for raw in ("/accounts/password/reset/key/4-c3x2ab-9f8e7d6c5b4a/", "/courses/ecg/"):
        assert redact_path(raw, urlconf="preceptor.config.urls") == redact_path(raw)
    assert redact_path("/links/reset/4-secretkey/", urlconf=__name__) == "/links/reset/4-[redacted]/"
    long_secret = "k" * 300  # longer than the paths whose spans are kept: matched every time
    assert redact_path(f"/links/reset/4-{long_secret}/", urlconf=__name__) == "/links/reset/4-[redacted]/"


def test_kept_spans_follow_a_changed_declaration(monkeypatch):
    """The spans kept per path belong to one set of declared patterns: declared anew, the path is matched anew."""
    _secret_routes.cache_clear()
    try:
        assert redact_path("/links/pages/my-page/", urlconf=__name__) == "/links/pages/my-page/"
        monkeypatch.setitem(SECRET_URL_KWARGS, "links:page", ("slug",))
        _secret_routes.cache_clear()
        assert redact_path("/links/pages/my-page/", urlconf=__name__) == "/links/pages/[redacted]/"
    finally:
        monkeypatch.undo()
        _secret_routes.cache_clear()


def test_query_parameters_named_like_secrets_lose_their_values_and_the_rest_stay():
    query = "page=2&token=abc&sig=def&signature=x&api_key=k&code=123&state=s&checksum=c&q=heart&next=/cme/"
    assert redact_query(query) == (
        "page=2&token=[redacted]&sig=[redacted]&signature=[redacted]&api_key=[redacted]&code=[redacted]"
        "&state=[redacted]&checksum=[redacted]&q=heart&next=/cme/"
    )


def test_paths_and_urls_inside_free_text_are_redacted():
    text = "Not Found: https://cme.example.org/mail/c/abc:def/?u=1 and (/mail/o/xyz:123.gif)"
    assert (
        redact_text(text) == f"Not Found: https://cme.example.org/mail/c/{REDACTED}/?u=1 and (/mail/o/{REDACTED}.gif)"
    )


def test_the_filter_redacts_a_request_s_secret_also_in_its_traceback(rf):
    request = rf.get("/mail/unsubscribe/MTA:secret-token-value/")
    try:
        raise ValueError("could not read MTA:secret-token-value")
    except ValueError as error:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", None, None
        )
        record.args = (request.path,)
        record.exc_info = (ValueError, error, error.__traceback__)
    record.request = request
    assert SecretsFilter().filter(record) is True
    assert record.getMessage() == "Internal Server Error: /mail/unsubscribe/[redacted]/"
    assert "MTA:secret-token-value" not in record.exc_text and "could not read [redacted]" in record.exc_text
