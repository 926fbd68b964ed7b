from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, gettext_noop

from preceptor.classes.models import Attendance, Registration, Teacher, TermsAcceptance
from preceptor.core.personal_data import (
    AfterEvent,
    Audience,
    DataCategory,
    LegalBasis,
    Period,
    PersonalData,
    Purpose,
    Source,
    UntilErasure,
    after_erasure,
    row,
)

PERSONAL_DATA = [
    PersonalData(
        model=Registration,
        name=gettext_noop("Class registrations"),
        fields=("live_class", "status", "created_at", "updated_at", "reminded_24h_at", "reminded_1h_at"),
        purpose=gettext_noop("Your place in the classes you signed up for, the waitlist, and reminders."),
        purposes=(Purpose.LIVE_CLASSES,),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.ATTENDANCE,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(),),
        erasure="delete",
        processors=("bigbluebutton", "email"),
        audiences=(Audience.TEACHERS,),
    ),
    PersonalData(
        model=Attendance,
        name=gettext_noop("Class attendance"),
        fields=("registration", "joined_at", "left_at"),
        purpose=gettext_noop(
            "When you joined and left a live class: minutes attended, and credit for live CME activities."
        ),
        purposes=(Purpose.LIVE_CLASSES, Purpose.CME_CREDIT),
        bases=(LegalBasis.CONTRACT, LegalBasis.LEGAL_OBLIGATION),
        categories=(DataCategory.ATTENDANCE,),
        sources=(Source.VIDEO_CONFERENCE, Source.OBSERVED),
        rules=(
            AfterEvent(
                period=Period(amount=6, unit="years"),
                anchor="joined_at",
                event=gettext_noop("the class"),
                note=gettext_noop("CME records"),
            ),
        ),
        erasure="delete",
        audiences=(Audience.TEACHERS,),
    ),
    PersonalData(
        model=Teacher,
        name=gettext_noop("Teachers"),
        fields=("display_name", "bio", "specialties"),
        purpose=gettext_noop("A teacher's public page and the classes they teach."),
        purposes=(Purpose.TEACHING, Purpose.PROFILE),
        bases=(LegalBasis.CONTRACT,),
        categories=(DataCategory.IDENTITY, DataCategory.PROFILE, DataCategory.PROFESSIONAL),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(note=gettext_noop("or while the teacher teaches with us")),),
        erasure="delete",
        audiences=(Audience.PUBLIC,),
    ),
    PersonalData(
        model=TermsAcceptance,
        name=gettext_noop("Teachers' acceptance of the terms"),
        fields=("terms", "accepted_at"),
        purpose=gettext_noop("Proof that a teacher accepted the terms before seeing members' data."),
        purposes=(Purpose.TEACHING, Purpose.ACCOUNTABILITY),
        bases=(LegalBasis.LEGITIMATE_INTEREST,),
        categories=(DataCategory.CONSENT,),
        sources=(Source.MEMBER,),
        rules=(UntilErasure(note=gettext_noop("as long as the teacher teaches with us")), after_erasure()),
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
        kept.append(
            gettext("Teacher terms acceptance: kept as proof of the commitment, linked to the erased account only.")
        )
    return kept
