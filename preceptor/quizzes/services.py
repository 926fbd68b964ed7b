from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.core.services import audit_event_record
from preceptor.quizzes.models import Answer, Attempt, Question, Quiz
from preceptor.quizzes.rules import StartRule, grade, percent, start_rule


class AttemptRefused(Exception):
    def __init__(self, rule: StartRule) -> None:
        super().__init__(rule.blocker)
        self.rule = rule


class AnswersRefused(ValueError):
    """Answers to questions the attempt did not draw: a forged form. Nothing is stored."""

    def __init__(self, question_ids: list[int]) -> None:
        super().__init__(f"questions not in the attempt: {question_ids}")
        self.question_ids = question_ids


@transaction.atomic
def attempt_start(*, user: User, quiz: Quiz, now: datetime | None = None, rng: random.Random | None = None) -> Attempt:
    """Start an attempt (or return the one already open): the questions drawn for it (all of them, or
    ``quiz.questions_per_attempt`` at random) and their options, in a shuffled order, stored in its layout."""
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
    questions = questions[: quiz.drawn_count(len(questions))]  # a random draw: the first n of a shuffle
    layout: dict[str, Any] = {"questions": [q.pk for q in questions], "options": {}}
    for question in questions:
        option_ids = [o.pk for o in question.options.all()]
        if question.kind != Question.Kind.TRUE_FALSE:
            rng.shuffle(option_ids)
        layout["options"][str(question.pk)] = option_ids
    return Attempt.objects.create(user=user, quiz=quiz, started_at=now, pass_mark=quiz.pass_mark, layout=layout)


@transaction.atomic
def attempt_submit(*, attempt: Attempt, answers: dict[int, set[int]], now: datetime | None = None) -> Attempt:
    """Grade on the server and store an answer to every question the attempt drew; a submitted attempt never
    changes again. Answers to questions it did not draw raise ``AnswersRefused``."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.is_submitted:
        return attempt
    question_ids = attempt.layout["questions"]
    not_drawn = sorted(set(answers) - set(question_ids))
    if not_drawn:
        raise AnswersRefused(not_drawn)
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
