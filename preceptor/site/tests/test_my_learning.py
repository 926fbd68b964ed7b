"""The member's journey: each page's main button is the next step (lessons → post-test → evaluation and claim →
certificate), "My learning" gathers what is in progress, and signing in leads there. The admin is branded and
grouped."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from preceptor.catalog.models import Enrollment, Lesson, LessonProgress
from preceptor.classes.models import LiveClass, Registration
from preceptor.cme.models import Claim
from preceptor.cme.tests.conftest import make_activity, passed
from preceptor.conftest import PASSWORD

MAIN_BUTTON = re.compile(r'<a class="btn btn-primary[^"]*" href="([^"]+)">([^<]+)</a>')


def main_button(html: str) -> tuple[str, str]:
    """(href, label) of the page's only primary link in its main content."""
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    found = MAIN_BUTTON.findall(main)
    assert len(found) == 1, found
    href, label = found[0]
    return href.replace("&amp;", "&"), label.strip()


def complete(user, course, *slugs: str) -> None:
    lessons = Lesson.objects.filter(course=course)
    for lesson in lessons.filter(slug__in=slugs) if slugs else lessons:
        LessonProgress.objects.update_or_create(user=user, lesson=lesson, defaults={"completed_at": timezone.now()})
    Enrollment.objects.get_or_create(user=user, course=course, defaults={"last_activity_at": timezone.now()})


def claim(user, activity) -> Claim:
    return Claim.objects.create(
        user=user,
        activity=activity,
        credit_type="ama",
        claimed_credits=Decimal("1.50"),
        minutes=90,
        completed_at=timezone.now(),
        learner_name=user.full_name,
        learner_profession="physician_md_do",
        quiz_score=Decimal("100.00"),
    )


@pytest.fixture
def accredited(course, db):
    from preceptor.cme.models import Provider

    provider = Provider.objects.create(name="CME Consultants", is_accredited=True, accme_provider_id="0012345")
    return make_activity(course, provider)


@pytest.mark.django_db
def test_the_course_pages_main_button_walks_from_the_lessons_to_the_certificate(client, accredited, pro_member):
    course = accredited.course
    client.force_login(pro_member)
    course_url = course.get_absolute_url()

    href, label = main_button(client.get(course_url).content.decode())
    assert label == "Start the course" and href == reverse("catalog:lesson", args=[course.slug, "twelve-leads"])

    complete(pro_member, course, "twelve-leads")
    href, label = main_button(client.get(course_url).content.decode())
    assert label == "Continue" and href.endswith("/rate-and-rhythm/")

    complete(pro_member, course)  # every lesson done: not "Continue" to the first lesson, but the post-test
    quiz_url = reverse("quizzes:quiz", args=[course.slug, "post-test"])
    assert main_button(client.get(course_url).content.decode()) == (quiz_url, "Take the post-test")
    last_lesson = client.get(reverse("catalog:lesson", args=[course.slug, "checklist"])).content.decode()
    assert main_button(last_lesson) == (quiz_url, "Take the post-test")

    passed(pro_member, accredited, score="100.00")
    claim_url = accredited.get_absolute_url()
    assert main_button(client.get(course_url).content.decode()) == (claim_url, "Evaluate and claim your credit")
    assert main_button(client.get(quiz_url).content.decode()) == (claim_url, "Evaluate and claim your credit")

    certificate = claim(pro_member, accredited)
    pdf_url = reverse("cme:certificate_pdf", args=[certificate.certificate_id])
    assert main_button(client.get(course_url).content.decode()) == (pdf_url, "Download your certificate")


@pytest.mark.django_db
def test_a_passed_post_test_leads_to_the_evaluation_and_credit_not_back_to_the_quiz(client, accredited, pro_member):
    course = accredited.course
    complete(pro_member, course)
    attempt = passed(pro_member, accredited, score="100.00")
    client.force_login(pro_member)
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert main_button(page) == (accredited.get_absolute_url(), "Evaluate and claim your credit")


@pytest.mark.django_db
def test_a_failed_post_test_leads_back_to_the_quiz(client, accredited, pro_member):
    attempt = passed(pro_member, accredited, score="10.00")
    client.force_login(pro_member)
    page = client.get(attempt.get_absolute_url()).content.decode()
    assert main_button(page) == (attempt.quiz.get_absolute_url(), "Back to the quiz")


@pytest.mark.django_db
def test_a_course_without_accreditation_is_complete_once_its_post_test_is_passed(client, course, pro_member):
    from preceptor.quizzes.models import Attempt, Quiz

    complete(pro_member, course)
    quiz = Quiz.objects.get(course=course)
    Attempt.objects.create(
        user=pro_member,
        quiz=quiz,
        started_at=timezone.now() - timedelta(minutes=5),
        submitted_at=timezone.now(),
        score=Decimal("100.00"),
        passed=True,
        pass_mark=quiz.pass_mark,
    )
    client.force_login(pro_member)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "You have completed this course." in page
    assert "Take the post-test" not in page and "Evaluate and claim" not in page


@pytest.mark.django_db
def test_a_trial_member_who_finished_the_free_lesson_is_sent_to_the_next_lesson_not_back_to_the_first(
    client, course, learner
):
    complete(learner, course, "twelve-leads")
    client.force_login(learner)
    href, label = main_button(client.get(course.get_absolute_url()).content.decode())
    assert label == "Continue" and href.endswith("/rate-and-rhythm/")  # locked: its page offers Pro


@pytest.mark.django_db
def test_my_learning_shows_courses_classes_credits_certificates_and_what_is_ready_to_claim(
    client, accredited, pro_member, outsider
):
    course = accredited.course
    complete(pro_member, course)
    passed(pro_member, accredited, score="100.00")
    booked = LiveClass.objects.create(
        slug="qt-class",
        title="The QT interval, live",
        starts_at=timezone.now() + timedelta(days=3),
        duration_minutes=60,
        capacity=10,
        is_published=True,
    )
    Registration.objects.create(live_class=booked, user=pro_member, status=Registration.Status.REGISTERED)
    client.force_login(pro_member)

    page = client.get(reverse("site:home")).content.decode()
    assert "<h1>My learning</h1>" in page
    assert main_button(page) == (accredited.get_absolute_url(), "Evaluate and claim your credit")
    assert "The QT interval, live" in page
    ready = page.split('id="ready-title"', 1)[1].split("</section>", 1)[0]
    assert "Heart Rhythm Basics" in ready
    assert "No credit claimed this year yet." in page

    certificate = claim(pro_member, accredited)
    page = client.get(reverse("site:home")).content.decode()
    assert 'id="ready-title"' not in page
    assert reverse("cme:certificate_pdf", args=[certificate.certificate_id]) in page
    credits = page.split('id="credits-title"', 1)[1].split("</section>", 1)[0]
    assert "1.5" in credits and "AMA PRA Category 1" in credits

    # Another member sees none of it.
    client.force_login(outsider)
    page = client.get(reverse("site:home")).content.decode()
    assert "Heart Rhythm Basics" not in page and "The QT interval, live" not in page
    assert main_button(page) == (reverse("catalog:list"), "Browse the courses")


@pytest.mark.django_db
def test_signing_in_leads_to_my_learning(client, learner):
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("site:home")


@pytest.mark.django_db
def test_the_admin_is_branded_and_its_index_grouped_learning_first(client, settings):
    settings.STAFF_REQUIRE_MFA = False
    assert str(admin.site.site_header) == f"{settings.SITE_NAME} administration"
    assert str(admin.site.index_title) == f"{settings.SITE_NAME} administration"
    request = RequestFactory().get("/admin/")
    request.user = _superuser()
    labels = [app["app_label"] for app in admin.site.get_app_list(request)]
    assert labels.index("catalog") < labels.index("cme") < labels.index("accounts") < labels.index("core")
    names = {app["app_label"]: str(app["name"]) for app in admin.site.get_app_list(request)}
    assert names["catalog"].startswith("Learning") and names["auth"] == "Staff · Roles"
    client.force_login(request.user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "<title>Preceptor administration | Preceptor administration</title>" in page
    assert page.index("Learning · Courses and lessons") < page.index("CME · Accreditation") < page.index("Records")


def _superuser():
    from preceptor.conftest import make_member

    user = make_member("root@example.org", "Root Admin")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.mark.django_db
def test_my_learning_reads_a_bounded_number_of_queries(
    client, accredited, pro_member, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page as rendered (kept, it is three queries: site/tests/test_kept_pages.py)
    from preceptor.catalog.models import Course, Module
    from preceptor.catalog.services import lesson_create

    complete(pro_member, accredited.course, "twelve-leads")
    for n in range(3):  # four courses in progress: as many as the page lists
        course = Course.objects.create(slug=f"course-{n}", title=f"Course {n}", summary="S.", is_published=True)
        module = Module.objects.create(course=course, title="M", position=1)
        lesson_create(module=module, title="R", slug="r", kind="text", position=1, minutes=5, body="Read.")
        complete(pro_member, course)
    # Two assignments from the member's organisation, one of them done: read with their done state in one query.
    from preceptor.teams.models import Assignment, Membership, Organisation

    organisation = Organisation.objects.create(name="St Mary's", slug="st-marys", seats=5)
    Membership.objects.create(organisation=organisation, user=pro_member)
    due = timezone.localdate() + timedelta(days=7)
    Assignment.objects.create(organisation=organisation, course=accredited.course, due_on=due)
    Assignment.objects.create(organisation=organisation, course=course, due_on=due)
    Enrollment.objects.filter(user=pro_member, course=course).update(completed_at=timezone.now())
    client.force_login(pro_member)
    client.get(reverse("site:home"))  # the shared course content and accreditations are cached from then on
    # Session and member (with the versions that key what is cached) 2, enrolments 1, progress of every listed
    # course 1, Pro access 1, the finished courses' post-tests 1 and claims 1 (catalog.hooks.course_next_steps),
    # certificates with this year's credits 1, ready to claim 1, classes 1, a pending account deletion 1,
    # assignments from the member's organisations 1: nothing per course.
    with django_assert_max_num_queries(12):
        page = client.get(reverse("site:home")).content.decode()
    assert page.count('class="card continue-card"') == 4
    assert "Assigned to you" in page and page.count('<span class="badge badge-ok">Done</span>') == 1


@pytest.mark.django_db
def test_my_learning_costs_the_same_queries_for_one_course_in_progress_or_four(client, course, pro_member, settings):
    settings.PAGE_CACHE_SECONDS = 0  # the page as rendered
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from preceptor.catalog.models import Course, Lesson, Module
    from preceptor.catalog.services import lesson_create, lesson_open

    def queries() -> int:
        client.get(reverse("site:home"))  # the shared course content is cached from then on
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("site:home")).status_code == 200
        return len(captured)

    client.force_login(pro_member)
    lesson_open(user=pro_member, lesson=Lesson.objects.get(slug="twelve-leads"))
    one = queries()
    for n in range(3):
        other = Course.objects.create(slug=f"in-progress-{n}", title=f"Course {n}", summary="S.", is_published=True)
        module = Module.objects.create(course=other, title="M", position=1)
        for position in (1, 2):
            lesson_create(
                module=module,
                title=f"R{position}",
                slug=f"r{position}",
                kind="text",
                position=position,
                minutes=5,
                body="Read.",
            )
        lesson_open(user=pro_member, lesson=other.lessons.get(slug="r1"))
    page = client.get(reverse("site:home")).content.decode()
    assert page.count('class="card continue-card"') == 4
    assert queries() == one


@pytest.mark.django_db
def test_credits_this_year_count_every_claim_of_the_year_beyond_the_recent_certificates(accredited, pro_member):
    """The totals ride on the recent-certificates query as window functions over all the member's claims: a claim
    of this year older than the five certificates shown still counts, one of last year does not."""
    from preceptor.catalog.models import Course
    from preceptor.cme.selectors import learning_credit

    provider = accredited.accredited_provider
    now = timezone.now()
    start_of_year = now.replace(month=1, day=1, hour=12, minute=0, second=0, microsecond=0)
    claims = [  # (credit type, credits, when): newest first
        *[("ama", "1.00", now - timedelta(minutes=n)) for n in range(5)],
        ("ecmec", "2.25", start_of_year),  # this year, but not among the five most recent
        ("ama", "3.00", start_of_year - timedelta(days=2)),  # last year
    ]
    for n, (kind, amount, when) in enumerate(claims):
        course = Course.objects.create(slug=f"c{n}", title=f"Course {n}", summary="S.", is_published=True)
        activity = make_activity(course, provider, accme_activity_id=f"2027{n:05d}")
        Claim.objects.create(
            user=pro_member,
            activity=activity,
            credit_type=kind,
            claimed_credits=Decimal(amount),
            minutes=60,
            completed_at=when,
            learner_name=pro_member.full_name,
            learner_profession="physician_md_do",
            quiz_score=Decimal("100.00"),
        )
    credit = learning_credit(user=pro_member)
    assert len(credit.certificates) == 5
    assert dict(credit.credits_this_year) == {
        "AMA PRA Category 1 Credit™": Decimal("5.00"),
        "European CME credit (ECMEC®)": Decimal("2.25"),
    }
