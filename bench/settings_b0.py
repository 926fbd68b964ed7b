"""B0: the bare view with no middleware at all (the denominator)."""

from preceptor.config.settings import *  # noqa: F403

MIDDLEWARE = []
ROOT_URLCONF = "bench.urls"
# allauth refuses to start without its middleware; the bare view needs neither.
INSTALLED_APPS = [app for app in INSTALLED_APPS if not app.startswith("allauth")]  # noqa: F405
