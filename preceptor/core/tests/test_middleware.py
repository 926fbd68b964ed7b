"""Request bodies are capped: a small default everywhere, larger only on the upload routes
declared in ``REQUEST_BODY_LIMITS``; an oversized body gets 413 before anything reads it."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from preceptor.accounts.models import User
from preceptor.core.middleware import body_limit

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def noise_png(width: int = 800, height: int = 600) -> bytes:
    """An image that does not compress: about width × height × 3 bytes."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, format="PNG")
    return out.getvalue()


def test_the_default_is_one_megabyte_and_django_reads_no_more_fields_than_that():
    assert settings.REQUEST_MAX_BYTES == MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_MAX_BYTES


def test_an_oversized_post_to_an_ordinary_form_gets_413_and_the_view_does_not_run(client, learner):
    client.force_login(learner)
    # File parts do not count against DATA_UPLOAD_MAX_MEMORY_SIZE: without the cap this would reach the view.
    padding = SimpleUploadedFile("padding.bin", b"x" * (2 * MB), content_type="application/octet-stream")
    response = client.post("/settings/account/", {"full_name": "Changed Name", "phone": "", "padding": padding})
    assert response.status_code == 413
    assert User.objects.get(pk=learner.pk).full_name == "Lena Learner"


def test_the_same_post_below_the_default_reaches_the_view(client, learner):
    client.force_login(learner)
    response = client.post("/settings/account/", {"full_name": "Changed Name", "phone": "", "time_zone": ""})
    assert response.status_code == 302
    assert User.objects.get(pk=learner.pk).full_name == "Changed Name"


def test_the_photo_upload_takes_a_file_above_the_default_but_below_its_own_limit(client, learner):
    photo = noise_png()
    assert MB < len(photo) < settings.AVATAR_MAX_BYTES
    client.force_login(learner)
    data = {
        "handle": learner.profile.handle,
        "avatar_visibility": "public",
        "new_avatar": SimpleUploadedFile("me.png", photo, content_type="image/png"),
    }
    for field in ("location", "bio", "profession", "specialty", "institution", "website"):
        data[field], data[f"{field}_visibility"] = "", "private"
    response = client.post("/settings/profile/", data)
    assert response.status_code == 302
    learner.profile.refresh_from_db()
    assert learner.profile.avatar.name.startswith("avatars/")


def test_an_upload_route_refuses_a_body_above_its_own_limit(client, learner, settings):
    settings.REQUEST_BODY_LIMITS = {**settings.REQUEST_BODY_LIMITS, "profiles:edit": 2 * MB}
    client.force_login(learner)
    big = SimpleUploadedFile("me.png", b"x" * (3 * MB), content_type="image/png")
    assert client.post("/settings/profile/", {"new_avatar": big}).status_code == 413


@pytest.mark.parametrize(
    "path, setting",
    [
        ("/settings/profile/", "profiles:edit"),
        ("/staff/classes/ecg-clinic/recording/", "classes:recording"),
        ("/admin/catalog/lesson/add/", "admin:*_add"),
        ("/admin/catalog/lesson/12/change/", "admin:*_change"),
        ("/support/", "support:contact"),
        ("/support/webhooks/postmark/", "support:webhook_postmark"),
    ],
)
def test_each_upload_route_has_its_declared_limit(path, setting):
    assert body_limit(path) == settings.REQUEST_BODY_LIMITS[setting] > settings.REQUEST_MAX_BYTES


@pytest.mark.parametrize("path", ["/settings/account/", "/magazine/", "/webhooks/stripe/", "/no/such/page/", "/admin/"])
def test_every_other_route_has_the_default(path):
    assert body_limit(path) == settings.REQUEST_MAX_BYTES


def test_a_request_without_a_valid_length_is_left_to_django(client):
    response = client.generic("POST", "/privacy/consent/", b"", CONTENT_LENGTH="not-a-number")
    assert response.status_code != 413


@pytest.mark.django_db
def test_messages_are_built_only_when_used_and_then_stored_as_django_stores_them(client, learner):
    """LazyMessageMiddleware (decision 0040): a page that neither adds nor reads a message builds no storage and
    sets no cookie; a message added on one request is shown on the next, then gone."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.functional import empty

    from preceptor.core.middleware import LazyMessageMiddleware

    request = RequestFactory().get("/")
    middleware = LazyMessageMiddleware(lambda r: HttpResponse("ok"))
    middleware.process_request(request)
    response = middleware.process_response(request, HttpResponse("ok"))
    assert "messages" not in response.cookies
    assert request._messages._wrapped is empty  # never built

    # Through the whole stack: the sign-out page adds "You are signed out." and the next page shows it once.
    client.force_login(learner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    first = client.get(response.url).content.decode()
    assert "You are signed out." in first
    assert "You are signed out." not in client.get(response.url).content.decode()
