"""No secret in any log: a password-reset link, an e-mail confirmation link, an unsubscribe link
or a tracking token opened leaves only ``[redacted]`` in the request log's buffer, its rows, the pageview events,
the staff page and the log records Django writes."""

from __future__ import annotations

import logging
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from preceptor.analytics import buffer
from preceptor.analytics.models import PageviewEvent, RequestLog
from preceptor.conftest import PASSWORD
from preceptor.mail.tokens import unsubscribe_token

pytestmark = pytest.mark.django_db
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def open_link(client: Client, path: str):
    return client.get(path, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.77")


def assert_nowhere(secret: str, caplog) -> None:
    """``secret`` is in no buffered row, no stored row and no captured log record (message or traceback)."""
    assert len(secret) >= 8
    assert secret not in repr(list(buffer._rows))
    buffer.flush()
    assert secret not in repr(list(RequestLog.objects.values_list("path", flat=True)))
    assert secret not in repr(list(PageviewEvent.objects.values_list("path", flat=True)))
    for record in caplog.records:
        assert secret not in record.getMessage() and secret not in (record.exc_text or "")


def test_an_opened_but_unused_password_reset_link_leaves_no_key_in_the_request_log(
    client, learner, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": learner.email})
    buffer._rows.clear()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    uidb36, key = re.fullmatch(r"/accounts/password/reset/key/([0-9A-Za-z]+)-(.+)/", link).groups()
    with caplog.at_level(logging.DEBUG):
        assert open_link(client, link).status_code == 302
        assert_nowhere(key, caplog)
    assert RequestLog.objects.filter(path=f"/accounts/password/reset/key/{uidb36}-[redacted]/").exists()


def test_an_e_mail_confirmation_link_leaves_no_key_in_the_request_log_or_the_pageviews(
    client, learner, caplog, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=learner).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    link = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    key = link.split("/")[-2]
    buffer._rows.clear()
    with caplog.at_level(logging.DEBUG):
        assert open_link(client, link).status_code == 200  # the page that asks to confirm: a counted pageview
        assert_nowhere(key, caplog)
    assert RequestLog.objects.filter(path="/accounts/confirm-email/[redacted]/").exists()
    assert PageviewEvent.objects.filter(path="/accounts/confirm-email/[redacted]/").exists()


def test_an_unsubscribe_link_opened_and_followed_leaves_no_token_in_the_request_log(client, learner, caplog):
    token = unsubscribe_token(learner.pk, "newsletter")
    with caplog.at_level(logging.DEBUG):
        assert open_link(client, f"/mail/unsubscribe/{token}/").status_code == 200
        assert client.post(f"/mail/unsubscribe/{token}/").status_code == 200
        assert open_link(client, f"/mail/unsubscribe/{token}").status_code == 301  # without its final slash
        assert_nowhere(token, caplog)
    paths = set(RequestLog.objects.values_list("path", flat=True))
    assert paths == {"/mail/unsubscribe/[redacted]/", "/mail/unsubscribe/[redacted]"}


def test_a_bad_token_logged_by_django_as_a_client_error_is_redacted_in_the_record(client, caplog):
    forged = "forged-token-0123456789abcdef"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert open_link(client, f"/mail/unsubscribe/{forged}/").status_code == 400
        assert open_link(client, f"/mail/o/{forged}.gif").status_code == 404
    messages = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert messages == ["Bad Request: /mail/unsubscribe/[redacted]/", "Not Found: /mail/o/[redacted].gif"]
    assert_nowhere(forged, caplog)


def test_the_development_server_log_line_is_redacted_with_its_query_string(caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /accounts/confirm-email/MTA:1tSecretKey:abc/?token=s3cr3t-value&page=2 HTTP/1.1", 200, 5
        )
    [record] = caplog.records
    assert record.getMessage() == '"GET /accounts/confirm-email/[redacted]/?token=[redacted]&page=2 HTTP/1.1" 200 5'


def test_the_staff_request_log_page_shows_the_redacted_path(client, staff, learner):
    token = unsubscribe_token(learner.pk, "newsletter")
    open_link(client, f"/mail/unsubscribe/{token}/")
    buffer.flush()
    client.force_login(staff)
    page = client.get("/staff/requests/", {"q": "/mail/"}).content.decode()
    assert "/mail/unsubscribe/[redacted]/" in page and token not in page
