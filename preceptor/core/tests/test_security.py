import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get(reverse("site:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_response_can_admit_a_host_for_itself_only(rf):
    from django.http import HttpResponse

    from preceptor.core.middleware import RequestGuardMiddleware

    def view(request):
        response = HttpResponse("ok")
        response.csp_extra = {"script-src": ["https://tags.example"]}
        return response

    middleware = RequestGuardMiddleware(view)
    with_tag = middleware(rf.get("/"))
    assert "script-src 'self' https://tags.example" in with_tag["Content-Security-Policy"]
    without = RequestGuardMiddleware(lambda r: HttpResponse("ok"))(rf.get("/"))
    assert "tags.example" not in without["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_sources_a_template_adds_to_the_request_and_a_view_to_the_response_are_both_admitted(rf):
    from django.http import HttpResponse

    from preceptor.core.middleware import RequestGuardMiddleware

    def view(request):
        request.csp_extra = {"script-src": ["https://tags.example"]}  # as the consent tags do while rendering
        response = HttpResponse("ok")
        response.csp_extra = {"form-action": ["https://meet.example"]}
        return response

    policy = RequestGuardMiddleware(view)(rf.get("/"))["Content-Security-Policy"]
    assert "script-src 'self' https://tags.example;" in policy
    assert policy.endswith("form-action 'self' https://meet.example")


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="cme.example.org", **extra)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**production_env(), "DJANGO_SETTINGS_MODULE": "preceptor.config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True"], result.stderr


def test_collectstatic_works_with_production_settings(tmp_path):
    """The manifest storage checks every url() and source-map reference: a broken one would stop a deploy."""
    env = production_env(STATIC_ROOT=str(tmp_path / "static"), SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
