"""A form's errors are announced (WCAG 3.3.1, 4.1.2; issue 20): the field with an error says so (``aria-invalid``),
points at its message (``aria-describedby``), and the message is an alert that screen readers read out."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "data", "names"),
    [
        ("support:contact", {"name": "Vera", "email": "not-an-address"}, ("email", "topic", "subject", "message")),
        ("account_signup", {"email": "not-an-address", "password1": "short"}, ("email", "password1")),
    ],
)
def test_a_field_with_an_error_is_marked_invalid_and_points_at_its_announced_message(client, url, data, names):
    response = client.post(reverse(url), data)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    for name in names:
        field = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field, field
        described = re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
        assert f"id_{name}_error" in described, field
        assert re.search(rf'<ul class="errorlist" id="id_{name}_error" role="alert">', html)
