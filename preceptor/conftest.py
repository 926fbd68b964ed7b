"""The shared cast: a trial learner, a Pro member, a teacher, a staff member and an outsider."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.accounts.services import account_create, complimentary_pro_grant, teacher_role_set

PASSWORD = "correct-horse-battery-staple"


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
