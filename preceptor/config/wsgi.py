import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "preceptor.config.settings")

application = get_wsgi_application()
# The URLconf, and every view module it imports (ReportLab's among them), is loaded as the worker starts rather
# than by its first request: a gunicorn worker is replaced every GUNICORN_MAX_REQUESTS requests, and each first
# request paid about 0.3 s for it (decision 0040).
get_resolver()._populate()  # Django's own way to build the lookups ahead of a request
