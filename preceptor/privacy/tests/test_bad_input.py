"""A ``next`` that is not a URL is not looked up as a view name (found by ``site/tests/test_no_500.py``)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("1024", "1024"),  # a relative URL: the browser resolves it; no view named "1024" is looked up
        ("-1", "-1"),
        ("privacy:cookies", "/privacy/cookies/"),  # a scheme, not a view name: unsafe, so the cookie page
        ("'; DROP TABLE x; --", "';%20DROP%20TABLE%20x;%20--"),  # relative too, and percent-encoded
    ],
)
def test_a_consent_choice_with_a_next_that_is_not_a_path_redirects_without_an_error(target, location):
    response = Client(raise_request_exception=False).post("/privacy/consent/", {"action": "reject_all", "next": target})
    assert response.status_code == 302
    assert response["Location"] == location


@pytest.mark.django_db
def test_acknowledging_the_policy_with_a_next_that_is_not_a_path_redirects_without_an_error(learner):
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    response = client.post("/privacy/acknowledge/", {"next": "1024"})
    assert response.status_code == 302
