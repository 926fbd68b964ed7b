"""B1: the same trivial view behind Preceptor's full middleware stack."""

from preceptor.config.settings import *  # noqa: F403 -- the project's settings, then the bench's changes

ROOT_URLCONF = "bench.urls"
