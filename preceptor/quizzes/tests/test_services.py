import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from preceptor.quizzes.models import Attempt, Option, Question, Quiz
from preceptor.quizzes.rules import percent
from preceptor.quizzes.services import AnswersRefused, AttemptRefused, attempt_start, attempt_submit


def answers_for(attempt, *, right: int):
    """Answer the first ``right`` questions (in the attempt's order) correctly and the rest wrongly."""
    chosen = {}
    for n, qid in enumerate(attempt.layout["questions"]):
        question = attempt.quiz.questions.get(pk=qid)
        correct = {o.pk for o in question.options.all() if o.is_correct}
        wrong = {o.pk for o in question.options.all() if not o.is_correct}
        chosen[qid] = correct if n < right else {min(wrong)}
    return chosen


@pytest.fixture
def quiz(course):
    return Quiz.objects.get(course=course)


def test_percent_rounds_half_up():
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(0, 0) == Decimal("0")


def test_questions_and_options_are_shuffled_per_attempt(quiz, pro_member, staff):
    one = attempt_start(user=pro_member, quiz=quiz, rng=random.Random(1))
    two = attempt_start(user=staff, quiz=quiz, rng=random.Random(7))
    assert sorted(one.layout["questions"]) == sorted(two.layout["questions"])
    assert one.layout != two.layout


def test_grading_needs_every_correct_option_and_nothing_else(quiz, pro_member):
    attempt = attempt_start(user=pro_member, quiz=quiz)
    chosen = answers_for(attempt, right=3)
    multiple = quiz.questions.get(kind="multiple")
    chosen[multiple.pk] = {multiple.options.filter(is_correct=True).first().pk}  # only one of two correct ones
    result = attempt_submit(attempt=attempt, answers=chosen)
    assert result.score == Decimal("66.67")
    assert result.passed is False
    assert {a.question.kind: a.is_correct for a in result.answers.all()} == {
        "single": True,
        "multiple": False,
        "true_false": True,
    }


def test_options_from_another_question_are_ignored(quiz, pro_member):
    attempt = attempt_start(user=pro_member, quiz=quiz)
    single = quiz.questions.get(kind="single")
    foreign = quiz.questions.get(kind="multiple").options.filter(is_correct=True).values_list("pk", flat=True)
    result = attempt_submit(attempt=attempt, answers={single.pk: set(foreign)})
    assert result.answers.get(question=single).selected == []


def test_a_submitted_attempt_never_changes(quiz, pro_member):
    attempt = attempt_start(user=pro_member, quiz=quiz)
    first = attempt_submit(attempt=attempt, answers=answers_for(attempt, right=3))
    again = attempt_submit(attempt=attempt, answers=answers_for(attempt, right=0))
    assert (again.score, again.passed) == (first.score, True)
    assert again.answers.count() == 3


def test_cool_down_then_attempt_limit_then_nothing(quiz, pro_member):
    now = timezone.now()
    attempt = attempt_start(user=pro_member, quiz=quiz, now=now)
    attempt_submit(attempt=attempt, answers=answers_for(attempt, right=0), now=now)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(user=pro_member, quiz=quiz, now=now + timedelta(minutes=59))
    assert refused.value.rule.blocker == "cooling_down"
    assert refused.value.rule.wait_until == now + timedelta(minutes=60)
    for n in (1, 2):
        later = now + timedelta(minutes=61 * n)
        attempt = attempt_start(user=pro_member, quiz=quiz, now=later)
        attempt_submit(attempt=attempt, answers=answers_for(attempt, right=0), now=later)
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(user=pro_member, quiz=quiz, now=now + timedelta(days=1))
    assert refused.value.rule.blocker == "no_attempts_left"
    assert Attempt.objects.filter(user=pro_member).count() == 3


def test_an_open_attempt_is_resumed_not_duplicated(quiz, pro_member):
    first = attempt_start(user=pro_member, quiz=quiz)
    assert attempt_start(user=pro_member, quiz=quiz) == first


def test_after_passing_no_new_attempt_starts(quiz, pro_member):
    attempt = attempt_start(user=pro_member, quiz=quiz)
    attempt_submit(attempt=attempt, answers=answers_for(attempt, right=3))
    with pytest.raises(AttemptRefused) as refused:
        attempt_start(user=pro_member, quiz=quiz, now=timezone.now() + timedelta(days=1))
    assert refused.value.rule.blocker == "passed"


def test_the_pass_mark_is_kept_as_it_was_when_the_attempt_started(quiz, pro_member):
    attempt = attempt_start(user=pro_member, quiz=quiz)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark=100)
    result = attempt_submit(attempt=attempt, answers=answers_for(attempt, right=3))
    assert result.pass_mark == 70 and result.passed


def questions_add(quiz, count):
    """``count`` more single-choice questions (the first option correct)."""
    for n in range(count):
        question = Question.objects.create(quiz=quiz, text=f"Extra {n}?", explanation="Because.", position=10 + n)
        Option.objects.create(question=question, text="Right", is_correct=True, position=1)
        Option.objects.create(question=question, text="Wrong", position=2)


def test_an_attempt_draws_the_set_number_of_questions_and_two_attempts_draw_different_ones(quiz, pro_member):
    questions_add(quiz, 9)
    quiz.questions_per_attempt = 4
    quiz.save()
    later = timezone.now() + timedelta(hours=2)
    first = attempt_start(user=pro_member, quiz=quiz, rng=random.Random(1))
    attempt_submit(attempt=first, answers=answers_for(first, right=0))
    second = attempt_start(user=pro_member, quiz=quiz, now=later, rng=random.Random(2))
    every = set(quiz.questions.values_list("pk", flat=True))
    drawn = [set(a.layout["questions"]) for a in (first, second)]
    assert [len(d) for d in drawn] == [4, 4] and all(d <= every for d in drawn)
    assert drawn[0] != drawn[1]
    assert set(second.layout["options"]) == {str(pk) for pk in second.layout["questions"]}


def test_grading_counts_only_the_drawn_questions(quiz, pro_member, staff):
    quiz.questions_per_attempt = 2
    quiz.save()
    one = attempt_start(user=pro_member, quiz=quiz)
    one = attempt_submit(attempt=one, answers=answers_for(one, right=2))
    assert (one.score, one.passed, one.answers.count()) == (Decimal("100.00"), True, 2)
    two = attempt_start(user=staff, quiz=quiz)
    two = attempt_submit(attempt=two, answers=answers_for(two, right=1))
    assert (two.score, two.passed) == (Decimal("50.00"), False)  # the 70% pass mark is of the two drawn


def test_an_answer_to_a_question_not_drawn_is_refused_and_nothing_is_stored(quiz, pro_member):
    quiz.questions_per_attempt = 2
    quiz.save()
    attempt = attempt_start(user=pro_member, quiz=quiz)
    (left_out,) = quiz.questions.exclude(pk__in=attempt.layout["questions"])
    chosen = answers_for(attempt, right=2) | {left_out.pk: {left_out.options.first().pk}}
    with pytest.raises(AnswersRefused) as refused:
        attempt_submit(attempt=attempt, answers=chosen)
    assert refused.value.question_ids == [left_out.pk]
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.answers.count() == 0


def test_an_attempt_draws_every_question_left_when_fewer_remain_than_the_set_number(quiz, pro_member):
    quiz.questions_per_attempt = 3
    quiz.save()
    quiz.questions.filter(kind="true_false").delete()
    attempt = attempt_start(user=pro_member, quiz=quiz)
    assert sorted(attempt.layout["questions"]) == sorted(quiz.questions.values_list("pk", flat=True))
