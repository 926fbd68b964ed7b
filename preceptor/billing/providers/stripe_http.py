"""The HTTP client the Stripe library sends through: the standard library's ``http.client``, one kept connection per
thread, given to ``stripe.StripeClient(http_client=…)`` (the library's own extension point, as its bundled clients
are). The library's default, ``RequestsClient``, spent 816–1,028 µs of processor per call (this one: 309–355 µs),
mostly in ``requests``' and urllib3's machinery (sessions, hooks, cookie jars, adapters, pool keys); a webhook
re-reads what each event concerns, so that was its largest single cost after the database (bench W1, decision
0040). What a call does is unchanged: the library builds the request, its headers, its retries and idempotency
keys, and reads the answer.

- TLS is always verified against the certificates the library ships (``stripe.ca_bundle_path``), as
  ``RequestsClient`` verifies them.
- A proxy (``{"http": …, "https": …}``, an ``http://`` address, optionally with a user and password) is asked for
  a tunnel (``CONNECT``) to an https API, and is sent the absolute address of a plain-http one (a test server).
- A kept connection the server has closed while it sat idle is noticed before it is used (it is readable) and
  replaced, as urllib3 does; a failure while sending or reading drops the connection and raises
  ``APIConnectionError`` (``should_retry`` for a timeout or a broken connection, as ``RequestsClient`` sets it), so
  the library's own retries apply.
"""

from __future__ import annotations

import base64
import http.client
import os
import select
import ssl
import textwrap
import threading
from collections.abc import Mapping
from typing import Any, NoReturn
from urllib.parse import SplitResult, unquote, urlsplit

import stripe

TIMEOUT_SECONDS = 80  # the library's own default for RequestsClient


class KeptConnectionClient(stripe.HTTPClient):
    name = "http.client"

    def __init__(self, *, proxy: Mapping[str, str | None] | None = None, timeout: float = TIMEOUT_SECONDS) -> None:
        proxies = {scheme: address for scheme, address in (proxy or {}).items() if address}
        for address in proxies.values():
            if urlsplit(address).scheme != "http":
                # The scheme only: the address may carry the proxy's password, and this message reaches the log.
                raise ValueError(f"a proxy for Stripe must be an http:// address, not {urlsplit(address).scheme}://")
        super().__init__()  # the proxies are kept here (the base class only stores them, for its subclasses)
        self._proxies = proxies
        self._timeout = timeout
        self._tls: ssl.SSLContext | None = None
        self._local = threading.local()

    def request(  # type: ignore[override]  # bytes, as the library's own RequestsClient returns (it decodes them)
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        connection, target = self._connection(url)
        try:
            connection.request(method.upper(), target, body=post_data, headers=dict(headers or {}))
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            _raise_connection_error(exc)
        return content, response.status, _lowercase(response.getheaders())

    def request_stream(
        self, method: str, url: str, headers: Mapping[str, str] | None, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[http.client.HTTPResponse, int, Mapping[str, str]]:
        """The response unread, on a connection of its own (the kept one stays free for the next call)."""
        parts = urlsplit(url)
        connection, target = self._open(parts), self._target(parts)
        try:
            connection.request(method.upper(), target, body=post_data, headers=dict(headers or {}))
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            _raise_connection_error(exc)
        return response, response.status, _lowercase(response.getheaders())

    def close(self) -> None:
        self._drop()

    def _connection(self, url: str) -> tuple[http.client.HTTPConnection, str]:
        parts = urlsplit(url)
        key = (os.getpid(), parts.scheme, parts.netloc)  # a forked process opens its own
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and (local.key != key or _closed_by_peer(connection)):
            self._drop()
            connection = None
        if connection is None:
            connection = self._open(parts)
            local.connection, local.key = connection, key
        return connection, self._target(parts)

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def _open(self, parts: SplitResult) -> http.client.HTTPConnection:
        """A new connection for the address ``parts`` (not yet connected: ``http.client`` connects on the first
        request)."""
        host, port = parts.hostname or "", parts.port
        proxy = urlsplit(self._proxies[parts.scheme]) if parts.scheme in self._proxies else None
        if parts.scheme == "https":
            if proxy is None:
                return http.client.HTTPSConnection(host, port, timeout=self._timeout, context=self._context())
            connection = http.client.HTTPSConnection(
                proxy.hostname or "", proxy.port or 80, timeout=self._timeout, context=self._context()
            )
            connection.set_tunnel(host, port or 443, headers=_proxy_authorization(proxy))
            return connection
        if parts.scheme != "http":
            raise stripe.APIConnectionError(f"Stripe's address must be http or https, not {parts.scheme!r}")
        if proxy is None:
            return http.client.HTTPConnection(host, port, timeout=self._timeout)
        return http.client.HTTPConnection(proxy.hostname or "", proxy.port or 80, timeout=self._timeout)

    def _target(self, parts: SplitResult) -> str:
        """The request target: the absolute address when a plain-http address goes through a proxy, otherwise the
        path and query (an https one is tunnelled)."""
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        proxied = parts.scheme == "http" and "http" in self._proxies
        return f"{parts.scheme}://{parts.netloc}{path}" if proxied else path

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=stripe.ca_bundle_path)
        return self._tls


def _proxy_authorization(proxy: SplitResult) -> dict[str, str]:
    if proxy.username is None:
        return {}
    pair = f"{unquote(proxy.username)}:{unquote(proxy.password or '')}".encode()
    return {"Proxy-Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """A kept connection whose socket is readable while no request is out has been closed by the server (or sent
    something it should not have): either way it cannot carry the next request. No socket yet: usable (it opens)."""
    sock = connection.sock
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _lowercase(headers: list[tuple[str, str]]) -> dict[str, str]:
    """The library reads response headers by their lower-case names (``request-id``, ``stripe-should-retry``)."""
    return {name.lower(): value for name, value in headers}


def _raise_connection_error(exc: Exception) -> NoReturn:
    """As ``RequestsClient`` reports it: a certificate that fails is not retried; a timeout or a broken or refused
    connection is."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        message = "Could not verify Stripe's SSL certificate."
    else:
        message = "Unexpected error communicating with Stripe."
    retry = not isinstance(exc, ssl.SSLError)  # a timeout, a refused, reset or closed connection, a garbled answer
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else f"{type(exc).__name__} with no error message"
    raise stripe.APIConnectionError(
        textwrap.fill(message) + f"\n\n(Network error: {detail})", should_retry=retry
    ) from exc
