"""Teachers: public teacher pages, stored on accepting the terms; a new teacher's dashboard; none for members."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("who", ["pro_member", "anonymous"])
def test_members_and_visitors_have_no_teacher_dashboard(client, request, live_class, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
        assert client.get("/teach/").status_code == 404
        assert client.get(f"/teach/classes/{live_class.slug}/").status_code == 404
    else:
        assert client.get("/teach/").status_code == 302


def test_the_public_teacher_page_lists_their_classes(client, live_class, tutor):
    tutor.is_public = True
    tutor.save()
    html = client.get("/teachers/tina-teacher/", follow=True).content.decode()
    assert "Prof. Tina Teacher" in html and "ECG clinic" in html and "not employees" in html
    assert client.get("/teachers/nobody/").status_code == 404


def test_a_new_teacher_gets_an_empty_dashboard_and_no_public_page(client, teacher):
    # No enumeration: a teacher page exists only once its teacher makes it public.
    client.force_login(teacher)
    html = client.get("/teach/").content.decode()
    assert "No class yet" in html and "teacher terms are not published yet" in html
    assert "Your teacher page is hidden" in html
    assert client.get(f"/teachers/{teacher.profile.handle}/").status_code == 404


def test_a_new_teachers_page_is_stored_when_they_accept_the_terms_not_when_they_look(client, teacher, terms):
    from preceptor.classes.models import Teacher

    client.force_login(teacher)
    assert client.get("/teach/").status_code == 200 and client.get("/teach/terms/").status_code == 200
    assert not Teacher.objects.exists()
    client.post("/teach/terms/", {"accept": "on"})
    assert Teacher.objects.get(user=teacher).slug == teacher.profile.handle
