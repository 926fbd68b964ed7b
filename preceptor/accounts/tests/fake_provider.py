"""A local stand-in for a sign-in provider, started by the tests (no network): an OpenID Connect server (discovery,
authorize, token with an RS256-signed id_token, userinfo, JWKS) and Facebook's side (the OAuth dialog, the token
exchange, a Graph-API-like ``/me`` and a picture endpoint). One server per test, on 127.0.0.1 and a random port.

The authorize endpoint approves at once and redirects back with a code, as a provider does for a member who is
signed in there and has approved the app before. Every request is recorded (path, query, headers, form), so a test
can say who asked what, and the token endpoint checks what a real provider checks: the client's secret, the code
(once), the redirect address and the PKCE verifier against the challenge.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image

CLIENT_ID = "preceptor-test-client"
CLIENT_SECRET = "fake-client-secret"


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str] = field(default_factory=dict)


def picture_jpeg(colour: str = "teal", size: int = 300) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "JPEG")
    return out.getvalue()


class FakeProvider:
    """``identity`` is who the next sign-in is: OpenID Connect claims (sub, email, email_verified, name …)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(4)
        self.identity: dict[str, Any] = {}
        self.picture = picture_jpeg()
        self.picture_path = "/picture/me.jpg"
        self.other_origin = ""  # where /picture/elsewhere.jpg redirects (another fake's origin)
        self.seen: list[Seen] = []
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self, prefix: str = "") -> list[str]:
        return [seen.path for seen in self.seen if seen.path.startswith(prefix)]

    # --- What the endpoints answer ------------------------------------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        redirect_uri = query.get("redirect_uri", "")
        if query.get("client_id") != CLIENT_ID or not redirect_uri or query.get("response_type", "code") != "code":
            return 400, {"Content-Type": "text/plain"}, b"bad authorization request"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "identity": dict(self.identity),
            "redirect_uri": redirect_uri,
            "challenge": query.get("code_challenge", ""),
            "challenge_method": query.get("code_challenge_method", ""),
            "nonce": query.get("nonce", ""),
        }
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return 302, {"Location": f"{redirect_uri}{separator}{urlencode(params)}"}, b""

    def exchange(self, values: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        client_id, secret = values.get("client_id", ""), values.get("client_secret", "")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(values.get("code", ""), None)  # a code works once
        if grant is None or grant["redirect_uri"] != values.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant["challenge"]:
            verifier = values.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant["challenge_method"] != "S256" or digest != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        token = secrets.token_urlsafe(24)
        self.tokens[token] = grant["identity"]
        now = int(time.time())
        claims = {
            **grant["identity"],
            "iss": self.url,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "id_token": id_token}

    def graph_me(self, token: str) -> tuple[int, dict[str, Any]]:
        identity = self.tokens.get(token)
        if identity is None:
            return 401, {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException"}}
        return 200, {
            "id": identity["sub"],
            "name": identity.get("name", ""),
            "first_name": identity.get("given_name", ""),
            "last_name": identity.get("family_name", ""),
            "email": identity.get("email", ""),
            "picture": {
                "data": {"url": f"{self.url}{self.picture_path}", "is_silhouette": False, "width": 300, "height": 300}
            },
        }


def _handler(fake: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def _json(self, status: int, data: dict[str, Any]) -> None:
            self._send(status, {"Content-Type": "application/json"}, json.dumps(data).encode())

        def _record(self, form: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            fake.seen.append(Seen(self.command, parts.path, query, headers, form or {}))
            return parts.path, query

        def do_GET(self) -> None:
            path, query = self._record()
            if path == "/.well-known/openid-configuration":
                self._json(200, fake.discovery())
            elif path == "/jwks":
                self._json(200, fake.jwks())
            elif path in ("/authorize", "/dialog/oauth"):
                self._send(*fake.authorize(query))
            elif path == "/userinfo":
                identity = fake.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                self._json(200, identity) if identity is not None else self._json(401, {"error": "invalid_token"})
            elif path == "/oauth/access_token":  # Facebook exchanges the code with a GET
                self._json(*fake.exchange(query, {k.lower(): v for k, v in self.headers.items()}))
            elif path == "/me":
                self._json(*fake.graph_me(query.get("access_token", "")))
            elif path.startswith("/picture/"):
                self._picture(path.removeprefix("/picture/"))
            else:
                self._send(404, {"Content-Type": "text/plain"}, b"not found")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path, _query = self._record(form)
            if path == "/token":
                self._json(*fake.exchange(form, {k.lower(): v for k, v in self.headers.items()}))
            else:
                self._send(404, {"Content-Type": "text/plain"}, b"not found")

        def _picture(self, name: str) -> None:
            if name == "huge.jpg":  # says so up front
                self._send(200, {"Content-Type": "image/jpeg", "Content-Length": str(50 * 1024 * 1024)}, b"")
            elif name == "endless.jpg":  # does not say, and keeps sending
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                try:
                    for _ in range(200):
                        self.wfile.write(b"\xff" * 64 * 1024)
                except OSError:
                    pass
            elif name == "page.html":
                self._send(200, {"Content-Type": "text/html"}, b"<html><body>Log in to Facebook</body></html>")
            elif name == "not-really.jpg":
                self._send(200, {"Content-Type": "image/jpeg"}, b"GIF89a but not an image at all")
            elif name == "elsewhere.jpg":
                self._send(302, {"Location": f"{fake.other_origin}/picture/me.jpg"}, b"")
            elif name == "moved.jpg":
                self._send(302, {"Location": "/picture/me.jpg"}, b"")
            elif name == "slow.jpg":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                try:
                    for _ in range(40):
                        self.wfile.write(b"\xff")
                        self.wfile.flush()
                        time.sleep(0.1)
                except OSError:
                    pass
            else:
                self._send(200, {"Content-Type": "image/jpeg"}, fake.picture)

    return Handler
