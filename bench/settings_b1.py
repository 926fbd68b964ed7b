"""B1: the same trivial view behind Preceptor's full middleware stack."""

from preceptor.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
