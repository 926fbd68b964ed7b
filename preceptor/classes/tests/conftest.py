from __future__ import annotations

import html
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from preceptor.classes.bbb import checksum
from preceptor.classes.models import LiveClass, Teacher, TeacherTerms

BBB_SECRET = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"


@pytest.fixture
def terms(db) -> TeacherTerms:
    return TeacherTerms.objects.create(
        version="2026-1",
        text="Use members' personal information only to teach the class. Never abuse it.",
        published_at=timezone.now() - timedelta(days=1),
    )


@pytest.fixture
def tutor(teacher) -> Teacher:
    return Teacher.objects.create(user=teacher, slug="tina-teacher", display_name="Prof. Tina Teacher", bio="ECG.")


@pytest.fixture
def other_tutor(db) -> Teacher:
    from preceptor.accounts.services import teacher_role_set
    from preceptor.conftest import make_member

    user = teacher_role_set(user=make_member("other@example.org", "Dr. Olaf Other"), is_teacher=True, actor=None)
    return Teacher.objects.create(user=user, slug="olaf-other", display_name="Dr. Olaf Other")


def make_class(tutor: Teacher, slug: str = "ecg-clinic", **fields) -> LiveClass:
    values = {
        "title": "ECG clinic",
        "slug": slug,
        "description": "Live ECG reading.",
        "starts_at": timezone.now() + timedelta(days=2),
        "duration_minutes": 60,
        "capacity": 2,
        "price_amount": 1900,
        "price_currency": "EUR",
        "meeting_url": "https://meet.example.org/ecg-clinic",
        "is_published": True,
        **fields,
    }
    live_class = LiveClass.objects.create(**values)
    live_class.teachers.add(tutor)
    return live_class


@pytest.fixture
def live_class(tutor) -> LiveClass:
    return make_class(tutor)


class FakeBBB:
    """A small BigBlueButton API: every call must carry the right checksum, or it answers checksumError."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.meetings: set[str] = set()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                call = parts.path.rsplit("/", 1)[-1]
                query, _sep, given = parts.query.rpartition("&checksum=")
                params = dict(parse_qsl(query))
                if checksum(call, query, BBB_SECRET) != given:
                    body = "<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey></response>"
                else:
                    outer.calls.append((call, params))
                    if call == "create":
                        outer.meetings.add(params["meetingID"])
                    if call == "end":
                        outer.meetings.discard(params["meetingID"])
                    meeting = params.get("meetingID")
                    body = f"<response><returncode>SUCCESS</returncode><meetingID>{meeting}</meetingID></response>"
                    if call == "join":  # the browser lands in the meeting room; leaving opens the logout URL
                        name = html.escape(params["fullName"])
                        logout = html.escape(params.get("logoutURL", ""))
                        body = (
                            "<!doctype html><title>Meeting room</title><body style='font:20px sans-serif;"
                            "background:#1b2a3a;color:#fff;padding:3rem'><h1>BigBlueButton (local test double)</h1>"
                            f"<p id='joined'>You joined as {name} ({params['role'].lower()}).</p>"
                            f"<p><a style='color:#fff' href='{logout}'>Leave the meeting</a></p></body>"
                        )
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if body.startswith("<!doctype") else "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/bigbluebutton"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_bbb(settings):
    server = FakeBBB()
    settings.BBB_URL, settings.BBB_SECRET = server.url, BBB_SECRET
    yield server
    server.close()
