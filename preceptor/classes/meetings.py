"""Where a member or a teacher goes to take part in a class: BigBlueButton's signed join address (the meeting
created on first use), or the class's plain meeting address when no BigBlueButton server is configured. Calls
the meeting server; writes nothing here."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from preceptor.classes import bbb
from preceptor.classes.models import LiveClass, Teacher
from preceptor.core.http import absolute_url, url_origin


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


def meeting_origin(live_class: LiveClass) -> str | None:
    """The origin (scheme, host, port) a join sends the browser to: the BigBlueButton server when it is
    configured, else the class's meeting address; ``None`` when there is none, or none fit for a CSP source.

    A page with a join form admits it in its ``form-action``: Chromium applies ``form-action`` to the
    redirects of a form submission too, so the join POST's redirect to the meeting is blocked otherwise.
    A meeting service that redirects again to yet another host (a regional server) needs that host as well;
    BigBlueButton stays on its own host."""
    address = settings.BBB_URL if bbb.configured() else live_class.meeting_url
    return url_origin(address)


def teacher_join_url(*, teacher: Teacher, live_class: LiveClass) -> str:
    """The teacher joins as moderator; leaving takes them back to their teaching page."""
    return meeting_url(
        live_class,
        full_name=teacher.display_name,
        user_id=f"teacher-{teacher.user_id}",
        moderator=True,
        logout=absolute_url(reverse("classes:teach")),
    )
