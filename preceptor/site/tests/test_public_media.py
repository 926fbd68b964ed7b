"""Public media: files under the public folders are served; a folder, a path outside them or a name the file
system refuses is 404, and a hostile Range header is clamped or refused, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

COVER = b"\xff\xd8" + b"cover" * 200 + b"\xff\xd9"


@pytest.fixture
def media(settings):
    root = settings.MEDIA_ROOT
    (root / "covers" / "2026").mkdir(parents=True)
    (root / "questions").mkdir()
    (root / "covers" / "ecg.jpg").write_bytes(COVER)
    return root


@pytest.fixture
def visitor(db):  # a 404 is the site's own page, which reads the visitor's session and consent
    return Client(raise_request_exception=False)


def test_a_cover_is_served_to_anyone(media, visitor):
    response = visitor.get("/media/covers/ecg.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == COVER


@pytest.mark.parametrize(
    "path",
    [
        "/media/covers/",
        "/media/covers",
        "/media/covers/2026/",
        "/media/covers/2026",
        "/media/covers/../",
        "/media/covers/../questions/",
        "/media/questions",
        "/media/questions/",
        "/media/covers/ecg.jpg/",
        "/media/covers/ecg.jpg/more",
        "/media/covers/missing.jpg",
        "/media/avatars/photo.jpg",
    ],
)
def test_a_folder_or_anything_but_a_public_file_under_media_is_404(media, visitor, path):
    assert visitor.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/media/covers/%00", "/media/covers/ecg.jpg%00.txt", "/media/%00/../covers/ecg.jpg"])
def test_a_nul_character_in_a_media_path_is_a_bad_request(media, visitor, path):
    assert visitor.get(path).status_code == 400


@pytest.mark.parametrize(
    ("header", "status", "content_range"),
    [
        ("bytes=0-99999999999999999999999", 206, f"bytes 0-{len(COVER) - 1}/{len(COVER)}"),
        ("bytes=99999999999999999999-", 416, f"bytes */{len(COVER)}"),
        (f"bytes=0-{'9' * 10_000}", 206, f"bytes 0-{len(COVER) - 1}/{len(COVER)}"),
        ("bytes=0-1,5-9", 200, None),
        ("bytes=-3-", 200, None),
    ],
)
def test_a_hostile_range_on_a_cover_is_clamped_or_refused(media, visitor, header, status, content_range):
    response = visitor.get("/media/covers/ecg.jpg", HTTP_RANGE=header)
    assert response.status_code == status
    assert response.get("Content-Range") == content_range
