"""The CME accreditation box on course and class pages, registered on the catalog's and the classes' page
hooks in ``CmeConfig.ready`` (the pages below CME know nothing of it)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from preceptor.accounts.models import User
from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.cme.models import Activity
from preceptor.cme.selectors import is_accredited_content, published_activity, statements
from preceptor.core.hooks import Panel


def _accreditation(activity: Activity | None) -> Panel | None:
    if activity is None:
        return None
    context = {"activity": activity, "statements": statements(activity)}
    return Panel("cme/_accreditation.html", context, order=10, ad_free=activity.accredited)


def course_accreditation_panel(course: Course, user: User | AnonymousUser) -> Panel | None:
    activity = published_activity(course_id=course.pk)
    if activity:
        activity.course = course  # already loaded: no query for the title
    return _accreditation(activity)


def class_accreditation_panel(live_class: LiveClass, user: User | AnonymousUser) -> Panel | None:
    activity = published_activity(live_class_id=live_class.pk)
    if activity:
        activity.live_class = live_class
    return _accreditation(activity)


def course_is_ad_free(course_id: int) -> bool:
    """Pages of accredited content carry no promotion (docs/requirements.md, CME requirement 32)."""
    return is_accredited_content(course_id)
