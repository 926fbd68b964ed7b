from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext, gettext_noop

from preceptor.core.personal_data import (
    DataCategory,
    Export,
    LegalBasis,
    LegalHold,
    Period,
    PersonalData,
    Purpose,
    Source,
    row,
)
from preceptor.quizzes.models import Answer, Attempt, Option

PERSONAL_DATA = [
    PersonalData(
        model=Attempt,
        name=gettext_noop("Quiz attempts"),
        fields=("quiz", "started_at", "submitted_at", "score", "passed", "pass_mark"),
        purpose=gettext_noop("Your quiz attempts and scores; a passing post-test is required for CME credit."),
        purposes=(Purpose.LEARNING, Purpose.CME_CREDIT),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        basis_note=gettext_noop("for CME credit, the accreditors' record-keeping rules"),
        categories=(DataCategory.ASSESSMENT,),
        sources=(Source.MEMBER,),
        rules=(
            LegalHold(
                period=Period(amount=6, unit="years"),
                anchor="started_at",
                event=gettext_noop("the attempt"),
                law=gettext_noop("the accreditors' record-keeping rules (ACCME, EACCME®)"),
                purge="cme.services.cme_records_purge",
                note=gettext_noop("longer while a kept credit claim for the course rests on it"),
            ),
        ),
        erasure="keep",
        export=Export.SUMMARY,
        processors=("joint_provider", "eaccme"),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    """Each attempt with its questions and the member's answers as text (the options chosen, not their ids)."""
    attempts = list(
        Attempt.objects.filter(user=user)
        .select_related("quiz__course")
        .prefetch_related(Prefetch("answers", Answer.objects.select_related("question").order_by("id")))
    )
    question_ids = {answer.question_id for attempt in attempts for answer in attempt.answers.all()}
    options = {o.pk: o.text for o in Option.objects.filter(question_id__in=question_ids)}
    return {
        "quiz_attempts": [
            {
                **row(a, ("started_at", "submitted_at", "score", "passed", "pass_mark")),
                "course": a.quiz.course.title,
                "quiz": a.quiz.title,
                "answers": [
                    {
                        "question": ans.question.text,
                        "your_answer": [options.get(pk, "?") for pk in ans.selected],
                        "correct": ans.is_correct,
                    }
                    for ans in a.answers.all()
                ],
            }
            for a in attempts
        ]
    }


def erase_user(user: Any) -> list[str]:
    # Kept under the accreditors' rules; they stay linked only to the pseudonymised account.
    count = Attempt.objects.filter(user=user).count()
    if not count:
        return []
    return [
        gettext("Quiz attempts (%(count)d): kept 6 years as CME records, linked to the erased account only.")
        % {"count": count}
    ]
