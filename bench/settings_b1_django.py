"""B1's reference: the same trivial view behind Django's own default middleware (the seven ``startproject``
writes), with none of Preceptor's. Printed beside B1 with no goal of its own, so that each run shows what
Django's stack alone costs on that machine (decision 0040)."""

from bench.settings_b0 import *  # noqa: F403 -- B0's settings (allauth without its middleware), then the stack

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
