"""A signed-in member's course, lesson, catalogue and home pages are kept rendered (core/pagecache.py): a repeated
GET is served in two queries, and every kind of write that changes what a page shows is seen on the next GET —
the staff's edits (saved, updated in bulk, or written out), the member's own progress and subscription, another
member's organisation assigning a course, a role given. Nothing of one browser's page reaches another's."""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from preceptor.billing.tests.conftest import buy, refund_in_full
from preceptor.catalog.models import Course, Enrollment, Lesson, LessonProgress
from preceptor.core import pagecache
from preceptor.site import pagecache as declared

COURSE = "/courses/heart-rhythm/"
LESSON = "/courses/heart-rhythm/rate-and-rhythm/"
PAGES = [COURSE, LESSON, "/courses/", "/"]
KEPT = 2  # the session; the member with the two versions (accounts.models.UserManager.get)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    client.get("/courses/")  # the first page sets the CSRF cookie that kept pages are keyed by
    return client


def served(client: Client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode(), len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_repeated_page_is_served_as_kept_in_two_queries(course, pro_member, path):
    client = signed_in(pro_member)
    first, rendered = served(client, path)
    again, kept = served(client, path)
    assert again == first
    assert kept == KEPT < rendered
    assert client.get(path).headers["Content-Type"].startswith("text/html")


def test_the_lesson_page_keeps_its_own_headers(course, pro_member):
    client = signed_in(pro_member)
    client.get(LESSON)
    assert client.get(LESSON).headers["Cache-Control"] == "private, no-store"


def _renamed_and_saved(course: Course) -> None:
    course.title = "Heart Rhythm, Revised"
    course.save()


@pytest.mark.parametrize(
    "edit",
    [
        lambda c: _renamed_and_saved(c),
        lambda c: Course.objects.filter(pk=c.pk).update(title="Heart Rhythm, Revised"),
        lambda c: connection.cursor().execute(
            "UPDATE catalog_course SET title = %s WHERE id = %s", ["Heart Rhythm, Revised", c.pk]
        ),
    ],
    ids=["saved", "updated-in-bulk", "written-out"],
)
@pytest.mark.parametrize("path", PAGES)
def test_a_staff_edit_shows_at_once_however_it_is_written(course, pro_member, path, edit):
    Enrollment.objects.create(user=pro_member, course=course, last_activity_at=timezone.now())  # on "My learning"
    client = signed_in(pro_member)
    assert "Heart Rhythm Basics" in served(client, path)[0]
    served(client, path)
    edit(course)
    page = served(client, path)[0]
    assert "Heart Rhythm, Revised" in page
    assert "Heart Rhythm Basics" not in page


def test_a_new_lesson_shows_on_the_course_page(course, pro_member):
    from preceptor.catalog.services import lesson_create

    client = signed_in(pro_member)
    served(client, COURSE)
    lesson_create(
        module=course.modules.first(), title="Axis", slug="axis", kind="text", position=3, minutes=5, body="A"
    )
    assert "Axis" in served(client, COURSE)[0]


def test_the_members_own_progress_shows_at_once(course, pro_member):
    from preceptor.catalog.services import lesson_complete

    client = signed_in(pro_member)
    assert "0 of 3" in served(client, COURSE)[0]
    served(client, COURSE)
    lesson_complete(user=pro_member, lesson=Lesson.objects.get(slug="rate-and-rhythm"))
    assert "1 of 3" in served(client, COURSE)[0]


def test_another_members_writes_leave_the_page_kept(course, pro_member, learner):
    client = signed_in(pro_member)
    served(client, COURSE)
    LessonProgress.objects.create(user=learner, lesson=Lesson.objects.get(slug="rate-and-rhythm"))
    learner.full_name = "Lena Renamed"
    learner.save()
    assert served(client, COURSE)[1] == KEPT


def test_a_refund_locks_the_lesson_at_once(course, learner, settings):
    from preceptor.billing.services import prices_ensure

    settings.DEBUG = True  # the demo checkout exists only in debug mode (billing.tests.conftest.prices)
    prices_ensure()

    learner.trial_ends_at = timezone.now() - timedelta(days=1)
    learner.save()
    client = signed_in(learner)
    buy(client, learner)
    client.get("/courses/")  # where the welcome message is shown
    assert client.get(LESSON).templates[0].name == "catalog/lesson_detail.html"
    assert served(client, LESSON)[1] == KEPT
    refund_in_full(learner)  # access is taken back with a bulk update, which no signal reports
    assert client.get(LESSON).templates[0].name == "catalog/lesson_locked.html"


def test_an_assignment_from_the_members_organisation_shows_on_my_learning(course, pro_member, staff):
    from preceptor.teams.models import Membership, Organisation
    from preceptor.teams.services import assignment_create

    organisation = Organisation.objects.create(name="St Mary's", slug="st-marys", seats=5)
    Membership.objects.create(organisation=organisation, user=pro_member)
    client = signed_in(pro_member)
    served(client, "/")
    assert "Heart Rhythm Basics" not in served(client, "/")[0]
    due = timezone.localdate() + timedelta(days=7)
    assignment_create(organisation=organisation, course=course, live_class=None, due_on=due, members=[], actor=staff)
    assert "Heart Rhythm Basics" in served(client, "/")[0]


def test_a_role_given_shows_the_staff_link_at_once(course, pro_member):
    client = signed_in(pro_member)
    staff_link = f'href="{reverse("site:staff")}"'
    assert staff_link not in served(client, "/courses/")[0]
    pro_member.is_staff = True
    pro_member.save()
    assert staff_link not in served(client, "/courses/")[0]  # staff status alone opens no page
    group = Group.objects.create(name="Support desk")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="support"))
    pro_member.groups.add(group)
    assert staff_link in served(client, "/courses/")[0]
    group.user_set.remove(pro_member)
    assert staff_link not in served(client, "/courses/")[0]


def test_two_browsers_of_one_member_each_get_forms_for_their_own_cookie(course, pro_member):
    first = signed_in(pro_member)
    second = Client(enforce_csrf_checks=True)
    second.force_login(pro_member)
    second.get("/courses/")
    kept = served(first, COURSE)[0]
    assert served(first, COURSE)[1] == KEPT
    page = served(second, COURSE)[0]
    assert page != kept
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # the page's token matches this browser's cookie: signed out, not refused


def test_a_language_change_is_a_page_of_its_own(course, pro_member):
    client = signed_in(pro_member)
    assert 'lang="en"' in served(client, COURSE)[0]
    pro_member.language = "de"
    pro_member.save()
    assert 'lang="de"' in served(client, COURSE)[0]


def test_a_message_waiting_is_shown_not_a_kept_page(course, pro_member):
    client = signed_in(pro_member)
    served(client, COURSE)
    assert served(client, COURSE)[1] == KEPT
    response = client.post(reverse("billing:cancel"))  # no renewing membership: it says so on the next page
    assert response.status_code == 302
    assert "There is no renewing membership to cancel." in served(client, COURSE)[0]
    assert "There is no renewing membership to cancel." not in served(client, COURSE)[0]  # shown once


def test_a_kept_page_lives_at_most_page_cache_seconds(course, pro_member, settings):
    client = signed_in(pro_member)
    served(client, COURSE)
    assert served(client, COURSE)[1] == KEPT
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS + 1)):
        assert served(client, COURSE)[1] > KEPT


def kept_pages() -> int:
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    assert isinstance(cache, LocMemCache)  # the tests' cache, whose keys can be listed
    return sum(":page:" in key for key in vars(cache)["_cache"])


def test_a_visitor_and_a_first_visit_are_never_kept(course, pro_member):
    visitor = Client()
    for _ in range(2):
        for path in PAGES:
            visitor.get(path)
    assert kept_pages() == 0
    fresh = Client()
    fresh.force_login(pro_member)  # no CSRF cookie yet
    served(fresh, COURSE)
    assert kept_pages() == 0
    served(fresh, COURSE)  # the first answer set the cookie
    assert kept_pages() == 1


def test_no_page_is_kept_when_switched_off(course, pro_member, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client = signed_in(pro_member)
    served(client, COURSE)
    assert served(client, COURSE)[1] > KEPT


def test_a_deleted_member_leaves_no_version_behind(course, learner):
    from preceptor.core.models import PageVersion

    LessonProgress.objects.create(user=learner, lesson=Lesson.objects.get(slug="rate-and-rhythm"))
    assert PageVersion.objects.filter(scope=learner.pk).exists()
    learner.delete()
    assert not PageVersion.objects.filter(scope=learner.pk).exists()


def test_every_declared_table_exists_and_names_its_member():
    from django.apps import apps

    for label, field in declared.OWN.items():
        model = apps.get_model(label)
        assert field == "pk" or model._meta.get_field(field).related_model._meta.label == "accounts.User", label
    for label in declared.IGNORED:
        apps.get_model(label)
    assert not set(declared.OWN) & set(declared.IGNORED)


def test_shared_content_is_every_table_not_declared_otherwise():
    from django.apps import apps

    tables = pagecache._content_tables
    assert {"catalog_course", "catalog_lesson", "quizzes_quiz", "classes_registration", "teams_assignment"} <= tables
    assert "catalog_course_teachers" in tables  # a many-to-many's own table
    assert not {"catalog_lessonprogress", "analytics_requestlog", "django_session", "core_pageversion"} & tables
    for model in apps.get_models():
        if model._meta.label not in {*declared.OWN, *declared.IGNORED, "core.PageVersion"}:
            assert model._meta.db_table.lower() in tables, model._meta.label


def test_the_written_table_is_read_as_django_and_our_statements_spell_it():
    read = pagecache._table_written
    assert read('INSERT INTO "catalog_course" ("slug") VALUES (%s) RETURNING "id"') == "catalog_course"
    assert read('UPDATE "catalog_course" SET "title" = %s') == "catalog_course"
    assert read('DELETE FROM "catalog_course" WHERE "id" IN (%s)') == "catalog_course"
    assert read("\n  update catalog_course set title = 'x'") == "catalog_course"
    assert read('SELECT "id" FROM "catalog_course" FOR UPDATE') is None
    assert read('INSERT OR IGNORE INTO "catalog_course_specialties" ("course_id") VALUES (%s)') == (
        "catalog_course_specialties"
    )
    assert read('INSERT INTO "catalog_course_teachers" ("course_id") VALUES (%s) ON CONFLICT DO NOTHING') == (
        "catalog_course_teachers"
    )
    assert read('UPDATE OR IGNORE "catalog_course" SET "title" = %s') == "catalog_course"
    assert read("UPDATE") == ""
    assert read("insert into catalog_course(slug) values ('x')") == "catalog_course"


SERVICES = Path(__file__).resolve().parents[2]


def _own_model_names() -> set[str]:
    return {label.split(".")[1] for label in declared.OWN}


def test_every_bulk_write_to_a_members_own_rows_says_whose_pages_changed():
    """``update()``, ``bulk_create()`` and ``bulk_update()`` send no signal: a function of our code that writes a
    member's own rows so must call ``members_changed``. Data erasure that deletes the member is exempt (their pages
    go with them)."""
    own = _own_model_names()
    missing = []
    for path in SERVICES.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in {"demo.py", "seed.py"}:
            continue
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            source = ast.get_source_segment(path.read_text(), function) or ""
            bulk = re.search(r"\.(update|bulk_create|bulk_update)\(", source)
            names = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
            if bulk and names & own and "members_changed" not in source:
                writes_own = any(
                    re.search(rf"\b{name}\.objects\b[^\n]*\.(update|bulk_create|bulk_update)\(", source) for name in own
                )
                if writes_own:
                    missing.append(f"{path.relative_to(SERVICES)}:{function.name}")
    assert not missing, missing


def test_a_member_read_by_id_is_the_orms_member_with_the_versions(pro_member, learner):
    from preceptor.accounts.models import User
    from preceptor.core.models import PageVersion

    found = User.objects.get(pk=pro_member.pk)
    assert found == pro_member and found.email == pro_member.email and found.full_name == pro_member.full_name
    assert found.page_member_version == PageVersion.objects.get(scope=pro_member.pk).version
    assert User.objects.get(pk=str(learner.pk)) == learner
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=10**9)
    with pytest.raises(ValueError):
        User.objects.get(pk="not a number")  # the ORM's own answer
    assert User.objects.get(email=learner.email) == learner


def test_an_expired_session_signs_nobody_in(pro_member):
    from django.contrib.sessions.models import Session

    client = signed_in(pro_member)
    assert served(client, "/")[0].count("Sign out") == 1
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    page = served(client, "/")[0]
    assert "Sign out" not in page and "Sign in" in page
