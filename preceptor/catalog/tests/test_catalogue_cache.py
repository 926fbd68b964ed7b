"""The catalogue keeps each course card and its empty search form rendered (``catalog.views._course_cards``),
and any change to what they show forgets them: nothing stale after an edit, however it was made."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from preceptor.catalog.models import Lesson, Specialty
from preceptor.cme.models import Provider
from preceptor.cme.tests.conftest import make_activity

URL = "/courses/"


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_reads_no_course_and_renders_no_card(client, course):
    page(client)
    with CaptureQueriesContext(connection) as queries:
        html = page(client)
    assert "Heart Rhythm Basics" in html
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "catalog_specialty" not in sql and "cme_activity" not in sql  # the cards and the form came cached


def test_a_renamed_or_unpublished_course_shows_at_once(client, course):
    assert "Heart Rhythm Basics" in page(client)
    course.title = "Heart Rhythm, Revised"
    course.save()
    html = page(client)
    assert "Heart Rhythm, Revised" in html and "Heart Rhythm Basics" not in html
    course.is_published = False
    course.save()
    assert "Heart Rhythm, Revised" not in page(client)


def minutes_shown(html: str) -> int:
    found = re.search(r'class="course-meta[^>]*>\s*(\d+) minute', html)
    assert found, "no minutes on the card"
    return int(found[1])


def test_a_lesson_added_changes_the_minutes_shown(client, course):
    before = minutes_shown(page(client))
    Lesson.objects.create(
        module=course.modules.first(), course=course, title="More", slug="more", kind="text", position=9, minutes=5
    )
    assert minutes_shown(page(client)) == before + 5


def test_a_specialty_added_shows_on_the_card_and_in_the_empty_search_form(client, course):
    page(client)
    neuro = Specialty.objects.create(name="Neurology", slug="neurology")
    html = page(client)
    assert '<option value="neurology">Neurology</option>' in html  # the cached empty form was forgotten
    course.specialties.add(neuro)
    assert '<span class="badge badge-brand">Neurology</span>' in page(client)
    neuro.name = "Neurosciences"
    neuro.save()
    html = page(client)
    assert "Neurosciences</span>" in html and "Neurology" not in html


def test_a_teacher_renamed_shows_on_the_card_but_a_sign_in_forgets_nothing(client, course, teacher, pro_member):
    course.teachers.add(teacher)
    assert "Prof. Tina Teacher" in page(client)
    teacher.full_name = "Prof. Tina Lehrer"
    teacher.save()
    assert "Prof. Tina Lehrer" in page(client)
    client.force_login(pro_member)  # saves last_login only
    with CaptureQueriesContext(connection) as queries:
        page(client)
    assert "catalog_specialty" not in " ".join(q["sql"] for q in queries.captured_queries)


def test_credits_changed_in_the_cme_app_show_on_the_card(client, course):
    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    activity = make_activity(course, provider)
    assert "2 <i>AMA PRA Category 1 Credits</i>" in page(client)
    activity.ama_max_credits = Decimal("1.50")
    activity.save()
    assert "1.5 <i>AMA PRA Category 1 Credits</i>" in page(client)


@pytest.mark.parametrize("language, minutes", [("de", "3 Minuten"), ("en", "3 minutes")])
def test_each_language_has_its_own_cards(client, course, language, minutes):
    other = "en" if language == "de" else "de"
    client.get(URL, HTTP_ACCEPT_LANGUAGE=other)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert minutes in html
