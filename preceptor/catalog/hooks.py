"""Where the apps above the catalog take part in its pages and its access rule (see ``core.hooks``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from preceptor.core.hooks import Hook, Panel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from preceptor.accounts.models import User
    from preceptor.catalog.models import Course

course_panels: Hook[[Course, User | AnonymousUser], Panel | None] = Hook("catalog.course_panels")
"""Parts of a course page that other apps own: the CME accreditation box, the course's quizzes. Called with
the course and the viewer (a member or an anonymous visitor). A panel with ``ad_free`` keeps advertising tags
off the page."""

course_is_ad_free: Hook[[int], bool] = Hook("catalog.course_is_ad_free")
"""Whether a course's lesson pages must carry no advertising tags (accredited CME content); by course id."""

course_card_panels: Hook[[list[Course]], dict[int, Panel]] = Hook("catalog.course_card_panels")
"""Lines other apps add to the course cards of a list (the CME credits an accredited course offers). Called once
per list with its courses, so that an app answers the whole list with one query; answers panels by course id."""

recording_access: Hook[[User, int], bool] = Hook("catalog.recording_access")
"""Whether a signed-in member who is not Pro may open a recorded class's course (its registrants may); by
member and course id. Any ``True`` opens it."""


@dataclass(frozen=True)
class NextStep:
    """The one thing a member does next in a course, shown as the page's main button. ``rank`` says how far along
    the course the step is: of all the steps offered, the furthest along wins (see ``STEP_*``)."""

    label: StrOrPromise
    url: str
    rank: int
    detail: str = ""  # a line under the button, e.g. the lesson it opens


STEP_LESSONS = 0  # the next unfinished lesson (the catalog's own step)
STEP_POST_TEST = 10  # every lesson done: the post-test
STEP_CLAIM = 20  # the post-test passed: the evaluation and the credit claim
STEP_CERTIFICATE = 30  # credit claimed: the certificate

course_next_steps: Hook[[list[Course], User, set[int]], dict[int, NextStep]] = Hook("catalog.course_next_steps")
"""A member's next step in each of several courses that another app owns: the post-test (quizzes), the evaluation
and claim, the certificate (cme). Called once per page with the courses, the member, and the ids of the courses
whose every lesson is done, so that an app answers a whole list ("My learning") with one query; answers steps by
course id, leaving out courses where it has nothing to offer."""

search_panels: Hook[[str, str], Panel | None] = Hook("catalog.search_panels")
"""Results other apps add to the course search at /courses/?q=… (the magazine's matching articles). Called with the
search words and the specialty's slug ("" for all) only when there are search words."""
