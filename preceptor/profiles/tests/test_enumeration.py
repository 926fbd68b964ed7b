"""Handles must be unique, so the edit form says when one is taken, a hidden profile's too. What stops a member
from finding hidden profiles that way is a limit on trying new handles; and a hidden page answers exactly like a
handle nobody has."""

import pytest
from django.urls import reverse

from preceptor.conftest import page_content
from preceptor.profiles.services import profile_update
from preceptor.profiles.tests.test_views import form_data
from preceptor.profiles.views import HANDLE_CHANGE_RATE

EDIT = reverse("profiles:edit")
pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(pro_member):
    profile_update(profile=pro_member.profile, actor=pro_member, changes={"handle": "quiet-one", "is_hidden": True})
    return pro_member.profile


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_a_hidden_profile_answers_exactly_like_a_handle_nobody_has(client, request, hidden, viewer):
    if viewer != "anonymous":
        client.force_login(request.getfixturevalue(viewer))
    for suffix in ("", "photo.jpg"):
        hidden_page = client.get(f"/u/quiet-one/{suffix}")
        missing_page = client.get(f"/u/nobody-at-all/{suffix}")
        assert hidden_page.status_code == missing_page.status_code == 404
        assert page_content(hidden_page) == page_content(missing_page)
        assert hidden_page.headers.get("Cache-Control") == missing_page.headers.get("Cache-Control")


def test_trying_new_handles_is_limited_per_member_and_answers_429(client, learner, hidden):
    client.force_login(learner)
    for n in range(HANDLE_CHANGE_RATE.amount):
        assert client.post(EDIT, form_data(learner.profile, handle=f"guess-{n}", bio="x" * 4001)).status_code == 200

    refused = client.post(EDIT, form_data(learner.profile, handle="quiet-one"))

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "already taken" not in refused.content.decode()
    learner.profile.refresh_from_db()
    assert learner.profile.handle != "quiet-one"


def test_saving_the_profile_without_changing_the_handle_is_not_limited(client, learner):
    client.force_login(learner)
    for n in range(HANDLE_CHANGE_RATE.amount + 2):
        response = client.post(
            EDIT, form_data(learner.profile, specialty=f"Specialty {n}", specialty_visibility="public")
        )
        assert response.status_code == 302


def test_another_members_limit_is_their_own(client, learner, outsider, hidden):
    client.force_login(learner)
    for n in range(HANDLE_CHANGE_RATE.amount + 1):
        client.post(EDIT, form_data(learner.profile, handle=f"guess-{n}", bio="x" * 4001))
    client.force_login(outsider)
    response = client.post(EDIT, form_data(outsider.profile, handle="quiet-one"))
    assert response.status_code == 200
    assert "already taken" in " ".join(response.context["form"].errors["handle"])
