"""Uploads on S3-compatible object storage (issue 17, item 1; decision 0038), tested against moto's S3 server
running in this process on a local port: what is uploaded goes to the bucket, pages link only to Preceptor's own
URLs, and the views that check access answer with a redirect to a short-lived signed link that serves ranges.
A request that may not have the file never gets a link."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from moto.server import ThreadedMotoServer

from preceptor.catalog.models import Lesson, LessonFile
from preceptor.conftest import DEMO_MEDIA, make_member
from preceptor.core.storage import ObjectStorage

BUCKET = "preceptor-media"
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A fresh bucket, and the settings ``S3_BUCKET`` and ``S3_ENDPOINT_URL`` would give."""
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "preceptor.core.storage.ObjectStorage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    settings.MEDIA_DELIVERY = "signed-url"
    settings.MEDIA_LINK_SECONDS = 300
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def signed_link(response, s3_server: str) -> dict[str, list[str]]:
    """The query of the signed link a view redirected to (and that it points at the bucket)."""
    assert response.status_code == 302, response.status_code
    link = response["Location"]
    assert link.startswith(f"{s3_server}/{BUCKET}/"), link
    assert response["Cache-Control"] == "private, no-store"
    return parse_qs(urlsplit(link).query)


@pytest.fixture
def course_on_s3(bucket, course):
    return course


def test_an_uploaded_video_is_stored_in_the_bucket_and_served_by_a_signed_link_with_ranges(
    bucket, course_on_s3, pro_member, s3_server
):
    lesson = Lesson.objects.get(slug="twelve-leads")
    assert isinstance(lesson.video.storage, ObjectStorage)
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert lesson.video.name in keys and lesson.captions.name in keys
    clip = (DEMO_MEDIA / "ecg-essentials.webm").read_bytes()

    client = Client()
    client.force_login(pro_member)
    page = client.get("/courses/heart-rhythm/twelve-leads/").content.decode()
    assert s3_server.split("//")[1] not in page  # pages link to our URLs only; the view decides
    response = client.get("/courses/heart-rhythm/twelve-leads/media/video/")
    query = signed_link(response, s3_server)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["X-Amz-Signature"]
    assert query["response-content-type"] == ["video/webm"]

    # The object store answers the player's range requests itself.
    part = httpx.get(response["Location"], headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.content == clip[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{len(clip)}"
    assert part.headers["content-type"] == "video/webm"
    assert httpx.get(response["Location"]).content == clip


def test_a_handout_is_a_signed_download_for_a_pro_member_and_no_link_for_a_trial_member(
    bucket, course_on_s3, pro_member, learner, s3_server
):
    handout = LessonFile.objects.get(lesson__slug="checklist")
    url = f"/courses/heart-rhythm/checklist/files/{handout.pk}/"
    pro = Client()
    pro.force_login(pro_member)
    query = signed_link(pro.get(url), s3_server)
    assert query["response-content-disposition"][0].startswith("attachment;")
    download = httpx.get(pro.get(url)["Location"])
    assert download.status_code == 200
    assert download.content == (DEMO_MEDIA / "ecg-essentials.pdf").read_bytes()
    assert download.headers["content-disposition"].startswith("attachment;")

    trial = Client(raise_request_exception=False)
    trial.force_login(learner)
    refused = trial.get(url)
    assert refused.status_code in (403, 404)
    assert "Location" not in refused
    anonymous = Client(raise_request_exception=False).get(url)
    assert anonymous.status_code == 404  # a Pro lesson's file does not exist for a visitor
    assert "Location" not in anonymous


def test_a_photo_is_signed_only_for_whom_the_member_shows_it(bucket, s3_server, db):
    from preceptor.profiles.models import Profile

    owner = make_member("photo@example.org", "Dr. Photo Owner")
    profile = Profile.objects.get(user=owner)
    profile.avatar.save("me.jpg", ContentFile((DEMO_MEDIA / "ecg-essentials.jpg").read_bytes()), save=False)
    profile.avatar_visibility = "members"
    profile.save()
    assert isinstance(profile.avatar.storage, ObjectStorage)
    url = f"/u/{profile.handle}/photo.jpg"

    member = Client()
    member.force_login(make_member("reader@example.org", "Dr. Reader"))
    query = signed_link(member.get(url), s3_server)
    assert query["response-cache-control"] == ["private, no-store"]
    visitor = Client(raise_request_exception=False).get(url)
    assert visitor.status_code == 404


def test_a_cover_links_to_our_url_which_redirects_to_the_bucket(bucket, course_on_s3, s3_server):
    course_on_s3.cover.save("ecg.jpg", ContentFile((DEMO_MEDIA / "ecg-essentials.jpg").read_bytes()))
    assert course_on_s3.cover.url.startswith("/media/covers/")
    listing = Client().get("/courses/").content.decode()
    assert f'src="{course_on_s3.cover.url}"' in listing
    query = signed_link(Client().get(course_on_s3.cover.url), s3_server)
    assert query["response-cache-control"] == ["public, max-age=86400"]
    missing = Client(raise_request_exception=False).get("/media/covers/no-such-cover.jpg")
    assert missing.status_code == 404


def settings_in_a_new_process(**env: str) -> str:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.STORAGES['default']['BACKEND'], settings.MEDIA_DELIVERY, "
        "settings.CONTENT_SECURITY_POLICY['media-src'], settings.CONTENT_SECURITY_POLICY['img-src']]))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "MEDIA_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "preceptor.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout + result.stderr


def test_the_environment_chooses_the_storage_and_the_bucket_joins_the_content_security_policy():
    assert '["preceptor.core.storage.LocalStorage", "stream"' in settings_in_a_new_process()
    minio = settings_in_a_new_process(S3_BUCKET="media", S3_ENDPOINT_URL="https://files.example.org:9000/")
    assert (
        '["preceptor.core.storage.ObjectStorage", "signed-url", ["\'self\'", "https://files.example.org:9000"]' in minio
    )
    aws = settings_in_a_new_process(S3_BUCKET="media", S3_REGION="eu-central-1")
    assert "https://media.s3.eu-central-1.amazonaws.com" in aws
    assert "x-accel" in settings_in_a_new_process(MEDIA_DELIVERY="x-accel")
    assert "MEDIA_DELIVERY must be" in settings_in_a_new_process(MEDIA_DELIVERY="nginx")
    assert "goes with S3_BUCKET" in settings_in_a_new_process(MEDIA_DELIVERY="signed-url")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_member_watches_a_lesson_from_the_bucket_with_the_policy_enforced(
    bucket, s3_server, settings, live_server, new_page, course, pro_member
):
    """The player follows the redirect to the signed link and plays by range requests from the bucket; the
    Content Security Policy admits the bucket for media as settings.py does for S3_ENDPOINT_URL."""
    from preceptor.catalog.tests.test_browser_learning import sign_in
    from preceptor.conftest import video_watch_to_completion

    policy = {directive: list(sources) for directive, sources in settings.CONTENT_SECURITY_POLICY.items()}
    policy["media-src"].append(s3_server)
    policy["img-src"].append(s3_server)
    settings.CONTENT_SECURITY_POLICY = policy
    page = new_page()
    bucket_requests: list[str] = []
    page.on("request", lambda request: request.url.startswith(s3_server) and bucket_requests.append(request.url))
    sign_in(page, live_server.url, pro_member.email)
    page.goto(f"{live_server.url}/courses/heart-rhythm/twelve-leads/")
    video_watch_to_completion(page)
    assert any("/lessons/video/" in url and "X-Amz-Signature=" in url for url in bucket_requests), bucket_requests
    # Captions come from the page's own origin (a <track> from the bucket would need CORS): they are shown.
    assert not any("/lessons/captions/" in url for url in bucket_requests)
    assert page.locator("#lesson-video").evaluate("v => v.textTracks.length > 0 && v.textTracks[0].cues !== null")
