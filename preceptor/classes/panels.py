"""The teacher section of a member's page at /u/<handle>/, registered on ``profiles.hooks.profile_panels`` in
``ClassesConfig.ready``: one public page per teacher (decision 0021)."""

from __future__ import annotations

from preceptor.classes.models import Teacher
from preceptor.classes.selectors import classes_published
from preceptor.core.hooks import Panel
from preceptor.profiles.models import Audience, Profile


def teacher_profile_panel(profile: Profile, audience: Audience) -> Panel | None:
    """The teacher's name as shown on classes, specialties, biography and classes: for everyone once the teacher
    makes it public, for the teacher alone (with a note) until then. Nothing for a member who does not teach."""
    teacher = Teacher.objects.filter(user_id=profile.user_id).first()
    if teacher is None or not (teacher.is_public or audience == "owner"):
        return None
    classes = list(classes_published().filter(teachers=teacher).order_by("-starts_at"))
    return Panel("classes/_teacher_section.html", {"teacher": teacher, "classes": classes}, order=10)
