"""Connecting Facebook offers its profile picture as the photo: copied once by the server, re-encoded, served from our
own address; disconnecting removes it. And the copy is careful: picture hosts only, no redirect to another host, a
size and a time limit, images only."""

from __future__ import annotations

import io

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from preceptor.accounts.tests.fake_provider import FakeProvider
from preceptor.accounts.tests.social import provider_round_trip
from preceptor.core.models import AuditEvent
from preceptor.profiles.remote import PictureUnavailable, facebook_host_allowed, facebook_picture_fetch, image_fetch

pytestmark = pytest.mark.django_db

PHOTO_PAGE = reverse("profiles:facebook_photo")
FACEBOOK_LOGIN = reverse("facebook_login")


def connect_facebook(client) -> None:
    response = provider_round_trip(client, FACEBOOK_LOGIN, {"process": "connect", "next": PHOTO_PAGE})
    assert response.status_code == 302 and response["Location"] == PHOTO_PAGE


def test_the_page_exists_only_while_facebook_sign_in_is_configured(client, learner):
    client.force_login(learner)
    assert client.get(PHOTO_PAGE).status_code == 404


def test_before_connecting_the_page_says_what_becomes_visible_and_offers_to_connect(client, learner, facebook):
    client.force_login(learner)
    response = client.get(PHOTO_PAGE)
    page = response.content.decode()
    assert "Your name and this photo become visible together" in page
    assert "never contact Facebook" in page
    assert "Continue with Facebook" in page and "Use my Facebook picture" not in page
    assert facebook.url in response["Content-Security-Policy"]  # the connect form may redirect there


def test_connecting_facebook_then_using_its_picture_copies_it_once_and_serves_it_ourselves(
    client, learner, facebook, django_capture_on_commit_callbacks
):
    client.force_login(learner)
    connect_facebook(client)
    account = SocialAccount.objects.get(user=learner, provider="facebook")
    assert account.uid == "10220000000001"
    assert not SocialToken.objects.exists()
    assert facebook.paths("/picture/") == []  # nothing copied before the member decides
    page = client.get(PHOTO_PAGE).content.decode()
    assert "Use my Facebook picture" in page

    response = client.post(PHOTO_PAGE, {"action": "use", "avatar_visibility": "public"})
    assert response.status_code == 302 and response["Location"] == reverse("profiles:edit")
    learner.profile.refresh_from_db()
    profile = learner.profile
    assert profile.avatar and profile.avatar_source == "facebook" and profile.avatar_visibility == "public"
    assert facebook.paths("/picture/") == ["/picture/me.jpg"]
    assert "python-requests" in facebook.seen[-1].headers["user-agent"]  # the server fetched it, not a browser
    with profile.avatar.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert (image.format, image.size) == ("JPEG", (400, 400))  # re-encoded like an upload
    assert AuditEvent.objects.filter(action="profile.updated", data__avatar_source="facebook").exists()

    served = client.get(reverse("profiles:avatar", args=[profile.handle]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    detail = client.get(reverse("profiles:detail", args=[profile.handle])).content.decode()
    assert f'src="/u/{profile.handle}/photo.jpg' in detail and facebook.url not in detail

    # Disconnecting Facebook removes the photo taken from it, and its file.
    name = profile.avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.avatar and profile.avatar_source == ""
    assert not default_storage.exists(name)
    assert not SocialAccount.objects.filter(user=learner).exists()


def test_disconnecting_facebook_keeps_a_photo_the_member_uploaded(client, learner, facebook):
    from django.core.files.base import ContentFile

    from preceptor.profiles.services import profile_update

    client.force_login(learner)
    connect_facebook(client)
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "orange").save(out, "JPEG")
    profile_update(profile=learner.profile, actor=learner, changes={}, avatar=ContentFile(out.getvalue()))
    account = SocialAccount.objects.get(user=learner)
    client.post(reverse("socialaccount_connections"), {"account": account.pk})
    learner.profile.refresh_from_db()
    assert learner.profile.avatar and learner.profile.avatar_source == ""


def test_the_member_can_remove_the_photo_from_facebook(client, learner, facebook):
    client.force_login(learner)
    connect_facebook(client)
    client.post(PHOTO_PAGE, {"action": "use", "avatar_visibility": "members"})
    response = client.post(PHOTO_PAGE, {"action": "remove"})
    assert response.status_code == 302
    learner.profile.refresh_from_db()
    assert not learner.profile.avatar and learner.profile.avatar_source == ""


def test_a_picture_that_cannot_be_copied_changes_nothing_and_says_why(client, learner, facebook):
    facebook.picture_path = "/picture/page.html"
    client.force_login(learner)
    connect_facebook(client)
    response = client.post(PHOTO_PAGE, {"action": "use", "avatar_visibility": "public"}, follow=True)
    assert "We could not copy your Facebook profile picture" in response.content.decode()
    learner.profile.refresh_from_db()
    assert not learner.profile.avatar and learner.profile.avatar_visibility == "private"


def test_odd_posts_change_nothing(client, learner, facebook):
    client.force_login(learner)
    for data in ({}, {"action": "steal"}, {"action": "use", "avatar_visibility": "everyone!"}, {"action": "remove"}):
        response = client.post(PHOTO_PAGE, data)
        assert response.status_code in (200, 302)
    learner.profile.refresh_from_db()
    assert not learner.profile.avatar
    assert facebook.paths("/picture/") == []


# --- The copy itself ------------------------------------------------------------------------------------------
@pytest.fixture
def other():
    fake = FakeProvider().start()
    yield fake
    fake.stop()


def fetch(fake, name: str, **kwargs):
    return image_fetch(f"{fake.url}/picture/{name}", allowed=lambda url: True, max_bytes=1024 * 1024, **kwargs)


def test_a_redirect_on_the_same_host_is_followed(facebook):
    assert fetch(facebook, "moved.jpg") == facebook.picture


def test_a_redirect_to_another_host_is_not_followed(facebook, other):
    facebook.other_origin = other.url
    with pytest.raises(PictureUnavailable, match="another site"):
        fetch(facebook, "elsewhere.jpg")
    assert other.seen == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("huge.jpg", "too large"),
        ("endless.jpg", "too large"),
        ("page.html", "did not lead to a picture"),
    ],
)
def test_too_large_or_not_an_image_is_refused(facebook, name, why):
    with pytest.raises(PictureUnavailable, match=why):
        fetch(facebook, name)


def test_a_file_that_only_claims_to_be_an_image_is_refused_when_decoded(facebook):
    facebook.picture = b"GIF89a but not an image at all"
    with pytest.raises(PictureUnavailable):
        facebook_picture_fetch({"picture": {"data": {"url": f"{facebook.url}/picture/me.jpg"}}})


def test_a_slow_download_is_given_up(facebook):
    with pytest.raises(PictureUnavailable, match="in time"):
        fetch(facebook, "slow.jpg", total_timeout=1.0)


def test_only_facebook_picture_hosts_are_fetched_from(facebook):
    assert facebook_host_allowed("https://scontent-fra3-1.xx.fbcdn.net/v/t1.30497-1/p200x200.jpg")
    assert facebook_host_allowed(f"{facebook.url}/picture/me.jpg")  # the Graph API's own host (here the fake)
    assert not facebook_host_allowed("http://scontent.xx.fbcdn.net/p.jpg")  # not over plain HTTP
    assert not facebook_host_allowed("https://fbcdn.net.evil.example/p.jpg")
    assert not facebook_host_allowed("https://127.0.0.1:8000/media/avatars/x.jpg")
    with pytest.raises(PictureUnavailable, match="not one we fetch from"):
        facebook_picture_fetch({"picture": {"data": {"url": "https://169.254.169.254/latest/meta-data/"}}})
    with pytest.raises(PictureUnavailable, match="no profile picture"):
        facebook_picture_fetch({"picture": {"data": {"url": f"{facebook.url}/picture/me.jpg", "is_silhouette": True}}})
