"""The fake sign-in providers (``social.py``) as fixtures for this folder's tests."""

from preceptor.accounts.tests.social import facebook, oidc  # noqa: F401 - pytest fixtures
