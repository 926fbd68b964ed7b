"""The request log records the client's address behind our proxy, as sign-in throttling sees it."""

import pytest

from preceptor.analytics import buffer
from preceptor.analytics.models import RequestLog

pytestmark = pytest.mark.django_db


def test_behind_the_proxy_the_log_keeps_the_address_the_proxy_saw_not_the_proxys_or_a_forged_one(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.66, 198.51.100.7")
    buffer.flush()
    assert RequestLog.objects.get().ip == "198.51.100.7"


def test_without_a_trusted_proxy_the_log_keeps_the_connections_address(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    client.get("/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.7")
    buffer.flush()
    assert RequestLog.objects.get().ip == "203.0.113.77"
