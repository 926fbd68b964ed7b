"""The quiz's rules, pure functions of what they are given: whether a new attempt may start now (attempts,
cool-down, pass), whether an answer is correct, the score, and whether a submitted attempt may show its correct
answers. The services in ``services`` and the attempt page apply them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from preceptor.quizzes.models import Attempt, Option, Question, Quiz

Blocker = Literal["passed", "no_attempts_left", "cooling_down", "no_questions"]


@dataclass(frozen=True)
class StartRule:
    """Whether a new attempt may start now, and if not, why and until when."""

    allowed: bool
    blocker: Blocker | None = None
    wait_until: datetime | None = None
    attempts_used: int = 0


def start_rule(*, quiz: Quiz, attempts: list[Attempt], question_count: int, now: datetime) -> StartRule:
    """Pure: decides from the member's attempts (newest first)."""
    submitted = [a for a in attempts if a.is_submitted]
    used = len(attempts)
    if question_count == 0:
        return StartRule(False, "no_questions", attempts_used=used)
    if any(a.passed for a in submitted):
        return StartRule(False, "passed", attempts_used=used)
    if quiz.max_attempts and used >= quiz.max_attempts:
        return StartRule(False, "no_attempts_left", attempts_used=used)
    last_submitted = submitted[0].submitted_at if submitted else None
    if last_submitted and quiz.cooldown_minutes:
        wait_until = last_submitted + timedelta(minutes=quiz.cooldown_minutes)
        if now < wait_until:
            return StartRule(False, "cooling_down", wait_until=wait_until, attempts_used=used)
    return StartRule(True, attempts_used=used)


def grade(question: Question, options: list[Option], selected: set[int]) -> bool:
    """Single choice and true/false: the one correct option. Multiple choice: exactly the correct set."""
    correct = {o.pk for o in options if o.is_correct}
    return bool(selected) and selected == correct


def percent(correct: int, total: int) -> Decimal:
    """The score: the share correct in percent, two decimals, rounded half up (0 without questions)."""
    return (Decimal(100) * correct / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if total else Decimal(0)


def answers_revealed(*, quiz: Quiz, attempt: Attempt, attempts: list[Attempt]) -> bool:
    """Whether the submitted ``attempt`` may show the correct answers and explanations, given every attempt the
    member made at ``quiz`` (decision 0015). Never while the attempt is open; otherwise as the quiz says: after
    the member has passed, or also once every attempt is used, always (practice), or never. Until then the
    member sees only the score, so that failing cannot teach the answers to the next attempt."""
    if not attempt.is_submitted:
        return False
    if quiz.reveal_answers == Quiz.RevealAnswers.ALWAYS:
        return True
    if quiz.reveal_answers == Quiz.RevealAnswers.NEVER:
        return False
    submitted = [a for a in attempts if a.is_submitted]
    if attempt.passed or any(a.passed for a in submitted):
        return True
    no_attempts_left = bool(quiz.max_attempts) and len(submitted) >= quiz.max_attempts
    return quiz.reveal_answers == Quiz.RevealAnswers.PASSED_OR_FINAL and no_attempts_left
