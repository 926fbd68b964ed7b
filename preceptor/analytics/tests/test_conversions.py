"""Ad conversions against a local fake endpoint: nothing without consent; with it, hashed e-mail, our id, no
health terms, and a disclosure row per send."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from preceptor.accounts.models import User
from preceptor.analytics.conversions import conversion_send, normalised_email, sha256
from preceptor.core.models import DomainEvent
from preceptor.privacy.models import Disclosure

pytestmark = pytest.mark.django_db
PERSON_HASH = "542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345"  # sha256("person@example.com")


class Endpoint(BaseHTTPRequestHandler):
    received: list = []
    failing: set[str] = set()  # paths that answer 503

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path in Endpoint.failing:
            self.send_response(503)
            self.end_headers()
            return
        Endpoint.received.append((self.path, json.loads(body), self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"events_received": 1}')

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(settings):
    Endpoint.received, Endpoint.failing = [], set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.META_PIXEL_ID, settings.META_CAPI_TOKEN, settings.META_CAPI_URL = "123", "meta-token", f"{base}/meta"
    settings.GOOGLE_ADS_ID, settings.GOOGLE_ADS_CONVERSIONS_URL = "AW-1", f"{base}/google"
    settings.GOOGLE_ADS_TOKEN = "google-token"
    yield Endpoint.received
    server.shutdown()


def sign_up(client, email=" Person@Example.com "):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": "Pat Person",
            "email": email,
            "password1": "a-long-and-unusual-passphrase",
            "date_of_birth": "1985-05-05",
        },
    )


def test_email_normalisation_and_hashing_match_the_known_vectors():
    assert normalised_email(" Person@Example.com ") == "person@example.com"
    assert sha256(normalised_email(" Person@Example.com ")) == PERSON_HASH
    assert normalised_email("Jane.Doe@gmail.com", google=True) == "janedoe@gmail.com"
    assert normalised_email("Jane.Doe@hospital.org", google=True) == "jane.doe@hospital.org"


def test_without_consent_nothing_is_sent(client, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert DomainEvent.objects.filter(kind="trial_started").count() == 1
    assert endpoint == []
    assert not Disclosure.objects.exists()


def test_with_consent_the_trial_goes_out_hashed_with_our_id_and_no_health_terms(
    client, endpoint, course, django_capture_on_commit_callbacks
):
    client.post(reverse("privacy:consent"), {"action": "accept_all", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    user = User.objects.get(email="person@example.com")
    paths = sorted(path for path, _body, _auth in endpoint)
    assert paths == ["/google", "/meta"]
    meta = next(body for path, body, _ in endpoint if path == "/meta")["data"][0]
    assert meta["event_name"] == "StartTrial" and meta["event_id"] == f"trial:{user.pk}"
    assert meta["user_data"] == {"em": [PERSON_HASH]}
    assert set(meta["custom_data"]) <= {"value", "currency", "content_type"}
    google = next(body for path, body, _ in endpoint if path == "/google")["conversions"][0]
    assert google["order_id"] == f"trial:{user.pk}" and google["consent"]["ad_user_data"] == "GRANTED"
    everything = json.dumps([body for _path, body, _auth in endpoint]).lower()
    for term in ("heart", "rhythm", "cardiology", "ecg", "course", "lesson", "person@example.com", "pat"):
        assert term not in everything
    assert sorted(Disclosure.objects.filter(user=user).values_list("recipient", flat=True)) == [
        "Google Ireland (Google Ads conversions)",
        "Meta Platforms Ireland (Conversions API)",
    ]


def test_only_the_granted_purpose_is_sent(client, endpoint, django_capture_on_commit_callbacks):
    client.post(reverse("privacy:consent"), {"action": "custom", "purpose": ["marketing_meta"], "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    assert [path for path, _b, _a in endpoint] == ["/meta"]


def test_events_older_than_seven_days_are_not_sent(endpoint, learner):
    event = DomainEvent.objects.get(kind="trial_started", user=learner)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert conversion_send(event=event) == []
    assert endpoint == []


def test_a_retry_does_not_send_twice(client, endpoint, django_capture_on_commit_callbacks):
    client.post(reverse("privacy:consent"), {"action": "accept_all", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    event = DomainEvent.objects.get(kind="trial_started", user__email="person@example.com")
    assert conversion_send(event=event) == []
    assert len(endpoint) == 2


def test_a_send_that_fails_halfway_sends_only_what_is_missing_when_it_runs_again(client, endpoint):
    """As when the task fails (or its worker is killed) after the first destination: the retry does not send
    that one again, and each destination has one disclosure row."""
    client.post(reverse("privacy:consent"), {"action": "accept_all", "next": "/"})
    sign_up(client)  # the task that would send it runs after the commit; here it is run by hand
    event = DomainEvent.objects.get(kind="trial_started", user__email="person@example.com")
    Endpoint.failing = {"/google"}
    with pytest.raises(httpx.HTTPStatusError):
        conversion_send(event=event)
    event.refresh_from_db()
    assert event.data["sent_to"] == ["marketing_meta"]
    Endpoint.failing = set()
    assert conversion_send(event=event) == ["marketing_google"]
    assert [path for path, _b, _a in endpoint] == ["/meta", "/google"]
    assert Disclosure.objects.filter(user=event.user, channel="server-to-server").count() == 2
