"""The HTTP client Stripe's library sends through (providers/stripe_http.py), against servers on loopback: one kept
connection, a connection the server closed replaced before it is used, errors as the library's own clients report
them, TLS verified against the library's certificates, a proxy asked for a tunnel. The functional tests against
localstripe (test_stripe*.py) go through it too."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from cryptography.hazmat.primitives import serialization

from preceptor.billing.providers.stripe_http import KeptConnectionClient, _closed_by_peer
from preceptor.core.tests.certificates import self_signed


class Server:
    """An HTTP/1.1 server on loopback answering every GET with a Stripe-like object; records each request's path
    and the client port it came from (one port per connection)."""

    def __init__(self, *, close_after_answer: bool = False, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[tuple[str, int]] = []
        self.answered = threading.Event()
        seen, answered = self.seen, self.answered

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                seen.append((self.path, self.client_address[1]))
                body = json.dumps({"id": "sub_1", "object": "subscription"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Request-Id", "req_123")
                self.end_headers()
                self.wfile.write(body)
                # Closed without saying so (no "Connection: close"), as a server or proxy ends an idle connection.
                self.close_connection = close_after_answer
                answered.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        scheme = "https" if tls else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers():
    started: list[Server] = []

    def start(**kwargs) -> Server:
        started.append(Server(**kwargs))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def client_for(url: str, http_client: KeptConnectionClient) -> stripe.StripeClient:
    # No retries by the library: what each test shows is the client's own doing.
    return stripe.StripeClient(
        "sk_test_http", base_addresses={"api": url}, http_client=http_client, max_network_retries=0
    )


def test_calls_share_one_kept_connection_and_read_the_answer(servers):
    server = servers()
    client = client_for(server.url, KeptConnectionClient())
    first = client.raw_request("get", "/v1/subscriptions/sub_1")
    second = client.raw_request("get", "/v1/subscriptions/sub_1?expand[]=items")
    assert first.data["id"] == "sub_1" and second.data["id"] == "sub_1"
    assert first.request_id == "req_123"  # the library reads headers by their lower-case names
    assert [path for path, _ in server.seen] == ["/v1/subscriptions/sub_1", "/v1/subscriptions/sub_1?expand[]=items"]
    assert len({port for _, port in server.seen}) == 1


def test_a_connection_the_server_closed_while_idle_is_replaced_before_it_is_used(servers):
    server = servers(close_after_answer=True)
    http = KeptConnectionClient()
    client = client_for(server.url, http)
    client.raw_request("get", "/v1/subscriptions/sub_1")
    assert server.answered.wait(5)
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while not _peer_closed(http) and datetime.now(UTC) < deadline:  # the server's close reaches this side
        pass
    # Sent on the closed connection, this would fail (RemoteDisconnected) and, without retries, reach the caller.
    assert client.raw_request("get", "/v1/subscriptions/sub_1").data["id"] == "sub_1"
    assert len({port for _, port in server.seen}) == 2


def _peer_closed(http: KeptConnectionClient) -> bool:
    connection = http._local.connection  # the test's one thread's kept connection
    return _closed_by_peer(connection)


def test_a_refused_connection_is_a_connection_error_the_library_may_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the call: nothing listens there
    client = client_for(f"http://127.0.0.1:{port}", KeptConnectionClient())
    with pytest.raises(stripe.APIConnectionError) as raised:
        client.raw_request("get", "/v1/subscriptions/sub_1")
    assert raised.value.should_retry is True
    assert "ConnectionRefusedError" in str(raised.value)


@pytest.fixture
def tls_server(servers, tmp_path):
    key, certificate = self_signed("127.0.0.1", ip="127.0.0.1")
    (tmp_path / "cert.pem").write_bytes(certificate)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return servers(tls=context), tmp_path / "cert.pem"


def test_tls_is_verified_against_the_libraries_certificates(tls_server):
    server, _ = tls_server
    client = client_for(server.url, KeptConnectionClient())
    with pytest.raises(stripe.APIConnectionError) as raised:
        client.raw_request("get", "/v1/subscriptions/sub_1")
    assert "Could not verify Stripe's SSL certificate" in str(raised.value)
    assert raised.value.should_retry is False
    assert server.seen == []


def test_a_certificate_in_the_libraries_bundle_is_trusted(tls_server, monkeypatch):
    server, certificate = tls_server
    monkeypatch.setattr(stripe, "ca_bundle_path", str(certificate))
    client = client_for(server.url, KeptConnectionClient())
    assert client.raw_request("get", "/v1/subscriptions/sub_1").data["id"] == "sub_1"


@pytest.fixture
def refusing_proxy():
    """A proxy that records what it is asked and refuses every tunnel."""
    seen: list[tuple[str, str | None]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_CONNECT(self):
            seen.append((self.requestline, self.headers.get("Proxy-Authorization")))
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_an_https_api_is_reached_through_a_proxy_by_a_tunnel_with_the_proxys_credentials(refusing_proxy):
    port, seen = refusing_proxy
    http_client = KeptConnectionClient(proxy={"https": f"http://clinic:s%40fe@127.0.0.1:{port}", "http": None})
    client = client_for("https://api.stripe.com", http_client)
    with pytest.raises(stripe.APIConnectionError) as raised:  # refused here: nothing leaves the machine
        client.raw_request("get", "/v1/subscriptions/sub_1")
    assert "403" in str(raised.value)
    [(line, authorization)] = seen
    assert line.startswith("CONNECT api.stripe.com:443 HTTP/1.")
    assert authorization == "Basic " + base64.b64encode(b"clinic:s@fe").decode("ascii")


def test_a_proxy_that_is_not_plain_http_is_refused_when_the_client_is_made_without_its_password_in_the_message():
    with pytest.raises(ValueError, match="http://") as raised:
        KeptConnectionClient(proxy={"https": "socks5://egress:pr0xy-secret@127.0.0.1:1080"})
    assert "socks5://" in str(raised.value)
    assert "pr0xy-secret" not in str(raised.value) and "egress" not in str(raised.value)
