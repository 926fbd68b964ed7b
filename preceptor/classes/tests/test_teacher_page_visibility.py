"""A teacher page exists only when its teacher makes it public: otherwise it answers the
same 404 as a teacher who does not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from preceptor.classes.demo import demo_classes_create
from preceptor.classes.models import Teacher
from preceptor.conftest import page_content
from preceptor.core.models import AuditEvent

VISIBILITY = reverse("classes:teacher_visibility")


def test_a_hidden_teacher_page_answers_exactly_like_a_teacher_who_does_not_exist(client, tutor, teacher):
    hidden = client.get("/teachers/tina-teacher/")
    missing = client.get("/teachers/no-such-teacher/")
    unsaved_handle = client.get(f"/teachers/{teacher.profile.handle}/")  # a teacher-role member's profile handle

    assert hidden.status_code == missing.status_code == unsaved_handle.status_code == 404
    assert page_content(hidden) == page_content(missing) == page_content(unsaved_handle)
    assert [t.name for t in hidden.templates] == [t.name for t in missing.templates]


def test_class_pages_name_a_hidden_teacher_without_linking_to_the_page(client, live_class, tutor):
    page = f"/u/{tutor.user.profile.handle}/"
    html = client.get(live_class.get_absolute_url()).content.decode()
    assert "Prof. Tina Teacher" in html and page not in html and "/teachers/" not in html
    tutor.is_public = True
    tutor.save()
    html = client.get(live_class.get_absolute_url()).content.decode()
    assert f'href="{page}"' in html and "/teachers/" not in html  # the one page, never the old address


def test_the_teacher_makes_their_page_public_and_hides_it_again(client, teacher, tutor):
    client.force_login(teacher)
    response = client.post(VISIBILITY, {"is_public": "on"})
    assert response.status_code == 302 and response.url == reverse("classes:teach")
    assert Teacher.objects.get(pk=tutor.pk).is_public
    client.logout()
    assert client.get("/teachers/tina-teacher/", follow=True).status_code == 200

    client.force_login(teacher)
    client.post(VISIBILITY, {})
    assert not Teacher.objects.get(pk=tutor.pk).is_public
    client.logout()
    assert client.get("/teachers/tina-teacher/").status_code == 404
    actions = list(AuditEvent.objects.filter(subject=teacher).values_list("action", flat=True).order_by("pk"))
    assert actions[-2:] == ["classes.teacher_page_shown", "classes.teacher_page_hidden"]


def test_a_new_teacher_making_the_page_public_stores_it_at_their_handle(client, teacher):
    client.force_login(teacher)
    client.post(VISIBILITY, {"is_public": "on"})
    stored = Teacher.objects.get(user=teacher)
    assert stored.is_public and stored.slug == teacher.profile.handle
    assert client.get(f"/teachers/{teacher.profile.handle}/", follow=True).status_code == 200


@pytest.mark.parametrize("who", ["pro_member", "outsider"])
def test_a_member_who_does_not_teach_cannot_publish_a_page(client, request, tutor, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(VISIBILITY, {"is_public": "on"}).status_code == 404
    assert not Teacher.objects.get(pk=tutor.pk).is_public


def test_a_visitor_is_sent_to_sign_in_and_a_get_changes_nothing(client, teacher, tutor):
    response = client.post(VISIBILITY, {"is_public": "on"})
    assert response.status_code == 302 and reverse("account_login") in response.url
    client.force_login(teacher)
    assert client.get(VISIBILITY, {"is_public": "on"}).status_code == 405
    assert not Teacher.objects.get(pk=tutor.pk).is_public


def test_the_demo_teachers_page_stays_public(db, teacher, learner):
    demo_classes_create(teacher_user=teacher, attendee=learner)
    assert Teacher.objects.get(user=teacher).is_public
