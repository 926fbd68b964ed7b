"""Small typed readers for the environment (12-factor settings).

Each helper returns a typed value or raises ``ImproperlyConfigured`` with the variable's name, so a typo in
production fails at start instead of quietly falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def email_settings(url: str) -> dict[str, object]:
    """Turn an ``EMAIL_URL`` into Django e-mail settings.

    Supported: ``console:``, ``locmem:``, ``dummy:``, ``file:///path``, ``smtp://user:pass@host:port``,
    ``smtp+tls://…`` (STARTTLS, default port 587) and ``smtp+ssl://…`` (implicit TLS, default port 465).
    """
    if not url:
        url = "console:"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    simple = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in simple:
        return {"EMAIL_BACKEND": simple[scheme]}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file: needs a directory, e.g. file:///var/mail/preceptor")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(Path(unquote(parts.path))),
        }
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL needs a host, e.g. smtp+tls://user:pass@mail.example.com")
        default_port = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}[scheme]
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or default_port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
            "EMAIL_TIMEOUT": int(query.get("timeout", ["10"])[0]),
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL scheme {scheme!r} is not supported (console, locmem, dummy, file, smtp, smtp+tls, smtp+ssl)"
    )


def _pair(prefix: str) -> tuple[str, str]:
    """``<prefix>_CLIENT_ID`` and ``<prefix>_CLIENT_SECRET``: both or neither."""
    client_id, secret = env_str(f"{prefix}_CLIENT_ID"), env_str(f"{prefix}_CLIENT_SECRET")
    if bool(client_id) != bool(secret):
        raise ImproperlyConfigured(f"{prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET go together: set both or neither.")
    return client_id, secret


def social_providers() -> dict[str, dict[str, object]]:
    """allauth's ``SOCIALACCOUNT_PROVIDERS`` from the environment: each provider only when its client id and secret
    are set (``FACEBOOK_*``, ``GOOGLE_*``; ``OIDC_*`` with ``OIDC_SERVER_URL`` for an institution's OpenID Connect
    server). Each asks for as little as it can: the name, the e-mail address and, from Facebook, the picture."""
    providers: dict[str, dict[str, object]] = {}
    client_id, secret = _pair("FACEBOOK")
    if client_id:
        providers["facebook"] = {
            "METHOD": "oauth2",  # a redirect, not Facebook's JavaScript SDK: no third-party script on our pages
            "SCOPE": ["email", "public_profile"],
            "FIELDS": ["id", "email", "name", "first_name", "last_name", "picture.type(large)"],
            "APP": {"client_id": client_id, "secret": secret},
        }
    client_id, secret = _pair("GOOGLE")
    if client_id:
        providers["google"] = {
            "SCOPE": ["openid", "profile", "email"],
            "AUTH_PARAMS": {"access_type": "online"},
            "OAUTH_PKCE_ENABLED": True,
            "APP": {"client_id": client_id, "secret": secret},
        }
    client_id, secret = _pair("OIDC")
    server_url = env_str("OIDC_SERVER_URL")
    if bool(client_id) != bool(server_url):
        raise ImproperlyConfigured("OIDC_SERVER_URL goes with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all or none.")
    if client_id:
        if urlsplit(server_url).scheme != "https" and not env_bool("DEBUG", True):
            raise ImproperlyConfigured(f"OIDC_SERVER_URL must be an https address; got {server_url!r}")
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "institution",
                    "name": env_str("OIDC_NAME", "Institution"),
                    "client_id": client_id,
                    "secret": secret,
                    "settings": {"server_url": server_url, "oauth_pkce_enabled": True},
                }
            ],
        }
    return providers
