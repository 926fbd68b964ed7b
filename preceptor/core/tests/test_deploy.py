"""The deployment files in deploy/ (decision 0032): the production check (``manage.py check_production`` and
``deploy/check-prod``, which ``make check-prod`` runs), gunicorn's settings and its exit hooks against a real
gunicorn, the nginx site (``nginx -t``, then a real nginx: what its access log keeps, its body limits), and the
systemd units."""

from __future__ import annotations

import getpass
import os
import re
import runpy
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from preceptor.conftest import DEMO_MEDIA
from preceptor.core.management.commands.check_production import production_problems
from preceptor.core.middleware import body_limit
from preceptor.core.redaction import routes

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
EXAMPLE_ENV = DEPLOY / "preceptor.env.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- check_production ---------------------------------------------------------------------------------------------


def good_settings(**changes: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ["cme.example.org"],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SITE_URL": "https://cme.example.org",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "BILLING_SELLER_NAME": "Example Medical Education GmbH",
        "BILLING_SELLER_VAT_ID": "DE123456789",
        "MEDIA_DELIVERY": "x-accel",
    }
    values.update(changes)
    return SimpleNamespace(**values)


def test_a_complete_production_configuration_has_no_problems():
    assert production_problems(good_settings(), {"SECRET_KEY": "x"}) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"DEBUG": True}, "DEBUG is on"),
        ({"SECRET_KEY": "insecure-development-key-only-for-debug-mode"}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too short"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is too short or too plain"),
        ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS is empty"),
        ({"ALLOWED_HOSTS": ["*"]}, "ALLOWED_HOSTS contains '*'"),
        ({"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}}, "DATABASE_URL does not name PostgreSQL"),
        ({"REDIS_URL": ""}, "REDIS_URL is not set"),
        ({"CELERY_BROKER_URL": ""}, "CELERY_BROKER_URL is not set"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_URL does not name a mail server"),
        ({"SITE_URL": "http://cme.example.org"}, "SITE_URL must be the site's https address"),
        ({"SITE_URL": "https://other.example.org"}, "SITE_URL's host other.example.org is not in ALLOWED_HOSTS"),
        ({"SECURE_PROXY_SSL_HEADER": None}, "BEHIND_TLS_PROXY is off"),
        ({"BILLING_SELLER_NAME": "Preceptor Medical Education GmbH (demo)"}, "the demo company's"),
        ({"MEDIA_DELIVERY": "stream"}, "MEDIA_DELIVERY is stream"),
    ],
)
def test_each_missing_production_setting_is_named_with_what_to_set(changes, expected):
    problems = production_problems(good_settings(**changes), {})
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_a_single_process_install_needs_one_worker_and_no_half_configured_redis():
    alone = good_settings(REDIS_URL="", CELERY_BROKER_URL="")
    assert production_problems(alone, {"GUNICORN_WORKERS": "1"}, single_process=True) == []
    assert "GUNICORN_WORKERS=1" in production_problems(alone, {"GUNICORN_WORKERS": "4"}, single_process=True)[0]
    assert "drop the option" in production_problems(good_settings(CELERY_BROKER_URL=""), {}, single_process=True)[0]


def test_values_left_at_the_examples_placeholder_are_named():
    problems = production_problems(good_settings(), {"DATABASE_URL": "postgres://p:CHANGE-ME@db/p", "DEBUG": "0"})
    assert problems == ["Still the example's CHANGE-ME: DATABASE_URL."]


def clean_environment(**extra: str) -> dict[str, str]:
    """The test's environment without the variables the example file sets (so nothing of this machine leaks in)."""
    names = {line.split("=", 1)[0] for line in EXAMPLE_ENV.read_text().splitlines() if "=" in line[:40]}
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for this process; a production start never has it.
    test_only = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in names and k not in test_only}
    env.update(PYTHON=sys.executable, **extra)
    return env


def run_check_prod(env_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEPLOY / "check-prod"), str(env_file), *args],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_check_prod_refuses_the_example_environment_until_its_placeholders_are_replaced(tmp_path):
    refused = run_check_prod(EXAMPLE_ENV)
    assert refused.returncode == 1
    assert "Still the example's CHANGE-ME: " in refused.stderr
    assert "SECRET_KEY is too short" in refused.stderr
    assert "security.W009" in refused.stderr + refused.stdout  # and Django's deploy check says so too

    filled = tmp_path / "env"
    text = EXAMPLE_ENV.read_text().replace("SECRET_KEY=CHANGE-ME", f"SECRET_KEY={secrets.token_urlsafe(50)}")
    filled.write_text(text.replace("CHANGE-ME", "Filled-in"))
    result = run_check_prod(filled)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Production settings: no problems found." in result.stdout
    assert "System check identified no issues" in result.stdout  # check --deploy is clean with the example

    # a one-process install says so (the option reaches the command); the rules are tested above
    alone = filled.read_text().replace("REDIS_URL=", "#REDIS_URL=").replace("CELERY_BROKER_URL=", "#BROKER=")
    (tmp_path / "alone").write_text(alone.replace("GUNICORN_WORKERS=4", "GUNICORN_WORKERS=1"))
    assert run_check_prod(tmp_path / "alone", "--single-process").returncode == 0


# --- gunicorn -----------------------------------------------------------------------------------------------------


def gunicorn_settings(monkeypatch, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_keeps_no_access_log_and_takes_its_workers_from_the_environment(monkeypatch):
    conf = gunicorn_settings(monkeypatch, GUNICORN_WORKERS="3", GUNICORN_BIND="127.0.0.1:8001,127.0.0.1:8002")
    assert conf["accesslog"] is None
    assert conf["workers"] == 3
    assert conf["bind"] == ["127.0.0.1:8001", "127.0.0.1:8002"]
    # Longer than PostgreSQL's limits (connect 5 s, statement 30 s), so those answer first.
    assert conf["timeout"] > settings.DATABASES["default"].get("OPTIONS", {}).get("connect_timeout", 5) + 30


def test_a_malformed_gunicorn_setting_stops_the_start_with_its_name(monkeypatch):
    with pytest.raises(Exception, match="GUNICORN_WORKERS must be an integer"):
        gunicorn_settings(monkeypatch, GUNICORN_WORKERS="four")


def test_gunicorns_error_log_redacts_secret_links(monkeypatch, caplog):
    import logging

    conf = gunicorn_settings(monkeypatch)
    error_log = logging.getLogger("gunicorn.error.test")
    conf["post_worker_init"](SimpleNamespace(log=SimpleNamespace(error_log=error_log)))
    with caplog.at_level(logging.ERROR, logger="gunicorn.error.test"):
        error_log.error("Error handling request %s", "/accounts/password/reset/key/3-abc123-secretkey/")
    assert "secretkey" not in caplog.text
    assert "/accounts/password/reset/key/3-[redacted]/" in caplog.text


def database_environment() -> dict[str, str]:
    """Points a child process at this test's database (the SQLite test file, or the PostgreSQL test database)."""
    conf = connection.settings_dict
    if conf["ENGINE"] == "django.db.backends.sqlite3":
        return {"SQLITE_PATH": str(conf["NAME"])}
    user = quote(conf["USER"] or "") + (":" + quote(conf["PASSWORD"]) if conf["PASSWORD"] else "")
    return {"DATABASE_URL": f"postgres://{user}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"}


@pytest.mark.django_db(transaction=True)
def test_gunicorn_stopped_with_sigterm_writes_the_buffered_request_log(tmp_path):
    from preceptor.analytics.models import RequestLog

    port = free_port()
    path = f"/deploy-test-{secrets.token_hex(4)}/"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}},
        **database_environment(),
        "DEBUG": "1",
        "REQUEST_LOG_ENABLED": "1",
        "REQUEST_LOG_BACKGROUND": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_MAX_REQUESTS": "0",
        "LOG_LEVEL": "INFO",
    }
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        answered, up = 0, False
        deadline = time.monotonic() + 60
        while not up:  # until gunicorn is up: another path, so that a probe answered after it gave up is not counted
            assert time.monotonic() < deadline and server.poll() is None, log_path.read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}up/", timeout=5)
            except urllib.error.HTTPError as error:
                up = error.code == 404
            except OSError:
                time.sleep(0.1)
        # Requests up to the signal: whatever the workers' 2-second flush has not written yet is still buffered.
        until = time.monotonic() + 2.5
        while time.monotonic() < until:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5)
            except urllib.error.HTTPError as error:
                answered += error.code == 404
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, log_path.read_text()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = log_path.read_text()
    assert RequestLog.objects.filter(path=path).count() == answered, output
    written = [int(n) for n in re.findall(r"request log: wrote (\d+) buffered rows before exiting", output)]
    assert sum(written) > 0, output  # the worker_exit hook wrote them, not a later accident


# --- nginx --------------------------------------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None

    def first(self, name: str) -> Directive | None:
        return next((d for d in self.block or [] if d.name == name), None)


TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|#[^\n]*|[{};]|[^\s{};"#]+')


def parse_nginx(text: str) -> list[Directive]:
    """nginx's configuration as a tree of directives (enough of the grammar for deploy/nginx/)."""
    stack: list[list[Directive]] = [[]]
    words: list[str] = []
    for token in TOKEN.findall(text):
        if token.startswith("#"):
            continue
        if token == ";":
            stack[-1].append(Directive(words[0], words[1:]))
            words = []
        elif token == "{":
            directive = Directive(words[0], words[1:], [])
            stack[-1].append(directive)
            stack.append(directive.block)  # type: ignore[arg-type]  # a block directive always has its block
            words = []
        elif token == "}":
            stack.pop()
        else:
            words.append(token[1:-1] if token.startswith('"') else token)
    assert len(stack) == 1 and not words, "unbalanced braces or a directive without ';'"
    return stack[0]


def tls_server() -> Directive:
    site = parse_nginx((DEPLOY / "nginx" / "preceptor.conf").read_text())
    return next(
        d for d in site if d.name == "server" and any("443" in a.args[0] for a in d.block or [] if a.name == "listen")
    )


def location_for(server: Directive, path: str) -> Directive:
    """The location nginx picks for ``path``: an exact match, else the longest prefix if it is ``^~``, else the
    first regex that matches, else the longest prefix."""
    locations = [d for d in server.block or [] if d.name == "location"]
    for location in locations:
        if location.args[0] == "=" and location.args[1] == path:
            return location
    prefixes = [
        loc for loc in locations if (len(loc.args) == 1 or loc.args[0] == "^~") and path.startswith(loc.args[-1])
    ]
    longest = max(prefixes, key=lambda loc: len(loc.args[-1]))
    if longest.args[0] == "^~":
        return longest
    for location in locations:
        if location.args[0] in {"~", "~*"} and re.search(
            location.args[1], path, re.I if location.args[0] == "~*" else 0
        ):
            return location
    return longest


def size_in_bytes(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


SAMPLES = ("1", "abc123", "a1b2c3-d4", "0f8fad5b-d9cb-469f-a165-70867728950e", "a/b.pdf")
NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def sample_path(regex: str) -> str | None:
    """A path that ``regex`` (a Django route's) matches, with each argument replaced by a sample value; None when
    the route's pattern is beyond these samples."""
    pieces, position = [], 0
    while match := NAMED_GROUP.search(regex, position):
        pieces.append(regex[position : match.start()])
        depth, end = 1, match.end()
        while depth:
            if regex[end] == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(regex[end], 0)
            end += 1
        pattern = regex[match.end() : end - 1]
        sample = next((s for s in SAMPLES if re.fullmatch(pattern, s)), None)
        if sample is None:
            return None
        pieces.append(re.escape(sample))
        position = end
    pieces.append(regex[position:])
    literal = "".join(pieces).removeprefix("^").removesuffix("\\Z").removesuffix("$")
    literal = re.sub(r"\\(.)", r"\1", literal)
    if re.search(r"[][(){}*+?|^$]", literal.replace(".", "")):
        return None
    return "/" + literal


def sampled_routes() -> list[tuple[str, str]]:
    found, _ = routes()
    return [(route.name, path) for route in found if (path := sample_path(route.regex)) is not None]


def test_every_link_that_carries_a_secret_is_kept_out_of_nginxs_access_log():
    found, declared = routes()
    server = tls_server()
    secret = [route for route in found if route.name in declared]
    assert len(secret) >= 7  # password reset, e-mail confirmation, three mail tokens, two demo checkouts
    for route in secret:
        path = sample_path(route.regex)
        assert path, route
        location = location_for(server, path)
        assert location.first("access_log") and location.first("access_log").args == ["off"], (route.name, path)
    # and an ordinary page is logged, in the format without query strings
    assert server.first("access_log").args[1] == "preceptor"
    assert location_for(server, "/courses/").first("access_log") is None


def test_nginxs_body_limits_are_the_applications_route_by_route():
    server = tls_server()
    checked = {}
    for name, path in sampled_routes():
        location = location_for(server, path)
        limit = (location.first("client_max_body_size") or server.first("client_max_body_size")).args[0]
        assert size_in_bytes(limit) == body_limit(path), (name, path, limit)
        checked[name] = path
    # every route with a larger limit was among them
    found, _ = routes()
    from fnmatch import fnmatchcase

    larger = {r.name for r in found if any(fnmatchcase(r.name, p) for p in settings.REQUEST_BODY_LIMITS)}
    assert larger and larger <= set(checked), larger - set(checked)


def test_nginx_serves_static_files_from_static_root_and_protected_media_only_to_the_application():
    server = tls_server()
    static = location_for(server, "/static/css/site.css")
    assert static.args == ["/static/"]
    assert static.first("alias").args == ["/var/lib/preceptor/static/"]
    assert "STATIC_ROOT=/var/lib/preceptor/static" in EXAMPLE_ENV.read_text().splitlines()
    media = location_for(server, "/protected-media/lessons/video/a.webm")
    assert media.args == [settings.MEDIA_ACCEL_PREFIX]
    assert media.first("internal") is not None  # only an X-Accel-Redirect reaches it
    assert media.first("alias").args == ["/var/lib/preceptor/media/"]
    assert "MEDIA_ROOT=/var/lib/preceptor/media" in EXAMPLE_ENV.read_text().splitlines()
    assert "MEDIA_DELIVERY=x-accel" in EXAMPLE_ENV.read_text().splitlines()


def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is not installed (Debian package nginx; .ci/run installs it)")
        pytest.skip("nginx is not installed (Debian package nginx)")
    return binary


def nginx_configuration(
    tmp_path: Path,
    *,
    upstream_port: int = 8000,
    http_port: int = 80,
    https_port: int = 443,
    media_root: Path | None = None,
) -> Path:
    """deploy/nginx/ under tmp_path as nginx would read it: a main file that includes the site inside ``http``,
    the snippet, a throw-away certificate for the TLS placeholders, logs and temporary files in tmp_path."""
    (tmp_path / "snippets").mkdir()
    shutil.copy(DEPLOY / "nginx" / "preceptor-proxy.conf", tmp_path / "snippets")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=cme.example.org"),
            *("-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")),
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "preceptor.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/cme.example.org/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/letsencrypt/live/cme.example.org/privkey.pem", str(tmp_path / "key.pem"))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("/var/lib/preceptor/media/", f"{media_root or tmp_path / 'media'}/")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl").replace(
        "listen [::]:443 ssl http2;", ""
    )
    (tmp_path / "site.conf").write_text(site)
    temporary = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"user {getpass.getuser()};\nworker_processes 1;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"daemon off;\nevents {{}}\nhttp {{\n{temporary}\ninclude site.conf;\n}}\n"
    )
    return main


def test_the_nginx_site_passes_nginx_t(tmp_path):
    binary = nginx_binary()
    main = nginx_configuration(tmp_path)
    result = subprocess.run(
        [binary, "-t", "-p", f"{tmp_path}/", "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class Upstream(BaseHTTPRequestHandler):
    """gunicorn's stand-in: answers 200 and keeps the headers it was sent."""

    seen: list[dict[str, str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        Upstream.seen.append({"path": self.path, **dict(self.headers.items())})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


def test_a_running_nginx_keeps_secrets_out_of_its_log_forwards_the_proxy_headers_and_stops_big_bodies(tmp_path):
    binary = nginx_binary()
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https_port = free_port()
    main = nginx_configuration(
        tmp_path, upstream_port=upstream.server_address[1], http_port=free_port(), https_port=https_port
    )
    nginx = subprocess.Popen(
        [binary, "-p", f"{tmp_path}/", "-c", str(main), "-e", str(tmp_path / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

    def send(path: str, data: bytes | None = None, **headers: str) -> int:
        request = urllib.request.Request(
            f"https://127.0.0.1:{https_port}{path}", data=data, headers={"Host": "cme.example.org", **headers}
        )
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310 - https
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and nginx.poll() is None, (tmp_path / "error.log").read_text()
                time.sleep(0.1)
        Upstream.seen.clear()
        assert send("/accounts/password/reset/key/1a-PathSecret1/") == 200
        assert send("/mail/unsubscribe/PathSecret2/") == 200
        assert send("/courses/?token=QuerySecret3") == 200
        assert send("/static-less/", Referer="https://cme.example.org/mail/unsubscribe/RefererSecret4/") == 200
        assert send("/accounts/login/", data=b"x" * (2 * 1024 * 1024)) == 413  # REQUEST_MAX_MB
        assert send("/settings/profile/", data=b"x" * (2 * 1024 * 1024)) == 200  # PHOTO_UPLOAD_MAX_MB
    finally:
        nginx.send_signal(signal.SIGQUIT)  # graceful: the log is written and closed
        nginx.wait(timeout=20)
        upstream.shutdown()
    log = (tmp_path / "preceptor.access.log").read_text()
    assert "Secret" not in log, log
    assert '"GET /courses/ HTTP/1.1" 200' in log
    assert '"https://cme.example.org" ' in log  # the referrer's origin only
    assert '"POST /accounts/login/ HTTP/1.1" 413' in log
    forwarded = next(seen for seen in Upstream.seen if seen["path"].startswith("/courses/"))
    assert forwarded["X-Forwarded-Proto"] == "https"
    assert forwarded["X-Forwarded-For"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", forwarded["X-Request-Id"])
    assert forwarded["Host"] == "cme.example.org"


@pytest.mark.django_db(transaction=True)
def test_nginx_sends_a_lesson_video_with_ranges_after_the_application_checked_access(
    tmp_path, live_server, settings, course, pro_member, learner
):
    """MEDIA_DELIVERY=x-accel with a real nginx in front of the application: the view checks access and answers
    with X-Accel-Redirect; nginx sends the file from MEDIA_ROOT (ranges too) and never the header; a member who
    may not have the file gets the application's refusal, and nobody reaches /protected-media/ directly."""
    from preceptor.catalog.models import LessonFile

    binary = nginx_binary()
    settings.MEDIA_DELIVERY = "x-accel"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "cme.example.org"]
    https_port = free_port()
    (tmp_path / "nginx").mkdir()
    main = nginx_configuration(
        tmp_path / "nginx",
        upstream_port=int(live_server.url.rsplit(":", 1)[1]),
        http_port=free_port(),
        https_port=https_port,
        media_root=settings.MEDIA_ROOT,
    )
    nginx = subprocess.Popen(
        [binary, "-p", f"{tmp_path}/nginx/", "-c", str(main), "-e", str(tmp_path / "nginx" / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE

    def cookie_of(user) -> str:
        client = Client()
        client.force_login(user)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def get(path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(
            f"https://127.0.0.1:{https_port}{path}", headers={"Host": "cme.example.org", **headers}
        )
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    clip = (DEMO_MEDIA / "ecg-essentials.webm").read_bytes()
    handout = LessonFile.objects.get(lesson__slug="checklist")
    pro, trial = cookie_of(pro_member), cookie_of(learner)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and nginx.poll() is None, (
                    tmp_path / "nginx" / "error.log"
                ).read_text()
                time.sleep(0.1)
        video = "/courses/heart-rhythm/twelve-leads/media/video/"
        status, headers, body = get(video, Cookie=pro, Range="bytes=100-1099")
        assert status == 206, (status, body[:300])
        assert body == clip[100:1100]
        assert headers["Content-Range"] == f"bytes 100-1099/{len(clip)}"
        assert headers["Content-Type"] == "video/webm"
        assert "X-Accel-Redirect" not in headers
        assert "ETag" in headers  # nginx's own file response: the application sends no ETag for media
        status, headers, body = get(video, Cookie=pro)
        assert (status, body) == (200, clip)

        pdf = f"/courses/heart-rhythm/checklist/files/{handout.pk}/"
        status, headers, body = get(pdf, Cookie=pro)
        assert status == 200 and body == (DEMO_MEDIA / "ecg-essentials.pdf").read_bytes()
        assert headers["Content-Disposition"].startswith("attachment;")
        status, headers, body = get(pdf, Cookie=trial)  # a Pro lesson's handout: the application refuses
        assert status in (403, 404) and b"%PDF" not in body
        status, _, body = get(f"{settings.MEDIA_ACCEL_PREFIX}{handout.file.name}", Cookie=pro)
        assert status == 404 and b"%PDF" not in body
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# --- systemd ------------------------------------------------------------------------------------------------------


UNITS = ("preceptor-web.service", "preceptor-worker.service", "preceptor-beat.service")


def unit_settings(name: str) -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_the_systemd_units_read_the_environment_file_and_start_what_they_say():
    web, worker, beat = (unit_settings(name) for name in UNITS)
    for unit in (web, worker, beat):
        assert unit["EnvironmentFile"] == "/etc/preceptor/env"
        assert unit["User"] == "preceptor"
    assert web["ExecStart"].endswith("gunicorn --config deploy/gunicorn.conf.py")
    assert int(web["TimeoutStopSec"]) > 30  # after gunicorn's graceful timeout, in which the log is flushed
    assert " -A preceptor.config worker " in worker["ExecStart"]
    assert int(worker["TimeoutStopSec"]) > settings.CELERY_TASK_TIME_LIMIT  # a running task may finish
    assert " -A preceptor.config beat " in beat["ExecStart"]
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for name in UNITS:
        text = (
            (DEPLOY / "systemd" / name)
            .read_text()
            .replace("/opt/preceptor/venv/bin/", f"{Path(sys.executable).parent}/")
        )
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_wsgi_application_loads_the_urlconf_and_its_views_as_the_worker_starts():
    """A gunicorn worker's first request must not pay for importing every view (ReportLab's included)."""
    code = (
        "import sys; from preceptor.config import wsgi; "
        "print(all(m in sys.modules for m in ('preceptor.config.urls', 'preceptor.cme.certificates')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "preceptor.config.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"
