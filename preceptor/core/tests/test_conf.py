import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from preceptor.core.conf import per_request


def test_a_setting_kept_for_requests_follows_every_change_a_test_makes(settings):
    assert per_request.REQUEST_MAX_BYTES == django_settings.REQUEST_MAX_BYTES
    with override_settings(REQUEST_MAX_BYTES=123):
        assert per_request.REQUEST_MAX_BYTES == 123
        assert per_request.__dict__["REQUEST_MAX_BYTES"] == 123  # kept as a plain attribute
    assert per_request.REQUEST_MAX_BYTES == django_settings.REQUEST_MAX_BYTES
    settings.REQUEST_MAX_BYTES = 456  # pytest-django's fixture
    assert per_request.REQUEST_MAX_BYTES == 456


def test_a_setting_that_does_not_exist_is_an_error_as_in_django():
    with pytest.raises(AttributeError):
        per_request.NO_SUCH_SETTING  # noqa: B018 -- the read is the test
