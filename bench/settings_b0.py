"""B0: the bare view with no middleware at all (the denominator)."""

from preceptor.config.settings import *  # noqa: F403 -- the project's settings, then the bench's changes

MIDDLEWARE = []
ROOT_URLCONF = "bench.urls"
# allauth refuses to start without its middleware, and the accounts app imports allauth's models when it starts:
# allauth stays installed, without that check (bench/apps.py).
INSTALLED_APPS = [
    "bench.apps.AccountWithoutMiddlewareConfig" if app == "allauth.account" else app
    for app in INSTALLED_APPS  # noqa: F405 - from the star import
]
