"""Where a member or a teacher goes to take part in a class: BigBlueButton's signed join address (the meeting
created on first use), or the class's plain meeting address when no BigBlueButton server is configured. Calls
the meeting server; writes nothing here."""

from __future__ import annotations

from django.urls import reverse

from preceptor.classes import bbb
from preceptor.classes.models import LiveClass, Teacher
from preceptor.core.http import absolute_url


def meeting_url(live_class: LiveClass, *, full_name: str, user_id: str, moderator: bool, logout: str) -> str:
    if not bbb.configured():
        return live_class.meeting_url
    bbb.create(
        meeting_id=live_class.meeting_id,
        name=live_class.title,
        logout_url=logout,
        duration_minutes=live_class.duration_minutes,
    )
    return bbb.join_url(
        meeting_id=live_class.meeting_id, full_name=full_name, user_id=user_id, moderator=moderator, logout_url=logout
    )


def teacher_join_url(*, teacher: Teacher, live_class: LiveClass) -> str:
    """The teacher joins as moderator; leaving takes them back to their teaching page."""
    return meeting_url(
        live_class,
        full_name=teacher.display_name,
        user_id=f"teacher-{teacher.user_id}",
        moderator=True,
        logout=absolute_url(reverse("classes:teach")),
    )
