import pytest
from django.contrib.auth.models import AnonymousUser

from preceptor.catalog.models import Lesson
from preceptor.catalog.selectors import course_outline

CAST = ["anonymous", "learner", "trial_ended", "pro_member", "staff"]


def viewer(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "first", "other", "reason"),
    [
        ("anonymous", False, False, "sign_in"),
        ("learner", True, False, "upgrade"),
        ("trial_ended", True, False, "upgrade"),
        ("pro_member", True, True, "member"),
        ("staff", True, True, "staff"),
    ],
)
def test_one_rule_decides_who_opens_which_lesson(request, course, who, first, other, reason):
    outline = course_outline(slug=course.slug, user=viewer(request, who))
    first_item, *others = outline.lessons
    assert first_item.access.allowed is first
    assert {item.access.allowed for item in others} == {other}
    assert others[0].access.reason == reason


@pytest.mark.django_db
def test_the_number_of_free_lessons_is_a_setting(settings, course, learner):
    settings.TRIAL_FREE_LESSONS = 2
    outline = course_outline(slug=course.slug, user=learner)
    assert [item.access.allowed for item in outline.lessons] == [True, True, False]


@pytest.mark.django_db
def test_unpublished_courses_exist_only_for_staff(course, pro_member, staff):
    course.is_published = False
    course.save()
    assert course_outline(slug=course.slug, user=pro_member) is None
    assert course_outline(slug=course.slug, user=staff) is not None


@pytest.mark.django_db
def test_outline_lists_lessons_in_module_order(course):
    outline = course_outline(slug=course.slug, user=AnonymousUser())
    assert [item.lesson.slug for item in outline.lessons] == ["twelve-leads", "rate-and-rhythm", "checklist"]
    assert [module.title for module, _items in outline.modules] == ["Foundations", "Practice"]
    assert Lesson.objects.get(slug="checklist").course == course


@pytest.mark.django_db
def test_shared_course_content_is_cached_and_forgotten_when_staff_change_it(
    course, pro_member, staff, rf, django_assert_num_queries
):
    from django.contrib.admin.sites import site

    from preceptor.catalog.selectors import course_content

    assert len(course_outline(slug=course.slug, user=pro_member).lessons) == 3
    with django_assert_num_queries(1):  # the shared content's version: the content itself is cached
        assert course_content(slug=course.slug).lessons[-1].title == "Checklist"
    # However staff change it — here a bulk update, which sends no signal — members see it at once.
    Lesson.objects.filter(slug="checklist").update(title="Renamed")
    assert course_outline(slug=course.slug, user=pro_member).lessons[-1].lesson.title == "Renamed"

    request = rf.post("/admin/")
    request.user = staff
    site._registry[Lesson].delete_model(request, Lesson.objects.get(slug="checklist"))
    assert len(course_outline(slug=course.slug, user=pro_member).lessons) == 2


def test_a_slug_longer_than_any_course_slug_finds_nothing_without_a_query(db, django_assert_num_queries):
    from preceptor.catalog.models import Course
    from preceptor.catalog.selectors import SLUG_MAX_LENGTH, course_content

    assert Course._meta.get_field("slug").max_length == SLUG_MAX_LENGTH
    with django_assert_num_queries(0):
        assert course_content(slug="7" * 5000) is None


def _outline_rows(html: str) -> list[str]:
    import re

    return re.findall(r'<li class="outline-lesson[^"]*">(.*?)</li>', html, flags=re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "learner", "trial_ended"])
def test_the_free_lesson_is_marked_free_and_never_shown_locked(client, request, course, who):
    """The outline shows what the access rule says: the free lesson open (to a visitor, once signed in), the
    others locked."""
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    first, *others = _outline_rows(client.get(course.get_absolute_url()).content.decode())
    assert "Free" in first and "icon-lock" not in first and "(locked)" not in first
    assert others and all("icon-lock" in row and "(locked)" in row and "Free" not in row for row in others)
    outline = course_outline(slug=course.slug, user=viewer(request, who))
    assert [item.access.locked for item in outline.lessons] == [False] + [True] * len(others)


@pytest.mark.django_db
def test_a_pro_member_sees_no_lock_and_no_free_mark(client, course, pro_member):
    client.force_login(pro_member)
    rows = _outline_rows(client.get(course.get_absolute_url()).content.decode())
    assert rows and not [row for row in rows if "icon-lock" in row or "Free" in row]


@pytest.mark.django_db
def test_a_visitor_opening_the_free_lesson_is_told_it_is_free_once_signed_in(client, course):
    first = course_outline(slug=course.slug, user=AnonymousUser()).lessons[0]
    html = client.get(first.lesson.url).content.decode()
    assert "This lesson is free: sign in to watch it" in html and "icon-lock" not in html.split("lesson-main")[1]
