from datetime import timedelta

import pytest
from django.utils import timezone

from preceptor.quizzes.models import Attempt, Quiz
from preceptor.quizzes.rules import answers_revealed

NOW = timezone.now()
Reveal = Quiz.RevealAnswers


def attempt(*, submitted=True, passed=False):
    return Attempt(started_at=NOW, submitted_at=NOW + timedelta(minutes=5) if submitted else None, passed=passed)


@pytest.mark.parametrize(
    ("policy", "history", "revealed"),
    [
        (Reveal.PASSED_OR_FINAL, "failed, attempts left", False),
        (Reveal.PASSED_OR_FINAL, "failed, none left", True),
        (Reveal.PASSED_OR_FINAL, "passed", True),
        (Reveal.PASSED, "failed, attempts left", False),
        (Reveal.PASSED, "failed, none left", False),
        (Reveal.PASSED, "passed", True),
        (Reveal.ALWAYS, "failed, attempts left", True),
        (Reveal.NEVER, "failed, none left", False),
        (Reveal.NEVER, "passed", False),
    ],
)
def test_the_quiz_setting_decides_when_a_submitted_attempt_shows_its_answers(policy, history, revealed):
    quiz = Quiz(reveal_answers=policy, max_attempts=2)
    this = attempt()
    others = {
        "failed, attempts left": [],
        "failed, none left": [attempt()],
        "passed": [attempt(passed=True)],
    }[history]
    assert answers_revealed(quiz=quiz, attempt=this, attempts=[*others, this]) is revealed


@pytest.mark.parametrize("policy", list(Reveal))
def test_an_open_attempt_never_shows_its_answers(policy):
    open_attempt = attempt(submitted=False)
    quiz = Quiz(reveal_answers=policy, max_attempts=1)
    assert answers_revealed(quiz=quiz, attempt=open_attempt, attempts=[open_attempt, attempt(passed=True)]) is False


def test_an_open_last_attempt_keeps_the_earlier_ones_closed():
    quiz = Quiz(reveal_answers=Reveal.PASSED_OR_FINAL, max_attempts=2)
    failed = attempt()
    assert answers_revealed(quiz=quiz, attempt=failed, attempts=[attempt(submitted=False), failed]) is False


def test_a_quiz_without_an_attempt_limit_reveals_only_after_a_pass():
    quiz = Quiz(reveal_answers=Reveal.PASSED_OR_FINAL, max_attempts=0)
    failed = [attempt() for _ in range(10)]
    assert answers_revealed(quiz=quiz, attempt=failed[0], attempts=failed) is False
