"""Where the apps above the catalog take part in its pages and its access rule (see ``core.hooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from preceptor.core.hooks import Hook, Panel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from preceptor.accounts.models import User
    from preceptor.catalog.models import Course

course_panels: Hook[[Course, User | AnonymousUser], Panel | None] = Hook("catalog.course_panels")
"""Parts of a course page that other apps own: the CME accreditation box, the course's quizzes. Called with
the course and the viewer (a member or an anonymous visitor). A panel with ``ad_free`` keeps advertising tags
off the page."""

course_is_ad_free: Hook[[int], bool] = Hook("catalog.course_is_ad_free")
"""Whether a course's lesson pages must carry no advertising tags (accredited CME content); by course id."""

recording_access: Hook[[User, int], bool] = Hook("catalog.recording_access")
"""Whether a signed-in member who is not Pro may open a recorded class's course (its registrants may); by
member and course id. Any ``True`` opens it."""
