"""The CME accreditation box on course and class pages, registered on the catalog's and the classes' page
hooks in ``CmeConfig.ready`` (the pages below CME know nothing of it)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from preceptor.accounts.models import User
from preceptor.catalog.hooks import STEP_CERTIFICATE, STEP_CLAIM, NextStep
from preceptor.catalog.models import Course
from preceptor.classes.models import LiveClass
from preceptor.cme.models import Activity
from preceptor.cme.selectors import (
    claim_states,
    is_accredited_content,
    published_activity,
    published_course_activities,
    statements,
)
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


def course_card_credits(courses: list[Course]) -> dict[int, Panel]:
    """Registered on ``catalog.hooks.course_card_panels``: the credits each accredited course of a list offers."""
    activities = published_course_activities(course_ids=[course.pk for course in courses])
    return {course_id: Panel("cme/_card_credits.html", {"activity": a}) for course_id, a in activities.items()}


def course_is_ad_free(course_id: int) -> bool:
    """Pages of accredited content carry no promotion (docs/requirements.md, CME requirement 32)."""
    return is_accredited_content(course_id)


def course_claim_steps(courses: list[Course], user: User, lessons_done: set[int]) -> dict[int, NextStep]:
    """Registered on ``catalog.hooks.course_next_steps``: once a course's post-test is passed, the evaluation and
    the claim; once credit is claimed, the certificate. Nothing for a course without a published accreditation.
    The accreditations come from the cache; the member's state is one query for all the courses."""
    activities = [a for a in (published_activity(course_id=course.pk) for course in courses) if a is not None]
    states = claim_states(user=user, activities=activities)
    steps: dict[int, NextStep] = {}
    for activity in activities:
        if activity.course_id is None:
            continue  # a live class's accreditation (not asked for here)
        certificate_id, post_test_passed = states.get(activity.pk, (None, False))
        if certificate_id is not None:
            url = reverse("cme:certificate_pdf", args=[certificate_id])
            steps[activity.course_id] = NextStep(_("Download your certificate"), url, STEP_CERTIFICATE)
        elif post_test_passed:
            steps[activity.course_id] = NextStep(
                _("Evaluate and claim your credit"), activity.get_absolute_url(), STEP_CLAIM
            )
    return steps
