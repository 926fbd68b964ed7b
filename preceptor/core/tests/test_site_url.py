"""Links made outside a request (e-mails, calendar files, certificates) point at ``SITE_URL``, and ``make run
PORT=…`` sets it to the port the demo serves on."""

import subprocess
import uuid
from pathlib import Path

from django.conf import settings

from preceptor.core.http import absolute_url

ROOT = Path(settings.BASE_DIR)


def test_absolute_links_follow_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8123/"
    assert absolute_url("/billing/") == "http://127.0.0.1:8123/billing/"
    settings.SITE_URL = "https://cme.example.org"
    assert absolute_url("/billing/") == "https://cme.example.org/billing/"


def test_calendar_files_and_certificates_link_to_site_url(settings, teacher):
    from preceptor.classes.ics import class_ics
    from preceptor.classes.models import Teacher
    from preceptor.classes.tests.conftest import make_class
    from preceptor.cme.certificates import verification_url
    from preceptor.cme.models import Claim

    settings.SITE_URL = "http://127.0.0.1:8123"
    live_class = make_class(Teacher.objects.create(user=teacher, slug="tina", display_name="Tina", bio="ECG."))
    assert f"http://127.0.0.1:8123/classes/{live_class.slug}/".encode() in class_ics(live_class).replace(b"\r\n ", b"")
    certificate = uuid.uuid4()
    assert verification_url(Claim(certificate_id=certificate)).startswith("http://127.0.0.1:8123/")


def test_make_run_serves_and_links_on_the_same_port_unless_site_url_is_set():
    def run_lines(*args: str) -> list[str]:
        out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return [line for line in out.stdout.splitlines() if "manage.py" in line]

    lines = run_lines("PORT=8123")
    assert lines and all("SITE_URL=${SITE_URL:-http://127.0.0.1:8123}" in line for line in lines)
    assert lines[-1].endswith("runserver 127.0.0.1:8123")
