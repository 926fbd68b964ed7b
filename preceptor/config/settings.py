"""Preceptor settings: one file, read from the environment.

With no environment at all the service boots for development: SQLite in WAL mode, Celery tasks run
in-process, e-mail printed to the console. Production sets ``DEBUG=0`` and ``SECRET_KEY`` at least; see
``.env.example`` and the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from preceptor.config.env import email_settings, env_bool, env_int, env_list, env_str

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
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
    "preceptor.cme",
    "preceptor.site",
    "preceptor.demo",
]

MIDDLEWARE = [
    "preceptor.analytics.middleware.RequestLogMiddleware",
    "preceptor.core.middleware.RequestBodyLimitMiddleware",  # 413 before anything reads an oversized body
    "preceptor.core.middleware.NulRefusalMiddleware",  # 400 for a NUL in the path or query string
    "django.middleware.security.SecurityMiddleware",
    "preceptor.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "preceptor.core.middleware.TimezoneMiddleware",
    "preceptor.privacy.middleware.ConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
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
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
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
                ),
            },
            # A file, not shared-cache memory, so browser tests' live server and the test share WAL locking;
            # SQLITE_TEST_PATH lets two test runs on one checkout keep apart.
            "TEST": {"NAME": env_str("SQLITE_TEST_PATH") or str(BASE_DIR / ".test-db.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions: local memory unless REDIS_URL is set ---------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work: eager in-process unless CELERY_BROKER_URL is set ------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "trial-ending-reminders": {"task": "preceptor.billing.tasks.trial_ending_reminders", "schedule": 6 * 3600},
    "erasures-due": {"task": "preceptor.privacy.tasks.erasures_due_task", "schedule": 3600},
    "retention": {"task": "preceptor.privacy.tasks.retention_task", "schedule": 24 * 3600},
    "class-reminders": {"task": "preceptor.classes.tasks.class_reminders_task", "schedule": 300},
}

# --- E-mail ----------------------------------------------------------------------------------------
_email = email_settings(env_str("EMAIL_URL"))
EMAIL_BACKEND = str(_email.pop("EMAIL_BACKEND"))
globals().update(_email)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Preceptor <no-reply@preceptor.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "support@preceptor.localhost")

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
LOGIN_REDIRECT_URL = "accounts:account"
TRIAL_DAYS = env_int("TRIAL_DAYS", 7, minimum=0)
MINIMUM_AGE = 13
CATALOG_CACHE_SECONDS = env_int(
    "CATALOG_CACHE_SECONDS", 60, minimum=0
)  # shared course content; staff see edits at once
TRIAL_FREE_LESSONS = env_int("TRIAL_FREE_LESSONS", 1, minimum=0)  # first lessons of every course open to all members

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
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_SESSION_REMEMBER = None  # ask: "Remember me" ticked → persistent cookie, else browser-session cookie
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Preceptor] "
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

# --- Billing: a provider is on when all its settings are given; half-configured stops the start ------
BILLING_DEMO = env_bool("BILLING_DEMO", True)  # the labelled demo checkout, only ever while DEBUG is on
BILLING_PAST_DUE_GRACE_DAYS = env_int("BILLING_PAST_DUE_GRACE_DAYS", 7, minimum=0)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # tests: a local fake (localstripe)
PAYPAL_CLIENT_ID = env_str("PAYPAL_CLIENT_ID")
PAYPAL_CLIENT_SECRET = env_str("PAYPAL_CLIENT_SECRET")
PAYPAL_WEBHOOK_ID = env_str("PAYPAL_WEBHOOK_ID")
PAYPAL_API_BASE = env_str("PAYPAL_API_BASE", "https://api-m.sandbox.paypal.com")

# --- Log data and statistics ------------------------------------------------------------------------
REQUEST_LOG_ENABLED = env_bool("REQUEST_LOG_ENABLED", True)
REQUEST_LOG_BACKGROUND = env_bool("REQUEST_LOG_BACKGROUND", True)  # tests write the buffer themselves

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Request bodies: small everywhere, larger only where files are uploaded (README, "Production recipe") ----
# RequestBodyLimitMiddleware answers 413 to a Content-Length above the route's limit before the body is read.
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
    "filters": {"secrets": {"()": "preceptor.core.redaction.SecretsFilter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["secrets"]}},
    "root": {"handlers": ["stderr"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        "django.request": {"filters": ["secrets"]},
        "django.server": {"filters": ["secrets"]},
        "django.security.csrf": {"filters": ["secrets"]},
    },
}
