"""The shared cast: a trial learner, a Pro member, a teacher, a staff member and an outsider."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create, complimentary_pro_grant, teacher_role_set

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test fixture


@pytest.fixture(autouse=True)
def _fast_hashing_and_isolated_media(settings, tmp_path):
    # Argon2 is deliberately slow; tests that are about hashing switch it back on.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits (login throttling) live in the cache; every test starts with a clean slate.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
    return make_member("staff@example.org", "Sam Staff", is_staff=True, is_superuser=True)


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
    """Each call opens a fresh browser context (its own cookies): a separate visitor."""
    contexts = []
    request.node._pages = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        request.node._pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()
