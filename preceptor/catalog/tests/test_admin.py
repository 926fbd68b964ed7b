import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from preceptor.catalog.models import Lesson
from preceptor.quizzes.models import Attempt, Question, Quiz


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["catalog_course_change", "catalog_module_change", "catalog_lesson_change", "quizzes_quiz_change"]
)
def test_staff_author_courses_lessons_and_questions_in_the_admin(client, staff, course, name):
    client.force_login(staff)
    obj = {
        "catalog_course_change": course,
        "catalog_module_change": course.modules.first(),
        "catalog_lesson_change": Lesson.objects.get(slug="twelve-leads"),
        "quizzes_quiz_change": Quiz.objects.get(course=course),
    }[name]
    page = client.get(reverse(f"admin:{name}", args=[obj.pk]))
    assert page.status_code == 200
    if name == "quizzes_quiz_change":
        assert "Rate with 4 large squares?" in page.content.decode()  # questions inline


@pytest.mark.django_db
def test_the_admin_links_a_lesson_to_its_learner_view_which_staff_can_preview_unpublished(client, staff, course):
    course.is_published = False
    course.save()
    lesson = Lesson.objects.get(slug="rate-and-rhythm")
    client.force_login(staff)
    page = client.get(reverse("admin:catalog_lesson_change", args=[lesson.pk])).content.decode()
    assert "View on site" in page
    preview = client.get(lesson.get_absolute_url())
    assert preview.status_code == 200
    assert "Count the <strong>QRS</strong>" in preview.content.decode()


@pytest.mark.django_db
def test_members_cannot_reach_the_admin(client, pro_member):
    client.force_login(pro_member)
    assert client.get(reverse("admin:catalog_course_changelist")).status_code == 302


@pytest.mark.django_db
def test_an_externally_hosted_video_loads_nothing_until_the_member_opens_it(client, pro_member, course):
    lesson = Lesson.objects.get(slug="twelve-leads")
    lesson.video = ""
    lesson.external_video_url = "https://video.example.com/watch/123"
    lesson.save()
    client.force_login(pro_member)
    response = client.get(lesson.get_absolute_url())
    html = response.content.decode()
    assert "<iframe" not in html and "video.example.com/embed" not in html
    assert 'href="https://video.example.com/watch/123" target="_blank" rel="noopener noreferrer"' in html
    assert "video.example.com" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_question_with_an_image_shows_it_with_its_description(client, pro_member, course):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 90, 110)).save(buffer, format="PNG")
    question = Question.objects.get(kind="single")
    question.image = SimpleUploadedFile("strip.png", buffer.getvalue(), content_type="image/png")
    question.image_alt = "Rhythm strip with regular narrow complexes"
    question.save()
    client.force_login(pro_member)
    client.post(reverse("quizzes:quiz", args=["heart-rhythm", "post-test"]))
    html = client.get(Attempt.objects.get().get_absolute_url()).content.decode()
    assert f'src="{question.image.url}" alt="Rhythm strip with regular narrow complexes"' in html
    image = client.get(question.image.url)
    assert image.status_code == 200
    assert b"".join(image.streaming_content)[:4] == b"\x89PNG"


@pytest.mark.django_db
def test_only_public_upload_folders_are_served_directly(client, course):
    lesson = Lesson.objects.get(slug="twelve-leads")
    assert client.get(f"/media/{lesson.video.name}").status_code == 404
    assert client.get("/media/covers/../lessons/video/x.webm").status_code == 404
