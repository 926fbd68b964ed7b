import pytest
from django.urls import reverse

from preceptor.quizzes.models import Quiz


def change_form(quiz, *, questions_per_attempt, reveal_answers="passed_final", delete=(), add=0):
    """The quiz's admin change form as the browser posts it, its questions inline."""
    questions = list(quiz.questions.all())
    data = {
        "course": quiz.course_id,
        "module": "",
        "kind": quiz.kind,
        "title": quiz.title,
        "slug": quiz.slug,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "cooldown_minutes": quiz.cooldown_minutes,
        "questions_per_attempt": questions_per_attempt,
        "reveal_answers": reveal_answers,
        "questions-TOTAL_FORMS": len(questions) + add,
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
    }
    for n, question in enumerate(questions):
        prefix = f"questions-{n}-"
        data |= {
            f"{prefix}id": question.pk,
            f"{prefix}quiz": quiz.pk,
            f"{prefix}position": question.position,
            f"{prefix}kind": question.kind,
            f"{prefix}text": question.text,
            f"{prefix}image_alt": "",
            f"{prefix}explanation": question.explanation,
        }
        if n in delete:
            data[f"{prefix}DELETE"] = "on"
    for n in range(len(questions), len(questions) + add):
        prefix = f"questions-{n}-"
        data |= {
            f"{prefix}quiz": quiz.pk,
            f"{prefix}position": n + 1,
            f"{prefix}kind": "single",
            f"{prefix}text": f"New question {n}?",
            f"{prefix}explanation": "Because.",
        }
    return data


@pytest.fixture
def quiz_admin(client, staff, course):
    client.force_login(staff)
    quiz = Quiz.objects.get(course=course)
    return quiz, reverse("admin:quizzes_quiz_change", args=[quiz.pk])


@pytest.mark.django_db
def test_staff_set_the_questions_per_attempt_and_when_answers_are_shown_in_the_admin(client, quiz_admin):
    quiz, url = quiz_admin
    response = client.post(url, change_form(quiz, questions_per_attempt=2, reveal_answers="always"))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.questions_per_attempt, quiz.reveal_answers) == (2, Quiz.RevealAnswers.ALWAYS)


@pytest.mark.django_db
def test_a_new_quiz_shows_answers_after_passing_or_the_last_attempt_by_default(course):
    quiz = Quiz.objects.create(course=course, title="Another", slug="another")
    assert quiz.reveal_answers == Quiz.RevealAnswers.PASSED_OR_FINAL
    assert quiz.questions_per_attempt is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("number", "delete", "error"),
    [
        (4, (), "An attempt draws 4 questions, but the quiz has only 3."),
        (3, (0,), "An attempt draws 3 questions, but the quiz has only 2."),
        (0, (), "Ensure this value is greater than or equal to 1."),
    ],
)
def test_an_attempt_cannot_draw_more_questions_than_the_quiz_has_nor_none(client, quiz_admin, number, delete, error):
    quiz, url = quiz_admin
    response = client.post(url, change_form(quiz, questions_per_attempt=number, delete=delete))
    assert response.status_code == 200
    assert error in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.questions_per_attempt is None and quiz.questions.count() == 3


@pytest.mark.django_db
def test_questions_added_in_the_same_save_count_towards_the_number_drawn(client, quiz_admin):
    quiz, url = quiz_admin
    response = client.post(url, change_form(quiz, questions_per_attempt=4, add=1))
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.questions_per_attempt, quiz.questions.count()) == (4, 4)
