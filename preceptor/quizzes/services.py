from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record
from preceptor.quizzes.models import Answer, Attempt, Option, Question, Quiz

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


class AttemptRefused(Exception):
    def __init__(self, rule: StartRule) -> None:
        super().__init__(rule.blocker)
        self.rule = rule


@transaction.atomic
def attempt_start(*, user: User, quiz: Quiz, now: datetime | None = None, rng: random.Random | None = None) -> Attempt:
    """Start an attempt (or return the one already open) with questions and options in a shuffled order."""
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    # Lock the member's attempts at this quiz so two clicks cannot start two attempts.
    attempts = list(Attempt.objects.select_for_update().filter(user=user, quiz=quiz).order_by("-started_at"))
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt:
        return open_attempt
    questions = list(quiz.questions.prefetch_related("options"))
    rule = start_rule(quiz=quiz, attempts=attempts, question_count=len(questions), now=now)
    if not rule.allowed:
        raise AttemptRefused(rule)
    rng.shuffle(questions)
    layout: dict[str, Any] = {"questions": [q.pk for q in questions], "options": {}}
    for question in questions:
        option_ids = [o.pk for o in question.options.all()]
        if question.kind != Question.Kind.TRUE_FALSE:
            rng.shuffle(option_ids)
        layout["options"][str(question.pk)] = option_ids
    return Attempt.objects.create(user=user, quiz=quiz, started_at=now, pass_mark=quiz.pass_mark, layout=layout)


def grade(question: Question, options: list[Option], selected: set[int]) -> bool:
    """Single choice and true/false: the one correct option. Multiple choice: exactly the correct set."""
    correct = {o.pk for o in options if o.is_correct}
    return bool(selected) and selected == correct


def percent(correct: int, total: int) -> Decimal:
    return (Decimal(100) * correct / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if total else Decimal(0)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict[int, set[int]], now: datetime | None = None) -> Attempt:
    """Grade on the server and store every answer; a submitted attempt never changes again."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.is_submitted:
        return attempt
    question_ids = attempt.layout["questions"]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids).prefetch_related("options")}
    rows, correct_count = [], 0
    for qid in question_ids:
        question = questions.get(qid)
        if question is None:  # removed by staff after the attempt started: not counted
            continue
        options = list(question.options.all())
        valid = {o.pk for o in options}
        selected = answers.get(qid, set()) & valid
        is_correct = grade(question, options, selected)
        correct_count += is_correct
        rows.append(Answer(attempt=attempt, question=question, selected=sorted(selected), is_correct=is_correct))
    Answer.objects.bulk_create(rows)
    attempt.score = percent(correct_count, len(rows))
    attempt.passed = attempt.score >= attempt.pass_mark
    attempt.submitted_at = now
    attempt.save(update_fields=["score", "passed", "submitted_at"])
    audit_event_record(
        action="quiz.attempt_submitted",
        actor=attempt.user,
        subject=attempt.user,
        target=attempt,
        data={"quiz": attempt.quiz_id, "score": str(attempt.score), "passed": attempt.passed},
    )
    return attempt
