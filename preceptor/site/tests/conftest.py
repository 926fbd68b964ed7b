"""The seeded demo for the tests that walk every URL (``pages.py``)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from preceptor.site.tests.pages import _seed


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded demo, in a transaction of its own that is rolled back after the module; each test runs in a
    savepoint inside it (pytest-django's ``db``)."""
    media_root = tmp_path_factory.mktemp("get-is-safe") / "media"
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=media_root, PASSWORD_HASHERS=fast, REQUEST_LOG_BACKGROUND=False),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            seeded = _seed(media_root)
            seeded.objects["media_root"] = media_root
            yield seeded
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
