"""The classes app's part of the erasure chain: a class's teacher, a recipient of its roster, is told of a
member's erasure at the teacher's own address (``privacy.hooks.erasure_contact``, decision 0029)."""

from __future__ import annotations

from preceptor.classes.models import Teacher

TEACHER_MARK = " (teacher of “"  # services.roster_disclose names the recipient "<display name> (teacher of “<class>”)"


def teacher_erasure_contact(recipient: str) -> str:
    """The address of the teacher a roster disclosure names; "" for any other recipient, or when the name is
    no longer one active teacher's (renamed, left, or shared by two)."""
    if TEACHER_MARK not in recipient or not recipient.endswith("”)"):
        return ""
    display_name = recipient.split(TEACHER_MARK, 1)[0]
    teachers = list(Teacher.objects.filter(display_name=display_name, user__is_active=True).select_related("user")[:2])
    return teachers[0].user.email if len(teachers) == 1 else ""
