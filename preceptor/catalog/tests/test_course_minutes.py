"""A course's time is the sum of its lessons' minutes (which come from the media), never typed by hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from preceptor.catalog.models import Course, Module
from preceptor.catalog.selectors import course_list
from preceptor.catalog.services import lesson_create

pytestmark = pytest.mark.django_db


def make_course(slug: str, *minutes: int) -> Course:
    course = Course.objects.create(slug=slug, title=slug.title(), summary="S.", is_published=True)
    module = Module.objects.create(course=course, title="M", position=1)
    for n, value in enumerate(minutes, 1):
        lesson_create(module=module, title=f"L{n}", slug=f"l{n}", kind="video", position=n, minutes=value)
    return course


def test_the_course_page_shows_the_sum_of_its_lessons_minutes(client, course):
    minutes = sum(course.lessons.values_list("minutes", flat=True))
    assert minutes == course.minutes > 0
    page = client.get(reverse("catalog:course", args=[course.slug])).content.decode()
    assert f"{minutes} minutes" in page


def test_a_course_without_lessons_takes_no_time():
    assert make_course("empty").minutes == 0


def test_catalogue_cards_show_each_courses_sum_without_a_query_per_course(client, django_assert_max_num_queries):
    make_course("alpha", 7, 11)
    make_course("beta", 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalog:list"))
    for n in range(5):
        make_course(f"extra{n}", 2, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("catalog:list")).content.decode()
    assert "18 minutes" in page and "3 minutes" in page
    listed = {c.slug: c.lesson_minutes for c in course_list()}
    assert listed["alpha"] == 18 and listed["beta"] == 3


def test_a_specialty_filter_does_not_multiply_the_minutes(course):
    other = Module.objects.create(course=course, title="More", position=3)
    lesson_create(module=other, title="Extra", slug="extra", kind="video", position=1, minutes=4)
    expected = sum(course.lessons.values_list("minutes", flat=True))
    listed = list(course_list(specialty="cardiology"))
    assert [c.lesson_minutes for c in listed] == [expected]
