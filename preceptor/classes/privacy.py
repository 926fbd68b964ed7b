from __future__ import annotations

from typing import Any

from preceptor.classes.models import Attendance, Registration, Teacher, TermsAcceptance
from preceptor.core.personal_data import PersonalData, row

PERSONAL_DATA = [
    PersonalData(
        model=Registration,
        fields=("live_class", "status", "created_at", "updated_at", "reminded_24h_at", "reminded_1h_at"),
        purpose="Your place in the classes you signed up for, the waitlist, and reminders.",
        legal_basis="Contract (GDPR art. 6(1)(b))",
        retention="Life of the account; attendance that supports CME credit is kept 6 years.",
        erasure="delete",
        recipients=("The class's teachers: your name and e-mail address (see your disclosure ledger)",),
    ),
    PersonalData(
        model=Attendance,
        fields=("registration", "joined_at", "left_at"),
        purpose="When you joined and left a live class: minutes attended, and credit for live CME activities.",
        legal_basis="Contract; the accreditors' record-keeping rules (GDPR art. 6(1)(b), (c))",
        retention="6 years after the class (CME records).",
        erasure="delete",
        recipients=("The class's teachers (minutes attended)",),
    ),
    PersonalData(
        model=Teacher,
        fields=("display_name", "bio", "specialties"),
        purpose="A teacher's public page and the classes they teach.",
        legal_basis="Contract with the teacher (GDPR art. 6(1)(b))",
        retention="While the teacher teaches with us.",
        erasure="delete",
        recipients=("Everyone who views the teacher page",),
    ),
    PersonalData(
        model=TermsAcceptance,
        fields=("terms", "accepted_at"),
        purpose="Proof that a teacher accepted the terms before seeing members' data.",
        legal_basis="Legitimate interest in proving the commitment (GDPR art. 6(1)(f))",
        retention="As long as the teacher teaches with us, then 3 years.",
        erasure="keep",
    ),
]


def export_user(user: Any) -> dict[str, Any]:
    registrations = Registration.objects.filter(user=user).select_related("live_class")
    teacher = Teacher.objects.filter(user=user).first()
    return {
        "registrations": [
            {**row(r, PERSONAL_DATA[0].fields), "class": r.live_class.title, "minutes_attended": r.minutes_attended}
            for r in registrations
        ],
        "attendance": [
            {**row(a, ("joined_at", "left_at")), "class": a.registration.live_class.title}
            for a in Attendance.objects.filter(registration__user=user).select_related("registration__live_class")
        ],
        "teacher": row(teacher, PERSONAL_DATA[2].fields) if teacher else None,
        "teacher_terms_accepted": [
            {"version": t.terms.version, "accepted_at": t.accepted_at.isoformat()}
            for t in TermsAcceptance.objects.filter(user=user).select_related("terms")
        ],
    }


def erase_user(user: Any) -> list[str]:
    Attendance.objects.filter(registration__user=user).delete()
    Registration.objects.filter(user=user).delete()
    Teacher.objects.filter(user=user).delete()
    kept = []
    if TermsAcceptance.objects.filter(user=user).exists():
        kept.append("Teacher terms acceptance: kept as proof of the commitment, linked to the erased account only.")
    return kept
