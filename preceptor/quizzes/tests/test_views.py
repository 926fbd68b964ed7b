import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from preceptor.quizzes.models import Attempt, Option, Quiz

QUIZ = reverse("quizzes:quiz", args=["heart-rhythm", "post-test"])
CORRECT = '<span class="badge badge-ok">correct answer</span>'  # the mark on a correct option
EXPLAINED = re.compile(r"Because \d\.")  # the fixture's explanations


def start(client):
    response = client.post(QUIZ)
    assert response.status_code == 302
    return response.url


def post_answers(client, url, attempt, *, right):
    data = {}
    for n, qid in enumerate(attempt.layout["questions"]):
        options = Option.objects.filter(question_id=qid)
        chosen = (
            [o.pk for o in options if o.is_correct] if n < right else [min(o.pk for o in options if not o.is_correct)]
        )
        data[f"q{qid}"] = chosen
    return client.post(url, data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "text"),
    [
        ("anonymous", 200, "Sign in as a Pro member to take this quiz."),
        ("learner", 200, "Quizzes and post-tests are part of Pro membership"),
        ("pro_member", 200, "Start the quiz"),
        ("staff", 200, "Start the quiz"),
    ],
)
def test_who_may_take_the_quiz(client, request, course, who, status, text):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(QUIZ)
    assert response.status_code == status
    assert text in response.content.decode()


@pytest.mark.django_db
def test_a_trial_member_cannot_start_an_attempt(client, course, learner):
    client.force_login(learner)
    client.post(QUIZ)
    assert Attempt.objects.count() == 0


@pytest.mark.django_db
def test_the_pass_mark_is_shown_before_the_first_attempt(client, course, pro_member):
    client.force_login(pro_member)
    page = client.get(QUIZ).content.decode()
    assert 'class="pass-mark">70%' in page
    assert "3 of 3 used" not in page and "0 of 3 used" in page


@pytest.mark.django_db
def test_the_quiz_page_carries_no_marker_of_the_correct_answers(client, course, pro_member):
    client.force_login(pro_member)
    html = client.get(start(client)).content.decode()
    assert "correct" not in html.lower().replace("select all", "")
    assert "Because" not in html  # explanations
    options = re.findall(r"<li class=\"check option\">(.*?)</li>", html, re.S)
    assert len(options) == 8
    shapes = {re.sub(r"\d+", "N", re.sub(r"<label.*?</label>", "", o, flags=re.S)).strip() for o in options}
    assert len(shapes) == 2  # radio and checkbox: otherwise identical, right or wrong


@pytest.mark.django_db
def test_failing_shows_the_score_and_the_cool_down_but_not_the_answers(client, course, pro_member):
    client.force_login(pro_member)
    url = start(client)
    attempt = Attempt.objects.get()
    result = client.get(post_answers(client, url, attempt, right=1).url).content.decode()
    assert "Not passed this time" in result and "33%" in result
    assert not EXPLAINED.search(result) and CORRECT not in result  # two attempts are left
    assert "shown once you have passed or used every attempt" in result
    assert "You can try again from" in client.get(QUIZ).content.decode()
    assert client.post(QUIZ).status_code == 302
    assert Attempt.objects.count() == 1


@pytest.mark.django_db
def test_retaking_after_the_cool_down_and_passing(client, course, pro_member):
    client.force_login(pro_member)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        url = start(client)
        post_answers(client, url, Attempt.objects.get(), right=0)
    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        url = start(client)
        attempt = Attempt.objects.get(submitted_at__isnull=True)
        page = client.get(post_answers(client, url, attempt, right=3).url).content.decode()
    assert "You passed" in page and "100%" in page
    history = client.get(QUIZ).content.decode()
    assert "You have passed this quiz." in history
    assert history.count("Review") == 2


@pytest.mark.django_db
def test_unanswered_questions_are_pointed_out_before_submitting(client, course, pro_member):
    client.force_login(pro_member)
    url = start(client)
    response = client.post(url, {})
    assert "You have not answered question 1, 2, 3." in response.content.decode()
    assert Attempt.objects.get().submitted_at is None
    client.post(url, {"confirm_unanswered": "1"})
    assert Attempt.objects.get().score == 0


@pytest.mark.django_db
def test_another_member_cannot_open_or_submit_an_attempt(client, course, pro_member, staff):
    client.force_login(pro_member)
    url = start(client)
    client.force_login(staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_an_unknown_quiz_is_not_found(client, course, pro_member):
    client.force_login(pro_member)
    assert client.get(reverse("quizzes:quiz", args=["heart-rhythm", "nope"])).status_code == 404
    Quiz.objects.update(course=course)
    assert client.get(reverse("quizzes:quiz", args=["no-course", "post-test"])).status_code == 404


@pytest.mark.django_db
def test_the_course_page_marks_a_passed_quiz(client, course, pro_member):
    client.force_login(pro_member)
    url = start(client)
    post_answers(client, url, Attempt.objects.get(), right=3)
    assert "Passed" in client.get(reverse("catalog:course", args=["heart-rhythm"])).content.decode()


def fail_every_attempt(client, *, times):
    """Start and fail ``times`` attempts, each after the previous one's cool-down; each result page as it was
    right after its attempt."""
    now, pages = timezone.now(), []
    for n in range(times):
        with time_machine.travel(now + timedelta(minutes=61 * n), tick=False):
            url = start(client)
            post_answers(client, url, Attempt.objects.get(submitted_at__isnull=True), right=0)
            pages.append(client.get(url).content.decode())
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["pro_member", "staff"])
def test_the_last_failed_attempt_shows_the_correct_answers_and_explanations(client, request, course, who):
    client.force_login(request.getfixturevalue(who))
    first, second, last = fail_every_attempt(client, times=3)
    for page in (first, second):
        assert CORRECT not in page and not EXPLAINED.search(page)
    assert "Because 1." in last and CORRECT in last
    assert "shown once you have passed" not in last
    assert "Read the explanations below and review the lessons." in last  # no "try again": none is left
    first_again = client.get(Attempt.objects.order_by("started_at").first().get_absolute_url()).content.decode()
    assert "Because 1." in first_again


@pytest.mark.django_db
def test_after_passing_the_earlier_failed_attempt_shows_its_answers(client, course, pro_member):
    client.force_login(pro_member)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        failed = start(client)
        post_answers(client, failed, Attempt.objects.get(), right=0)
    assert "Because 1." not in client.get(failed).content.decode()
    with time_machine.travel(now + timedelta(minutes=61), tick=False):
        passed = start(client)
        post_answers(client, passed, Attempt.objects.get(submitted_at__isnull=True), right=3)
    assert "Because 1." in client.get(passed).content.decode()
    assert "Because 1." in client.get(failed).content.decode()


@pytest.mark.django_db
def test_a_practice_quiz_shows_the_answers_after_a_failed_attempt(client, course, pro_member):
    Quiz.objects.update(reveal_answers=Quiz.RevealAnswers.ALWAYS)
    client.force_login(pro_member)
    assert "You see the correct answers and explanations after you submit." in client.get(QUIZ).content.decode()
    url = start(client)
    page = client.get(post_answers(client, url, Attempt.objects.get(), right=0).url).content.decode()
    assert "Because 1." in page and CORRECT in page
    assert "try again when the waiting time is over" in page


@pytest.mark.django_db
def test_a_quiz_set_to_pass_only_keeps_its_answers_after_the_last_attempt(client, course, pro_member):
    Quiz.objects.update(reveal_answers=Quiz.RevealAnswers.PASSED, max_attempts=1)
    client.force_login(pro_member)
    (page,) = fail_every_attempt(client, times=1)
    assert "0%" in page and not EXPLAINED.search(page) and CORRECT not in page
    assert "shown once you have passed, so that" in page


@pytest.mark.django_db
def test_a_quiz_that_never_shows_its_answers_shows_only_the_score_even_after_passing(client, course, pro_member):
    Quiz.objects.update(reveal_answers=Quiz.RevealAnswers.NEVER)
    client.force_login(pro_member)
    assert "this quiz does not show its correct answers" in client.get(QUIZ).content.decode()
    url = start(client)
    page = client.get(post_answers(client, url, Attempt.objects.get(), right=3).url).content.decode()
    assert "You passed" in page and "100%" in page
    assert not EXPLAINED.search(page) and CORRECT not in page and "Peaked T" not in page


@pytest.mark.django_db
def test_the_start_screen_says_how_many_questions_are_drawn_and_when_answers_are_shown(client, course, pro_member):
    Quiz.objects.update(questions_per_attempt=2)
    client.force_login(pro_member)
    page = client.get(QUIZ).content.decode()
    assert "2, drawn at random from 3 for each attempt" in page
    assert "the correct answers and explanations once you have passed or used every attempt" in page


@pytest.mark.django_db
def test_an_attempt_page_shows_only_the_drawn_questions(client, course, pro_member):
    Quiz.objects.update(questions_per_attempt=2)
    client.force_login(pro_member)
    page = client.get(start(client)).content.decode()
    attempt = Attempt.objects.get()
    assert len(attempt.layout["questions"]) == 2
    assert page.count('<fieldset class="card question') == 2
    (left_out,) = set(Quiz.objects.get().questions.values_list("pk", flat=True)) - set(attempt.layout["questions"])
    assert f'name="q{left_out}"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", ["question_not_drawn", "option_of_another_question", "not_a_number", "too_long"])
def test_a_forged_answer_is_refused_and_nothing_is_graded(client, course, pro_member, forgery):
    Quiz.objects.update(questions_per_attempt=2)
    client.force_login(pro_member)
    url = start(client)
    attempt = Attempt.objects.get()
    drawn = attempt.layout["questions"]
    (left_out,) = set(Quiz.objects.get().questions.values_list("pk", flat=True)) - set(drawn)
    data = {f"q{qid}": [Option.objects.filter(question_id=qid, is_correct=True).first().pk] for qid in drawn}
    data["confirm_unanswered"] = "1"
    if forgery == "question_not_drawn":
        data[f"q{left_out}"] = [Option.objects.filter(question_id=left_out).first().pk]
    elif forgery == "option_of_another_question":
        data[f"q{drawn[0]}"] = [Option.objects.filter(question_id=drawn[1]).first().pk]
    elif forgery == "not_a_number":
        data[f"q{drawn[0]}"] = ["²"]
    else:
        data[f"q{drawn[0]}"] = ["9" * 5000]
    response = client.post(url, data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.answers.count() == 0


@pytest.mark.django_db
def test_the_course_page_lists_its_quizzes_with_the_viewers_own_pass_only(client, course, pro_member, learner):
    quiz = Quiz.objects.get(course=course, slug="post-test")
    for user, passed in ((learner, True), (pro_member, False)):
        Attempt.objects.create(user=user, quiz=quiz, passed=passed, started_at=timezone.now(), pass_mark=70)
    page = reverse("catalog:course", args=[course.slug])
    passed = '<span class="badge badge-ok">Passed</span>'

    def panel(user):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get(page).content.decode()
        assert QUIZ in html and "pass mark 70%" in html
        return html

    assert passed not in panel(None) and passed not in panel(pro_member)
    assert passed in panel(learner)
