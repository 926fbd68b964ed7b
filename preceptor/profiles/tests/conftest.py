"""The fake Facebook (``accounts/tests/social.py``) as a fixture for the profile-photo tests."""

from preceptor.accounts.tests.social import facebook  # noqa: F401 - a pytest fixture
