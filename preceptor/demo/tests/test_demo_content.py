"""The demo courses as the seed makes them: complete, and within the catalog's query budget once accredited
(moved here from ``catalog/tests/test_views.py``: they exercise the catalog, quizzes and CME demo together)."""

import pytest
from django.urls import reverse

from preceptor.catalog.demo import demo_courses_create
from preceptor.catalog.models import LessonFile
from preceptor.cme.demo import demo_accreditations_create
from preceptor.quizzes.demo import demo_quizzes_create


@pytest.fixture
def demo(db, teacher):
    courses = demo_courses_create(teachers=[teacher])
    demo_quizzes_create(courses=courses)
    demo_accreditations_create()  # accredited course pages carry the accreditation box
    return courses


@pytest.mark.django_db
def test_course_and_lesson_pages_stay_within_eight_queries(client, demo, pro_member, django_assert_max_num_queries):
    client.force_login(pro_member)
    course = demo[0]
    lessons = list(course.lessons.order_by("module__position", "position"))
    client.get(lessons[0].get_absolute_url())  # enrolled, as a returning member is: the page's script reports it
    client.post(reverse("catalog:opened", args=[course.slug, lessons[0].slug]))
    with django_assert_max_num_queries(8):
        page = client.get(course.get_absolute_url())
        assert page.status_code == 200 and "Accredited CME" in page.content.decode()
    for lesson in lessons:
        with django_assert_max_num_queries(8):
            assert client.get(lesson.get_absolute_url()).status_code == 200
    # The catalogue's first visit renders every card: the session, the member (with the versions that key every
    # cached part of the page, accounts.models.UserManager.get), the courses, their specialties, teachers and
    # credits, the search form's specialties and a pending account deletion. Kept, it is two
    # (site/tests/test_kept_pages.py).
    with django_assert_max_num_queries(8):
        assert client.get(reverse("catalog:list")).status_code == 200


@pytest.mark.django_db
def test_seeded_demo_has_six_courses_with_video_captions_readings_handout_and_ten_questions(demo):
    assert len(demo) == 6
    for course in demo:
        kinds = sorted(course.lessons.values_list("kind", flat=True))
        assert kinds == ["file", "text", "text", "video"]
        video = course.lessons.get(kind="video")
        assert video.video and video.captions and video.transcript and video.video_duration > 5
        assert LessonFile.objects.filter(lesson__course=course).count() == 1
        questions = course.quizzes.get(slug="post-test").questions.all()
        assert questions.count() >= 10
        for question in questions:
            assert question.explanation
            assert question.options.filter(is_correct=True).exists()
    assert demo_courses_create(teachers=[]) == []  # idempotent
