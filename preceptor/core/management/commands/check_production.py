"""``manage.py check_production``: are the settings fit for a production start? ``make check-prod`` runs it, with
the deployment's environment file, before ``check --deploy``.

Django's deploy checks look at the security settings; this looks at what a production instance of Preceptor
needs besides: a real signing key, its host names, PostgreSQL, Redis for the cache and the broker (or an explicit
single-process install), a mail server, and an https ``SITE_URL`` for the links in e-mails. Each problem is
printed with the variable to set; the exit status is 1 when there is one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http.request import validate_host

# The example environment file (deploy/preceptor.env.example) marks every value a deployer must choose with this.
PLACEHOLDER = "CHANGE-ME"
DEMO_VAT_ID = "DE000000000"
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def production_problems(
    conf: Any, environ: Mapping[str, str], *, single_process: bool = False
) -> list[str]:  # conf: django.conf.settings, or any object with the same attributes (tests)
    """What stops ``conf`` from being a production configuration, one sentence per problem (empty: none)."""
    problems: list[str] = []
    if conf.DEBUG:
        problems.append("DEBUG is on: set DEBUG=0 (debug pages show settings and source code to anyone).")

    key = str(conf.SECRET_KEY)
    if key.startswith(("insecure", "django-insecure")):
        problems.append("SECRET_KEY is the development key: set a long random one.")
    elif len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        problems.append(
            f"SECRET_KEY is too short or too plain (at least {SECRET_KEY_MIN_LENGTH} characters, "
            f'{SECRET_KEY_MIN_UNIQUE} different): python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )

    hosts = list(conf.ALLOWED_HOSTS)
    if not hosts:
        problems.append("ALLOWED_HOSTS is empty: set the site's host name, e.g. ALLOWED_HOSTS=cme.example.org.")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS contains '*': name the site's host names instead.")

    engine = conf.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        problems.append(
            f"DATABASE_URL does not name PostgreSQL (engine {engine}): "
            "set DATABASE_URL=postgres://user:password@host:5432/preceptor."
        )

    if single_process:
        workers = environ.get("GUNICORN_WORKERS", "").strip()
        if conf.REDIS_URL or conf.CELERY_BROKER_URL:
            problems.append(
                "--single-process was given, but REDIS_URL or CELERY_BROKER_URL is set: drop the option, or both."
            )
        elif workers != "1":
            problems.append(
                "Single process: set GUNICORN_WORKERS=1 (without Redis each worker keeps its own cache and rate "
                "limits), and run the periodic jobs from cron (README, production recipe)."
            )
    else:
        if not conf.REDIS_URL:
            problems.append(
                "REDIS_URL is not set: the cache, the rate limits and the cached sessions would be per process. "
                "Set REDIS_URL=redis://host:6379/0, or run check_production --single-process for a one-process install."
            )
        if not conf.CELERY_BROKER_URL:
            problems.append(
                "CELERY_BROKER_URL is not set: e-mail and other tasks would run inside the requests and nothing "
                "periodic would run. Set CELERY_BROKER_URL=redis://host:6379/1 and start the worker and beat "
                "(deploy/systemd/), or run check_production --single-process."
            )

    if conf.MEDIA_DELIVERY == "stream":
        problems.append(
            "MEDIA_DELIVERY is stream: every video, recording and handout would hold a gunicorn worker while it is "
            "sent. Set MEDIA_DELIVERY=x-accel (with the nginx site's /protected-media/ location), or S3_BUCKET for "
            "object storage (README, Object storage)."
        )

    if conf.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        backend = conf.EMAIL_BACKEND.rsplit(".", 2)[-2]
        problems.append(
            f"EMAIL_URL does not name a mail server (the {backend} back end sends nothing): "
            "set EMAIL_URL=smtp+tls://user:password@smtp.example.org:587."
        )

    site = urlsplit(conf.SITE_URL)
    if site.scheme != "https" or not site.hostname:
        problems.append(f"SITE_URL must be the site's https address (links in e-mails); got {conf.SITE_URL!r}.")
    elif hosts and not validate_host(site.hostname, hosts):
        problems.append(f"SITE_URL's host {site.hostname} is not in ALLOWED_HOSTS.")

    if conf.SECURE_SSL_REDIRECT and not conf.SECURE_PROXY_SSL_HEADER:
        problems.append(
            "BEHIND_TLS_PROXY is off: behind the nginx site (which terminates TLS) every request would be "
            "redirected to https again and again. Set BEHIND_TLS_PROXY=1."
        )

    if "(demo)" in conf.BILLING_SELLER_NAME or conf.BILLING_SELLER_VAT_ID == DEMO_VAT_ID:
        problems.append(
            "BILLING_SELLER_NAME, BILLING_SELLER_ADDRESS and BILLING_SELLER_VAT_ID are the demo company's: "
            "set the seller that invoices name (copied into each invoice when it is issued)."
        )

    journal, base = getattr(conf, "ERASURE_JOURNAL", None), getattr(conf, "BASE_DIR", None)
    if journal is not None and base is not None and Path(journal).resolve().is_relative_to(Path(base).resolve()):
        problems.append(
            f"ERASURE_JOURNAL is inside the application's directory ({journal}), which the services may not write "
            "and a new release replaces: set ERASURE_JOURNAL=/var/lib/preceptor/erasure-journal/erasures.jsonl "
            "(README, Backups)."
        )

    placeholders = sorted(name for name, value in environ.items() if PLACEHOLDER in value)
    if placeholders:
        problems.append(f"Still the example's {PLACEHOLDER}: {', '.join(placeholders)}.")
    return problems


class Command(BaseCommand):
    help = (
        "Check that the settings are fit for a production start: DEBUG off, a real SECRET_KEY, ALLOWED_HOSTS, "
        "PostgreSQL, Redis for cache and broker, a mail server, an https SITE_URL. Exit status 1 on a problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--single-process",
            action="store_true",
            help="A one-process install without Redis and Celery (one gunicorn worker, periodic jobs from cron).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = production_problems(settings, os.environ, single_process=options["single_process"])
        for problem in problems:
            self.stderr.write(f"- {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s): not ready for production.")
        self.stdout.write("Production settings: no problems found.")
