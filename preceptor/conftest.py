"""The shared cast: a trial learner, a Pro member, a teacher, a staff member and an outsider."""

from __future__ import annotations

import contextlib
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create, complimentary_pro_grant, teacher_role_set

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test fixture


@pytest.fixture(scope="session", autouse=True)
def _request_log_written_by_tests():
    """The request log is written by the tests that flush it, for the whole session: between two tests, when each
    test's settings are restored, a request a live server still answered started the log's thread, which kept a
    connection to the test database open at its teardown ("being accessed by other users")."""
    from django.test import override_settings

    with override_settings(REQUEST_LOG_BACKGROUND=False):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing_and_isolated_media(settings, tmp_path):
    # Argon2 is deliberately slow; tests that are about hashing switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ERASURE_JOURNAL = tmp_path / "erasure-journal.jsonl"  # erasures committed in a test go here
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tests run with DEBUG off, where staff need two-factor sign-in by default; the staff in the cast sign in
    # with a password only. The two-factor tests (accounts/tests/test_mfa.py) switch it on themselves.
    settings.STAFF_REQUIRE_MFA = False
    from preceptor.analytics import buffer

    buffer._rows.clear()
    yield
    buffer._rows.clear()  # rows a test did not flush are not written after its database is gone


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits (login throttling) live in the cache; every test starts with a clean slate.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in German (``Accept-Language: de``, a member's saved language) leaves German active in this
    thread, and a member's request their time zone; the next test starts in the default language and zone."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _every_email_is_branded():
    """Every message a test sends is built like all of ours (``core.mail.email_render``): the site's name in the
    subject and the text, and a branded HTML part. A message built another way fails the test that sent it."""
    yield
    from django.core import mail

    from preceptor.core.mail import email_is_branded

    problems = [
        f"{m.subject!r} to {m.to}: {'; '.join(p)}" for m in getattr(mail, "outbox", []) if (p := email_is_branded(m))
    ]
    assert not problems, "E-mail not built with core.mail.email_render:\n" + "\n".join(problems)


def make_member(email: str, full_name: str, **flags) -> User:
    user = account_create(email=email, full_name=full_name, password=PASSWORD, **flags)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def learner(db) -> User:
    return make_member("learner@example.org", "Lena Learner")


@pytest.fixture
def pro_member(db) -> User:
    user = make_member("pro@example.org", "Dr. Paul Pro")
    return complimentary_pro_grant(user=user, until=timezone.now() + timedelta(days=30), actor=None)


@pytest.fixture
def teacher(db) -> User:
    return teacher_role_set(user=make_member("teacher@example.org", "Prof. Tina Teacher"), is_teacher=True, actor=None)


@pytest.fixture
def staff(db) -> User:
    """A superuser: holds every permission and opens every staff page."""
    return make_member("staff@example.org", "Sam Staff", is_staff=True, is_superuser=True)


ROLES = ("CME office", "Privacy officer", "Support", "Content editor", "Statistics", "Newsletter editor", "Moderator")


def make_staff(email: str, full_name: str, *roles: str) -> User:
    """A staff account in the given role groups (made by the site app's migration), no more."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    if Group.objects.filter(name__in=ROLES).count() < len(ROLES):  # a live-server test flushed the database
        import_module("preceptor.site.migrations.0001_staff_roles").roles_set(
            group_model=Group, permission_model=Permission
        )
        import_module("preceptor.site.migrations.0002_policy_and_invoice_grants").grants_set(
            group_model=Group, permission_model=Permission
        )
        import_module("preceptor.site.migrations.0003_newsletter_editor").role_set(
            group_model=Group, permission_model=Permission
        )
        import_module("preceptor.magazine.migrations.0002_editor_and_moderator_roles").roles_set(
            group_model=Group, permission_model=Permission
        )
        import_module("preceptor.support.migrations.0002_support_role_grants").grants_set(
            group_model=Group, permission_model=Permission
        )
    user = make_member(email, full_name, is_staff=True)
    user.groups.set([Group.objects.get(name=role) for role in roles])
    return user


@pytest.fixture
def staff_without_permissions(db) -> User:
    """Staff status and nothing else: opens no staff page."""
    return make_staff("bare-staff@example.org", "Bea Bare")


@pytest.fixture
def staff_in(db):
    """``staff_in("CME office")``: a staff member in that role only."""

    def make(role: str) -> User:
        slug = role.lower().replace(" ", "-")
        return make_staff(f"{slug}@example.org", f"Role {role}", role)

    return make


@pytest.fixture
def outsider(db) -> User:
    return make_member("outsider@example.org", "Otto Outsider")


# --- Browser tests: Playwright driving Debian's Chromium ------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "step")`` saves test-artifacts/<test>/<step>.png."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test fails when any of its pages reported a Content Security Policy violation (and one that
    fails for another reason lists them too)."""
    violations = getattr(item, "_csp_violations", [])
    try:
        result = yield
    except BaseException:
        if violations:
            item.add_report_section("call", "Content Security Policy violations", "\n".join(violations))
        raise
    if violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(violations), pytrace=False)
    return result


def csp_violations_watch(page, violations: list[str]) -> None:
    """Collect the page's CSP violations: Chromium reports each one on the console ("Loading the script …",
    "Sending form data to … violates the following Content Security Policy directive …"), whether a script, a
    style, an image, a frame, an eval or a form submission (also one redirected to another host) was blocked."""

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)


def page_content(response) -> bytes:
    """A response's body without what differs on every answer or only echoes the request: CSRF tokens (a fresh
    mask each time over the same secret) and the address asked for (the asker knows it). Two pages equal here
    cannot be told apart by their reader."""
    body = re.sub(rb'(name="csrfmiddlewaretoken" value=)"[^"]*"', rb'\1""', response.content)
    return body.replace(response.request["PATH_INFO"].encode(), b"<path>")


def wait_until(check, *, timeout: float = 15.0, what: str = "the page") -> None:
    """Poll ``check()`` (e.g. a locator's ``evaluate``) until it is true. Playwright's ``wait_for_function``
    evaluates its predicate with ``eval`` inside the page, which the CSP (no 'unsafe-eval') forbids."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not get there within {timeout:g} s"
        time.sleep(0.1)


VIDEO_STATE_JS = """video => ({currentTime: video.currentTime, duration: video.duration, paused: video.paused,
  ended: video.ended, readyState: video.readyState, networkState: video.networkState, rate: video.playbackRate,
  error: video.error && video.error.code, played: Array.from({length: video.played.length},
  (_, i) => [video.played.start(i), video.played.end(i)]), status: document.getElementById('player-status').textContent,
  visibility: document.visibilityState})"""


def video_watch_to_completion(page, *, timeout: float = 90.0) -> None:
    """Start the lesson's video (muted, at double speed) once the player listens, and wait until the page says
    the server counted the lesson complete. On a timeout the failure says what the video and its progress
    reports did, so a failure on a slow machine can be told from a wrong credit rule."""
    reports: list[str] = []
    console: list[str] = []

    def finished(request) -> None:
        if "/progress/" in request.url:
            fields = dict(re.findall(r'name="(position|watched)"\r\n\r\n([0-9.]+)', request.post_data or ""))
            response = request.response()
            reports.append(f"{time.monotonic():.1f} {fields} -> {response.status if response else '?'}")

    def failed(request) -> None:
        if "/progress/" in request.url:
            reports.append(f"failed {request.failure}")

    page.on("requestfinished", finished)
    page.on("requestfailed", failed)
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    video = page.locator("#lesson-video")
    wait_until(lambda: video.evaluate("v => v.readyState >= 1 && v.dataset.playerReady === '1'"), what="the video")
    page.evaluate(
        "(() => { const v = document.getElementById('lesson-video'); v.muted = true; v.playbackRate = 2;"
        " return v.play(); })()"
    )
    started = time.monotonic()
    try:
        page.wait_for_selector("#player-status:has-text('Completed.')", timeout=timeout * 1000)
    except Exception as error:
        from preceptor.catalog.models import Enrollment, LessonProgress

        state = video.evaluate(VIDEO_STATE_JS)
        stored = list(
            LessonProgress.objects.values("lesson__slug", "watched_seconds", "position_seconds", "completed_at")
        )
        clock = list(Enrollment.objects.values("user_id", "last_activity_at"))
        raise AssertionError(
            f"the lesson was not counted complete {timeout:g} s after play (started at {started:.1f}): "
            f"video {state}; progress reports {reports}; console {console}; stored {stored}; enrolments {clock}; "
            f"server now {timezone.now()}"
        ) from error


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for page in getattr(item, "_pages", []):
            ARTIFACTS.mkdir(exist_ok=True)
            with contextlib.suppress(Exception):  # best effort: the page may already be closed
                page.screenshot(path=str(ARTIFACTS / f"{item.name}-failure.png"), full_page=True)


@pytest.fixture
def new_page(browser, request):
    """Each call opens a fresh browser context (its own cookies): a separate visitor. Keyword arguments go to
    ``browser.new_context`` (e.g. ``extra_http_headers``)."""
    contexts = []
    request.node._pages = []
    request.node._csp_violations = []

    def make(**options):
        # The CSP is enforced, as for a member: a violation on any page fails the test (pytest_runtest_call).
        assert "bypass_csp" not in options, "browser tests run with the CSP enforced"
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", **options)
        contexts.append(context)
        context.on("page", lambda opened: csp_violations_watch(opened, request.node._csp_violations))  # popups too
        page = context.new_page()
        page.set_default_timeout(15_000)
        request.node._pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()


# --- Learning content -------------------------------------------------------------------------------------
DEMO_MEDIA = Path(__file__).resolve().parent / "catalog" / "demo_media"


@pytest.fixture
def course(db):
    """A published course: a 17-second captioned video (free preview), a reading, a handout, and a post-test of
    three questions (single, multiple, true/false) with pass mark 70%, 3 attempts, 60 minutes' cool-down."""
    from django.core.files import File

    from preceptor.catalog.models import Course, LessonFile, Module, Specialty
    from preceptor.catalog.services import lesson_create
    from preceptor.quizzes.models import Option, Question, Quiz

    course = Course.objects.create(
        slug="heart-rhythm",
        title="Heart Rhythm Basics",
        summary="Atrial fibrillation and heart block.",
        description="Read rhythm strips.",
        is_published=True,
    )
    course.specialties.add(Specialty.objects.create(name="Cardiology", slug="cardiology"))
    first = Module.objects.create(course=course, title="Foundations", position=1)
    second = Module.objects.create(course=course, title="Practice", position=2)
    with (DEMO_MEDIA / "ecg-essentials.webm").open("rb") as clip, (DEMO_MEDIA / "ecg-essentials.vtt").open("rb") as vtt:
        lesson_create(
            module=first,
            title="Twelve leads",
            slug="twelve-leads",
            kind="video",
            position=1,
            minutes=10,
            video_duration=17.0,
            transcript="Twelve leads, twelve views.",
            files={"video": File(clip, name="clip.webm"), "captions": File(vtt, name="clip.vtt")},
        )
    lesson_create(
        module=first,
        title="Rate and rhythm",
        slug="rate-and-rhythm",
        kind="text",
        position=2,
        minutes=10,
        body="Count the **QRS** complexes.",
    )
    handout = lesson_create(
        module=second, title="Checklist", slug="checklist", kind="file", position=1, minutes=5, body="Print it."
    )
    lesson_file = LessonFile(lesson=handout, title="Checklist (PDF)")
    with (DEMO_MEDIA / "ecg-essentials.pdf").open("rb") as pdf:
        lesson_file.file.save("checklist.pdf", File(pdf), save=False)
    lesson_file.save()

    quiz = Quiz.objects.create(
        course=course, title="Post-test", slug="post-test", pass_mark=70, max_attempts=3, cooldown_minutes=60
    )
    for position, (kind, text, options) in enumerate(
        [
            ("single", "Rate with 4 large squares?", [("75/min", True), ("60/min", False), ("100/min", False)]),
            ("multiple", "Signs of hyperkalaemia?", [("Peaked T", True), ("Wide QRS", True), ("U waves", False)]),
            ("true_false", "QRS 140 ms is normal.", [("True", False), ("False", True)]),
        ],
        1,
    ):
        question = Question.objects.create(
            quiz=quiz, kind=kind, text=text, explanation=f"Because {position}.", position=position
        )
        for n, (option_text, correct) in enumerate(options, 1):
            Option.objects.create(question=question, text=option_text, is_correct=correct, position=n)
    return course


@pytest.fixture
def trial_ended(db) -> User:
    user = make_member("ended@example.org", "Erin Ended")
    user.trial_ends_at = timezone.now() - timedelta(days=1)
    user.save(update_fields=["trial_ends_at"])
    return user
