"""One public page per teacher (decision 0021): the member page at /u/<handle>/ carries the teacher section;
the old /teachers/<slug>/ moves there for good, and every link points there."""

from __future__ import annotations

import re

import pytest

from preceptor.profiles.services import profile_update


@pytest.fixture
def public_tutor(tutor):
    tutor.is_public = True
    tutor.specialties = "Cardiology"
    tutor.save()
    return tutor


def page_of(tutor) -> str:
    return f"/u/{tutor.user.profile.handle}/"


def shown_fields(html: str) -> set[str]:
    return set(re.findall(r'data-field="([a-z]+)"', html))


def test_the_old_teacher_address_moves_for_good_to_the_member_page(client, public_tutor):
    response = client.get("/teachers/tina-teacher/")
    assert response.status_code == 301 and response["Location"] == page_of(public_tutor)


def test_the_member_page_shows_the_public_teacher_section_with_the_classes(client, public_tutor, live_class):
    html = client.get(page_of(public_tutor)).content.decode()
    section = html.split('class="card teacher-section"')[1]
    for expected in ("Prof. Tina Teacher", "Cardiology", "ECG.", "ECG clinic", live_class.get_absolute_url()):
        assert expected in section, expected
    assert "not employees" in section and "teacher dashboard" not in section  # the owner's note is the owner's


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_hidden_teacher_section_is_not_on_the_member_page(client, request, tutor, live_class, who):
    profile_update(profile=tutor.user.profile, actor=tutor.user, changes={"location": "Ulm"})
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    html = client.get(page_of(tutor)).content.decode()
    assert "teacher-section" not in html and "ECG clinic" not in html


def test_the_teacher_sees_their_hidden_section_with_a_note(client, tutor, teacher):
    client.force_login(teacher)
    html = client.get(page_of(tutor)).content.decode()
    assert "teacher-section" in html and "Your teacher section is hidden: only you see it." in html
    assert "teacher-section" not in client.get(page_of(tutor) + "?as=public").content.decode()


def test_a_hidden_profile_with_a_public_teacher_section_shows_the_name_and_the_section_only(
    client, public_tutor, teacher
):
    profile_update(
        profile=teacher.profile,
        actor=teacher,
        changes={"is_hidden": True, "institution": "General Hospital", "institution_visibility": "public"},
    )
    response = client.get(page_of(public_tutor))
    html = response.content.decode()
    assert response.status_code == 200 and "teacher-section" in html
    assert shown_fields(html) == set() and "General Hospital" not in html
    public_tutor.is_public = False
    public_tutor.save()
    assert client.get(page_of(public_tutor)).status_code == 404  # hidden again like any hidden profile
    assert client.get("/teachers/tina-teacher/").status_code == 404


def test_the_teacher_dashboard_links_to_the_one_page(client, public_tutor, teacher):
    client.force_login(teacher)
    html = client.get("/teach/").content.decode()
    assert f'href="{page_of(public_tutor)}"' in html and "/teachers/" not in html
