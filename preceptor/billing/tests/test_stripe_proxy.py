"""Stripe's client takes the environment's proxy, read once when the client is made (not on every call, which cost
a webhook a tenth of its processor time), and leaves it out for a host that NO_PROXY names."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from preceptor.billing.providers.stripe import StripeProvider


@pytest.fixture
def proxy():
    """A forward proxy on loopback that answers every GET itself and records the absolute address asked for."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            body = json.dumps({"id": "sub_proxy", "object": "subscription"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_clients(monkeypatch):
    monkeypatch.setattr(StripeProvider, "_clients", threading.local())
    for name in ("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


# An API address nothing listens on: only a proxy can answer.
API = "http://stripe-api.invalid"


@override_settings(STRIPE_SECRET_KEY="sk_test_proxy", STRIPE_WEBHOOK_SECRET="whsec_x", STRIPE_API_BASE=API)
def test_the_client_goes_through_the_environments_proxy(proxy, fresh_clients, monkeypatch):
    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    provider = StripeProvider()
    assert provider._read("subscriptions", "sub_proxy")["id"] == "sub_proxy"
    assert seen == [f"{API}/v1/subscriptions/sub_proxy"]

    monkeypatch.delenv("HTTP_PROXY")  # read once, with the client: the next call still goes through it
    provider._read("subscriptions", "sub_proxy")
    assert len(seen) == 2


@override_settings(STRIPE_SECRET_KEY="sk_test_proxy", STRIPE_WEBHOOK_SECRET="whsec_x", STRIPE_API_BASE=API)
def test_no_proxy_naming_the_api_host_leaves_the_proxy_out(proxy, fresh_clients, monkeypatch):
    import stripe

    address, seen = proxy
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("NO_PROXY", "stripe-api.invalid")
    monkeypatch.setattr(stripe, "max_network_retries", 0, raising=False)
    with pytest.raises(stripe.APIConnectionError):
        StripeProvider()._read("subscriptions", "sub_proxy")  # straight to a host that does not exist
    assert seen == []
