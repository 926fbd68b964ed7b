"""Celery application. Without CELERY_BROKER_URL tasks run eagerly in-process (settings)."""

import os

from celery import Celery

import preceptor.core.worker  # noqa: F401 -- connects its worker_ready handler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")

app = Celery("preceptor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
