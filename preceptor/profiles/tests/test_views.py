import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from preceptor.core.models import AuditEvent
from preceptor.profiles.models import Profile
from preceptor.profiles.services import profile_update

EDIT = reverse("profiles:edit")


def jpeg_with_gps(width=900, height=600) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (48.0, 12.0, 0.0)}  # GPS position
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def form_data(profile: Profile, **changes) -> dict:
    data = {
        "handle": profile.handle,
        "location": "",
        "location_visibility": "private",
        "bio": "",
        "bio_visibility": "private",
        "profession": "",
        "profession_visibility": "private",
        "specialty": "",
        "specialty_visibility": "private",
        "institution": "",
        "institution_visibility": "private",
        "website": "",
        "website_visibility": "private",
        "avatar_visibility": "private",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.fixture
def filled_profile(pro_member) -> Profile:
    profile = pro_member.profile
    profile_update(
        profile=profile,
        actor=pro_member,
        changes={
            "handle": "paul-pro",
            "profession": "physician_md_do",
            "profession_visibility": "public",
            "location": "Vienna",
            "location_visibility": "public",
            "specialty": "Cardiology",
            "specialty_visibility": "members",
            "website": "https://paul.example.org/",
            "website_visibility": "members",
            "institution": "General Hospital",
            "institution_visibility": "private",
            "bio": "Echo *enthusiast*.",
            "bio_visibility": "private",
            "avatar_visibility": "members",
        },
    )
    return profile


def shown_fields(response) -> set[str]:
    return set(re.findall(r'data-field="([a-z]+)"', response.content.decode()))


@pytest.mark.django_db
def test_anonymous_visitors_see_only_public_fields(client, filled_profile):
    response = client.get(reverse("profiles:detail", args=["paul-pro"]))
    assert response.status_code == 200
    assert "Dr. Paul Pro" in response.content.decode()
    assert shown_fields(response) == {"profession", "location"}
    assert "General Hospital" not in response.content.decode()


@pytest.mark.django_db
def test_other_members_also_see_members_only_fields(client, filled_profile, outsider):
    client.force_login(outsider)
    response = client.get(reverse("profiles:detail", args=["paul-pro"]))
    assert shown_fields(response) == {"profession", "location", "specialty", "website"}
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_owner_sees_every_field_and_can_preview_other_audiences(client, filled_profile, pro_member):
    client.force_login(pro_member)
    url = reverse("profiles:detail", args=["paul-pro"])
    own = client.get(url)
    assert shown_fields(own) == {"profession", "location", "specialty", "website", "institution", "bio"}
    assert "<em>enthusiast</em>" in own.content.decode()
    assert shown_fields(client.get(url + "?as=public")) == {"profession", "location"}
    assert shown_fields(client.get(url + "?as=member")) == {"profession", "location", "specialty", "website"}


@pytest.mark.django_db
def test_a_hidden_page_exists_only_for_its_owner(client, filled_profile, pro_member, outsider):
    profile_update(profile=filled_profile, actor=pro_member, changes={"is_hidden": True})
    url = reverse("profiles:detail", args=["paul-pro"])
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(pro_member)
    assert "Your page is hidden" in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_unknown_handle_is_not_found(client):
    assert client.get(reverse("profiles:detail", args=["nobody-here"])).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_cannot_open_profile_settings(client):
    response = client.get(EDIT)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_a_member_edits_their_own_profile_and_the_change_is_audited(client, learner, outsider):
    client.force_login(learner)
    response = client.post(
        EDIT,
        form_data(learner.profile, handle="lena-l", specialty="Nephrology", specialty_visibility="public"),
    )
    assert response.status_code == 302
    learner.profile.refresh_from_db()
    assert (learner.profile.handle, learner.profile.specialty) == ("lena-l", "Nephrology")
    event = AuditEvent.objects.get(action="profile.updated", subject=learner)
    assert set(event.data["fields"]) == {"handle", "specialty", "specialty_visibility"}
    assert outsider.profile.specialty == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"handle": "ab"}, "handle", "3–40 characters"),
        ({"handle": "admin"}, "handle", "reserved"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
        ({"location_visibility": "everyone-ever"}, "location_visibility", "Select a valid choice."),
        ({"bio": "x" * 4001}, "bio", "at most 4000 characters"),
    ],
)
def test_invalid_profile_input_is_explained_and_nothing_is_saved(client, learner, changes, field, message):
    client.force_login(learner)
    before = learner.profile.handle
    response = client.post(EDIT, form_data(learner.profile, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    learner.profile.refresh_from_db()
    assert learner.profile.handle == before


@pytest.mark.django_db
def test_a_taken_handle_is_refused_whatever_its_case(client, learner, outsider):
    client.force_login(learner)
    response = client.post(EDIT, form_data(learner.profile, handle=outsider.profile.handle.upper()))
    assert "already taken" in " ".join(response.context["form"].errors["handle"])


@pytest.mark.django_db
def test_an_uploaded_photo_is_cropped_resized_and_stripped_of_camera_and_location_data(client, learner):
    client.force_login(learner)
    upload = SimpleUploadedFile("me.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(EDIT, {**form_data(learner.profile, avatar_visibility="public"), "new_avatar": upload})
    assert response.status_code == 302
    learner.profile.refresh_from_db()
    with learner.profile.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (400, 400)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
    assert learner.profile.avatar.name.startswith("avatars/")


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused(client, learner):
    client.force_login(learner)
    upload = SimpleUploadedFile("me.jpg", b"<?php echo 'hi'; ?>", content_type="image/jpeg")
    response = client.post(EDIT, {**form_data(learner.profile), "new_avatar": upload})
    assert response.status_code == 200
    assert "not an image we can read" in " ".join(response.context["form"].errors["new_avatar"])
    learner.profile.refresh_from_db()
    assert not learner.profile.avatar


@pytest.mark.django_db
def test_a_members_only_photo_is_served_to_members_and_the_owner_but_not_to_visitors(client, learner, outsider):
    client.force_login(learner)
    upload = SimpleUploadedFile("me.png", jpeg_with_gps(), content_type="image/png")
    client.post(EDIT, {**form_data(learner.profile, avatar_visibility="members"), "new_avatar": upload})
    url = reverse("profiles:avatar", args=[learner.profile.handle])

    owner = client.get(url)
    assert owner.status_code == 200
    assert owner["Content-Type"] == "image/jpeg"
    assert owner["Cache-Control"] == "private, no-store"
    client.force_login(outsider)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_removing_the_photo_deletes_the_file(client, learner, django_capture_on_commit_callbacks):
    client.force_login(learner)
    upload = SimpleUploadedFile("me.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(EDIT, {**form_data(learner.profile), "new_avatar": upload})
    learner.profile.refresh_from_db()
    storage, name = learner.profile.avatar.storage, learner.profile.avatar.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT, {**form_data(learner.profile), "remove_avatar": "on"})
    learner.profile.refresh_from_db()
    assert not learner.profile.avatar
    assert not storage.exists(name)
