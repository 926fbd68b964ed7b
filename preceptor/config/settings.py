"""Preceptor settings: one file, read from the environment.

With no environment at all the service boots for development: SQLite in WAL mode, Celery tasks run
in-process, e-mail printed to the console. Production sets ``DEBUG=0`` and ``SECRET_KEY`` at least; see
``.env.example`` and the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from preceptor.config.env import email_settings, env_bool, env_int, env_list, env_str, social_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105 - never used with DEBUG off

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = "Preceptor"
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # absolute links in e-mails sent from tasks

INSTALLED_APPS = [
    "preceptor.core.admin_site.PreceptorAdminConfig",  # django.contrib.admin, branded and grouped
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",  # sign-in with Facebook, Google or an institution's OpenID Connect server
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",  # an organisation's SAML 2.0 identity provider (teams, decision 0042)
    # Preceptor's apps, bottom layer first (docs/architecture.md; lint-imports enforces the order).
    "preceptor.core",
    "preceptor.accounts",
    "preceptor.privacy",
    "preceptor.profiles",
    "preceptor.mail",
    "preceptor.analytics",
    "preceptor.billing",
    "preceptor.catalog",
    "preceptor.quizzes",
    "preceptor.classes",
    "preceptor.magazine",
    "preceptor.support",
    "preceptor.cme",
    "preceptor.teams",
    "preceptor.site",
    "preceptor.demo",
]

MIDDLEWARE = [
    "preceptor.analytics.middleware.RequestLogMiddleware",
    # 413 before anything reads an oversized body, 400 for a NUL in the path, query or cookies, the CSP and
    # Permissions-Policy headers, the end of a database outage logged (core/middleware.py, one layer: decision 0040)
    "preceptor.core.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware, with a signed-in member's saved language and time zone (decision 0040)
    "preceptor.accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "preceptor.privacy.middleware.ConsentMiddleware",
    "preceptor.core.middleware.LazyMessageMiddleware",  # Django's, building the storage only when used
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "preceptor.accounts.middleware.StaffMfaMiddleware",
]

ROOT_URLCONF = "preceptor.config.urls"
WSGI_APPLICATION = "preceptor.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "preceptor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "preceptor.core.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite (WAL, IMMEDIATE transactions) unless DATABASE_URL is set -----------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Connections are kept for DATABASE_CONN_MAX_AGE seconds (bench S1: 129 requests/s, p95 230 ms, against 72/s
    # and 406 ms with a new connection per request). A kept connection to a frozen server gives up after
    # DATABASE_ANSWER_TIMEOUT (below); a new one after DATABASE_CONNECT_TIMEOUT (decision 0022). /healthz uses
    # connections of its own with a bound either way.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that hangs must not hang every request (decision 0022): connecting gives up after
        # DATABASE_CONNECT_TIMEOUT seconds, a statement after DATABASE_STATEMENT_TIMEOUT_MS (0: no limit).
        STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
        DATABASES["default"]["OPTIONS"] = {
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5, minimum=1),
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            **DATABASES["default"].get("OPTIONS", {}),
        }
        # A server that answers nothing at all (frozen) cannot end a statement: the client stops waiting a little
        # after the statement timeout and closes the connection (core/database.py). 0 or none: no bound.
        DATABASE_ANSWER_TIMEOUT = STATEMENT_TIMEOUT_MS / 1000 + 5 if STATEMENT_TIMEOUT_MS else None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    # Connections are kept (below), so the write-ahead log is rarely deleted on the last close:
                    # it is cut back to 64 MB after each checkpoint instead of keeping its largest size.
                    "PRAGMA journal_size_limit=67108864;"
                ),
            },
            # Kept open between requests, as on PostgreSQL: opening one (its PRAGMAs, the functions Django
            # registers on it) cost each page 2.5–4 ms in process (decision 0040).
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
            "CONN_HEALTH_CHECKS": True,
            # A file, not shared-cache memory, so browser tests' live server and the test share WAL locking;
            # SQLITE_TEST_PATH lets two test runs on one checkout keep apart.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or str(BASE_DIR / ".test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions: local memory unless REDIS_URL is set ---------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Redis away (stopped, restarting, hanging) is a cache miss, not an error: pages and cached_db sessions fall back to
# the database, failures are remembered REDIS_RETRY_SECONDS and logged once a minute (core/cache.py, decision 0022).
REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT_MS", 500, minimum=1) / 1000
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "preceptor.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
            "RETRY_SECONDS": env_int("REDIS_RETRY_SECONDS", 5, minimum=0),
        }
    }
    SESSION_ENGINE = "preceptor.core.sessions.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "preceptor.core.sessions.db"

# --- Background work: eager in-process unless CELERY_BROKER_URL is set ------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")


def _redis_database(url: str) -> tuple[str | None, int, str]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or 6379, parts.path.strip("/") or "0"


if (
    REDIS_URL
    and CELERY_BROKER_URL.startswith("redis")
    and _redis_database(REDIS_URL) == _redis_database(CELERY_BROKER_URL)
):
    # The cache is cleared after a Redis outage (FLUSHDB, core/cache.py): in the broker's database it would drop the
    # queued tasks.
    raise ImproperlyConfigured("REDIS_URL and CELERY_BROKER_URL must name different Redis databases (e.g. /0 and /1).")

CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task is removed from the queue when it has run, not when a worker took it
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a pool child killed mid-task (SIGKILL, OOM): the task is queued again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Time limits: the longest task (a data export, a certificate batch) ends well within them; a task past the soft
# limit gets SoftTimeLimitExceeded, past the hard one its process is killed.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30 if CELERY_TASK_TIME_LIMIT > 60 else CELERY_TASK_TIME_LIMIT
# Redis hands an unacknowledged task to another worker after the visibility timeout (a worker killed mid-task):
# longer than the hard time limit, so no running task is handed out twice; short enough to retry within minutes.
# Socket timeouts: a hanging broker fails a publish in seconds (the worker's blocking pop waits 1 s, less than these).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# A task that cannot be queued is kept in the database (core/outbox.py) instead of retrying inside the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_OUTBOX_SECONDS = env_int("CELERY_OUTBOX_SECONDS", 60, minimum=5)  # beat sends the outbox this often
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "trial-ending-reminders": {"task": "preceptor.billing.tasks.trial_ending_reminders", "schedule": 6 * 3600},
    "erasures-due": {"task": "preceptor.privacy.tasks.erasures_due_task", "schedule": 3600},
    "retention": {"task": "preceptor.privacy.tasks.retention_task", "schedule": 24 * 3600},
    "class-reminders": {"task": "preceptor.classes.tasks.class_reminders_task", "schedule": 300},
    "assignment-reminders": {"task": "preceptor.teams.tasks.assignment_reminders_task", "schedule": 3600},
    "outbox": {"task": "preceptor.core.tasks.outbox_send_task", "schedule": CELERY_OUTBOX_SECONDS},
    "newsletters-due": {"task": "preceptor.mail.tasks.newsletters_due_task", "schedule": 60},
}

# --- E-mail ----------------------------------------------------------------------------------------
_email = email_settings(env_str("EMAIL_URL"))
EMAIL_BACKEND = str(_email.pop("EMAIL_BACKEND"))
globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Preceptor <no-reply@preceptor.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "support@preceptor.localhost")
NEWSLETTER_BATCH_SIZE = env_int("NEWSLETTER_BATCH_SIZE", 100, minimum=1)  # recipients per Celery task
# Bounce and complaint webhooks (/mail/webhooks/bounces/, /mail/webhooks/postmark/): off while empty.
MAIL_WEBHOOK_SECRET = env_str("MAIL_WEBHOOK_SECRET")

# --- Support desk (preceptor/support, docs/support-inbound.md) ----------------------------------------------
# Replies thread by the signed address support+<ticket>.<signature>@SUPPORT_REPLY_DOMAIN (default: the domain of
# SUPPORT_EMAIL). The inbound webhook (/support/webhooks/postmark/) is off (404) while its secret is empty.
SUPPORT_REPLY_DOMAIN = env_str("SUPPORT_REPLY_DOMAIN") or SUPPORT_EMAIL.rpartition("@")[2]
SUPPORT_INBOUND_SECRET = env_str("SUPPORT_INBOUND_SECRET")
SUPPORT_FIRST_RESPONSE_HOURS = env_int("SUPPORT_FIRST_RESPONSE_HOURS", 24, minimum=1)
SUPPORT_ATTACHMENT_MAX_BYTES = env_int("SUPPORT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
SUPPORT_ATTACHMENTS_PER_MESSAGE = env_int("SUPPORT_ATTACHMENTS_PER_MESSAGE", 3, minimum=1)
# File types accepted (by extension, and checked against the content): PDF, PNG, JPEG, plain text.
SUPPORT_ATTACHMENT_TYPES = env_list("SUPPORT_ATTACHMENT_TYPES", ["pdf", "png", "jpg", "jpeg", "txt"])
# ClamAV: attachments are scanned (clamd INSTREAM) when a socket or a host is set, and refused when infected.
CLAMD_SOCKET = env_str("CLAMD_SOCKET")
CLAMD_HOST = env_str("CLAMD_HOST")
CLAMD_PORT = env_int("CLAMD_PORT", 3310, minimum=1)
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 30, minimum=1)

# --- BigBlueButton (live classes); without it, each class's plain meeting address is used --------------
BBB_URL = env_str("BBB_URL")  # e.g. https://bbb.example.org/bigbluebutton
BBB_SECRET = env_str("BBB_SECRET")

# --- Accounts --------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "site:home"  # "My learning"
TRIAL_DAYS = env_int("TRIAL_DAYS", 7, minimum=0)
MINIMUM_AGE = 13
CATALOG_CACHE_SECONDS = env_int(
    "CATALOG_CACHE_SECONDS", 60, minimum=0
)  # shared course content; staff see edits at once
# A signed-in member's course, lesson, catalogue and home pages are kept rendered until a write changes what they
# show (core/pagecache.py, decision 0043); this bounds what changes with time alone (a trial's end). 0: none kept.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60, minimum=0)
TRIAL_FREE_LESSONS = env_int("TRIAL_FREE_LESSONS", 1, minimum=0)  # first lessons of every course open to all members
# Magazine comments: a member's first comment waits for a moderator; more links than this hold a comment too;
# this many open reports hide a comment until a moderator decides.
MAGAZINE_HOLD_FIRST_COMMENT = env_bool("MAGAZINE_HOLD_FIRST_COMMENT", True)
MAGAZINE_MAX_LINKS = env_int("MAGAZINE_MAX_LINKS", 2, minimum=0)
MAGAZINE_REPORTS_TO_HIDE = env_int("MAGAZINE_REPORTS_TO_HIDE", 3, minimum=1)

ACCOUNT_ADAPTER = "preceptor.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "preceptor.accounts.forms.SignupForm",
    "login": "preceptor.accounts.forms.LoginForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_USER_DISPLAY = "preceptor.accounts.models.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # confirming right after signing up signs in: on to "My learning"
ACCOUNT_SESSION_REMEMBER = None  # ask: "Remember me" ticked → persistent cookie, else browser-session cookie
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Tell the member by e-mail when their password, address or two-factor sign-in changes (templates/account/email/,
# templates/mfa/email/: our wording, in the member's language).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed sign-ins: 10 a minute per IP, 5 per 5 minutes per e-mail address; re-entering the password (before
# deleting the account, for instance): 5 per 5 minutes per member; the other limits keep allauth defaults.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key", "reauthenticate": "5/300s/user"}

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes; optional for members.
# WebAuthn is left off: it needs allauth's scripts and a secure origin; TOTP covers staff (decision 0014).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff must have an authenticator and have passed it in this session before /staff/ and /admin/ open.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", not DEBUG)

# Social sign-in (allauth.socialaccount, decision 0036): a provider is on when its client id and secret are set,
# half-configured stops the start. No provider is needed for the demo (``make run``).
SOCIALACCOUNT_ADAPTER = "preceptor.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "preceptor.accounts.forms.SocialSignupForm"}
SOCIALACCOUNT_STORE_TOKENS = False  # the provider's access token is used once, during the sign-in, never kept
SOCIALACCOUNT_AUTO_SIGNUP = False  # a new member always sees the sign-up form: name, age check, what is shown
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an account with the same address is never signed in by a provider
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider is started by a POST from our page (CSRF-protected), not a link
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = social_providers()
# Which providers are on, for the processors register (core/processors.py); the secrets stay in the dict above.
FACEBOOK_CLIENT_ID = env_str("FACEBOOK_CLIENT_ID")
GOOGLE_CLIENT_ID = env_str("GOOGLE_CLIENT_ID")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_NAME = env_str("OIDC_NAME")

# --- Billing: a provider is on when all its settings are given; half-configured stops the start ------
BILLING_DEMO = env_bool("BILLING_DEMO", True)  # the labelled demo checkout, only ever while DEBUG is on
BILLING_PAST_DUE_GRACE_DAYS = env_int("BILLING_PAST_DUE_GRACE_DAYS", 7, minimum=0)
# The seller on every invoice (copied into each invoice when issued); the address's lines separated by " · ".
BILLING_SELLER_NAME = env_str("BILLING_SELLER_NAME", "Preceptor Medical Education GmbH (demo)")
BILLING_SELLER_ADDRESS = env_str("BILLING_SELLER_ADDRESS", "Example Street 1 · 10115 Berlin · Germany")
BILLING_SELLER_VAT_ID = env_str("BILLING_SELLER_VAT_ID", "DE000000000")
BILLING_VAT_PERCENT = env_int("BILLING_VAT_PERCENT", 19, minimum=0)  # included in every price
# Who sends the e-mail, with postal address: the footer of every e-mail (marketing e-mail must carry one).
SITE_ADDRESS = env_str("SITE_ADDRESS", f"{BILLING_SELLER_NAME} · {BILLING_SELLER_ADDRESS}")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # tests: a local fake (localstripe)
# An organisation may pay its licence by invoice and bank transfer: the account it pays to, as printed on the
# invoice page (lines separated by "|"). Empty: not offered.
BANK_TRANSFER_DETAILS = env_str("BANK_TRANSFER_DETAILS")
PAYPAL_CLIENT_ID = env_str("PAYPAL_CLIENT_ID")
PAYPAL_CLIENT_SECRET = env_str("PAYPAL_CLIENT_SECRET")
PAYPAL_WEBHOOK_ID = env_str("PAYPAL_WEBHOOK_ID")
PAYPAL_API_BASE = env_str("PAYPAL_API_BASE", "https://api-m.sandbox.paypal.com")

# --- Log data and statistics ------------------------------------------------------------------------
REQUEST_LOG_ENABLED = env_bool("REQUEST_LOG_ENABLED", True)
REQUEST_LOG_BACKGROUND = env_bool("REQUEST_LOG_BACKGROUND", True)  # tests write the buffer themselves

# --- Privacy: processors register (core/processors.py) and retention periods (each app's privacy.py) ----
HOSTING_PROVIDER = env_str("HOSTING_PROVIDER")  # the hosting company's name, as the policy should name it
PRIVACY_PROCESSORS = env_str("PRIVACY_PROCESSORS")  # JSON: {"hosting": {"country": "Germany", "contact": "…"}}
RETENTION_REQUEST_LOG_DAYS = env_int("RETENTION_REQUEST_LOG_DAYS", 365, minimum=1)
RETENTION_DOMAIN_EVENTS_MONTHS = env_int("RETENTION_DOMAIN_EVENTS_MONTHS", 25, minimum=1)
RETENTION_EMAIL_EVENTS_MONTHS = env_int("RETENTION_EMAIL_EVENTS_MONTHS", 12, minimum=1)
RETENTION_SUPPORT_TICKETS_MONTHS = env_int("RETENTION_SUPPORT_TICKETS_MONTHS", 24, minimum=1)  # after closing
RETENTION_TEAM_INVITATIONS_DAYS = env_int("RETENTION_TEAM_INVITATIONS_DAYS", 30, minimum=1)  # after accepted/expired
RETENTION_NEWSLETTER_DELIVERIES_MONTHS = env_int("RETENTION_NEWSLETTER_DELIVERIES_MONTHS", 24, minimum=1)
# An erased address stays on the suppression list (as a keyed hash) this long: no unasked mail to it meanwhile.
RETENTION_SUPPRESSION_YEARS = env_int("RETENTION_SUPPRESSION_YEARS", 10, minimum=1)
RETENTION_DATA_REQUESTS_YEARS = env_int("RETENTION_DATA_REQUESTS_YEARS", 3, minimum=1)
RETENTION_VISITOR_CONSENT_YEARS = env_int("RETENTION_VISITOR_CONSENT_YEARS", 3, minimum=1)
RETENTION_OUTBOX_DAYS = env_int("RETENTION_OUTBOX_DAYS", 30, minimum=1)
RETENTION_AFTER_ERASURE_YEARS = env_int("RETENTION_AFTER_ERASURE_YEARS", 3, minimum=1)  # proof of consent, requests
RETENTION_ACCOUNTING_YEARS = env_int("RETENTION_ACCOUNTING_YEARS", 7, minimum=1)  # receipts, invoices, orders
RETENTION_AUDIT_YEARS = env_int("RETENTION_AUDIT_YEARS", 7, minimum=1)  # as long as the longest record audited
RETENTION_DISCLOSURES_YEARS = env_int("RETENTION_DISCLOSURES_YEARS", 7, minimum=1)

# --- Third-party tags: each is rendered only when set here and its purpose is granted -------------------
GA_MEASUREMENT_ID = env_str("GA_MEASUREMENT_ID")
HOTJAR_SITE_ID = env_str("HOTJAR_SITE_ID")
GOOGLE_ADS_ID = env_str("GOOGLE_ADS_ID")
META_PIXEL_ID = env_str("META_PIXEL_ID")
META_CAPI_TOKEN = env_str("META_CAPI_TOKEN")  # server-side conversions; with META_PIXEL_ID
META_CAPI_URL = env_str("META_CAPI_URL")  # default: Meta's Graph API endpoint for the pixel
GOOGLE_ADS_CONVERSIONS_URL = env_str("GOOGLE_ADS_CONVERSIONS_URL")
GOOGLE_ADS_TOKEN = env_str("GOOGLE_ADS_TOKEN")

# --- Sessions and cookies --------------------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # "remember me" keeps you signed in for 30 days
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG

# --- Security headers ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)  # trust X-Forwarded-Proto/-For from our own proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# How many proxies of ours append to X-Forwarded-For: the client's address is that many entries from the right
# (core.network.client_ip, used by sign-in throttling, rate limits and the request log).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1) if BEHIND_TLS_PROXY else 0
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD or DEBUG else ["security.W021"]
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "frame-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# --- Internationalisation --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "preceptor" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / ".staticfiles")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# The erasure journal (decision 0034): every erasure, as keyed hashes only, appended to a file outside the database so
# that `manage.py replay_erasures` can erase again whoever an older backup brings back. Keep it off the database's
# disk and copy it off the machine with the backups, never into the database being restored.
ERASURE_JOURNAL = Path(env_str("ERASURE_JOURNAL") or BASE_DIR / "var" / "erasure-journal.jsonl")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "preceptor.core.storage.LocalStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads (videos, recordings, handouts, photos, covers) stay on the local disk (MEDIA_ROOT) unless S3_BUCKET names
# an S3-compatible bucket (AWS S3, MinIO, Ceph…; README, "Object storage"). The views that check access send the
# file in one of three ways (core.http.media_response, decision 0038):
#   stream     the application streams it, with range requests (the default on local disk: `make run`);
#   x-accel    nginx sends it from MEDIA_ROOT after the view answered "X-Accel-Redirect: /protected-media/…";
#   signed-url the browser is redirected to a link to the bucket, signed for MEDIA_LINK_SECONDS (with S3_BUCKET).
S3_BUCKET = env_str("S3_BUCKET")
MEDIA_LINK_SECONDS = env_int("MEDIA_LINK_SECONDS", 300, minimum=10)
MEDIA_ACCEL_PREFIX = "/protected-media/"
MEDIA_DELIVERY = env_str("MEDIA_DELIVERY") or ("signed-url" if S3_BUCKET else "stream")
if MEDIA_DELIVERY not in ("stream", "x-accel", "signed-url"):
    raise ImproperlyConfigured(f"MEDIA_DELIVERY must be stream, x-accel or signed-url; got {MEDIA_DELIVERY!r}")
if (MEDIA_DELIVERY == "signed-url") != bool(S3_BUCKET):
    raise ImproperlyConfigured("MEDIA_DELIVERY=signed-url goes with S3_BUCKET (object storage), and only with it")
if S3_BUCKET:
    S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")  # empty: AWS itself, in S3_REGION
    S3_REGION = env_str("S3_REGION") or "us-east-1"
    STORAGES["default"] = {
        "BACKEND": "preceptor.core.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "addressing_style": "path" if S3_ENDPOINT_URL else "virtual",
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": MEDIA_LINK_SECONDS,
            "file_overwrite": False,
        },
    }
    # The browser follows the signed links to the bucket: its origin joins the policy for images and media.
    _bucket_origin = (
        "{0.scheme}://{0.netloc}".format(urlsplit(S3_ENDPOINT_URL))
        if S3_ENDPOINT_URL
        else f"https://{S3_BUCKET}.s3.{S3_REGION}.amazonaws.com"
    )
    CONTENT_SECURITY_POLICY["img-src"].append(_bucket_origin)
    CONTENT_SECURITY_POLICY["media-src"].append(_bucket_origin)
FORMS_URLFIELD_ASSUME_HTTPS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Request bodies: small everywhere, larger only where files are uploaded (README, "Production recipe") ----
# RequestGuardMiddleware answers 413 to a Content-Length above the route's limit before the body is read.
# REQUEST_BODY_LIMITS maps URL names (shell-style patterns, as ``reverse`` names them) to their own limit; the
# reverse proxy's client_max_body_size must match per location.
_mb = 1024 * 1024
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_MB", 1, minimum=1) * _mb  # every form, webhook and JSON post
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES  # the same cap on the non-file fields Django reads
_admin_upload = env_int("ADMIN_UPLOAD_MAX_MB", 2048, minimum=1) * _mb
REQUEST_BODY_LIMITS = {
    "profiles:edit": env_int("PHOTO_UPLOAD_MAX_MB", 6, minimum=1) * _mb,  # profile photo (AVATAR_MAX_BYTES + form)
    "classes:recording": env_int("RECORDING_UPLOAD_MAX_MB", 2048, minimum=1) * _mb,  # staff: a class's recording
    "admin:*_add": _admin_upload,  # the admin's add and change pages: course media (videos, files, handouts)
    "admin:*_change": _admin_upload,
    # Support: one attachment on the web forms; Postmark's inbound JSON carries every attachment in base64 (4/3).
    "support:contact": SUPPORT_ATTACHMENT_MAX_BYTES + _mb,
    "support:ticket_reply": SUPPORT_ATTACHMENT_MAX_BYTES + _mb,
    "support:staff_reply": SUPPORT_ATTACHMENT_MAX_BYTES + _mb,
    "support:webhook_postmark": SUPPORT_ATTACHMENT_MAX_BYTES * SUPPORT_ATTACHMENTS_PER_MESSAGE * 4 // 3 + _mb,
}
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 400

# --- Logging: to stderr; never the bodies of forms ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Password-reset keys, mail tokens and the like become [redacted] in every record that prints a request path:
    # on the loggers that print paths (so every handler, also a test's, gets the redacted record) and on stderr.
    "filters": {
        "secrets": {"()": "preceptor.core.redaction.SecretsFilter"},
        "database_outage": {"()": "preceptor.core.errors.DatabaseOutageFilter"},  # logged once a minute instead
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},  # its debug lines print request addresses (a Graph API call's token)
        "django.request": {"filters": ["secrets", "database_outage"]},
        "django.server": {"filters": ["secrets"]},
        "django.security.csrf": {"filters": ["secrets"]},
    },
}
