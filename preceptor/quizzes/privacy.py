from __future__ import annotations

from typing import Any

from preceptor.core.personal_data import PersonalData, row
from preceptor.quizzes.models import Attempt

PERSONAL_DATA = [
    PersonalData(
        model=Attempt,
        fields=("quiz", "started_at", "submitted_at", "score", "passed", "pass_mark"),
        purpose="Your quiz attempts and scores; a passing post-test is required for CME credit.",
        legal_basis="Contract; for CME credit, the accreditors' record-keeping rules (GDPR art. 6(1)(b), (c))",
        retention="6 years after completion (CME records).",
        erasure="keep",
        recipients=("Joint provider (for AMA PRA credit claims)", "EACCME (for European credit claims)"),
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    attempts = Attempt.objects.filter(user=user).select_related("quiz__course").prefetch_related("answers")
    return {
        "quiz_attempts": [
            {
                **row(a, ("started_at", "submitted_at", "score", "passed", "pass_mark")),
                "course": a.quiz.course.title,
                "quiz": a.quiz.title,
                "answers": [
                    {"question": ans.question_id, "selected": ans.selected, "correct": ans.is_correct}
                    for ans in a.answers.all()
                ],
            }
            for a in attempts
        ]
    }


def erase_user(user: Any) -> list[str]:
    # Kept under the accreditors' rules; they stay linked only to the pseudonymised account.
    count = Attempt.objects.filter(user=user).count()
    return (
        [f"Quiz attempts ({count}): kept 6 years as CME records, linked to the erased account only."] if count else []
    )
